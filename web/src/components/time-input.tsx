/** A local date and time to the second, as the filter forms take it (`datetime-local`, the browser's own picker). */
export function TimeInput({
  label,
  name,
  value,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}
      <input
        name={name}
        type="datetime-local"
        step="1"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}
