/** The head of a live list (Tasks, Failures): its count, and whether it follows the first page live. */
export function ListHead({
  testId,
  count,
  text,
  live,
  onBackToLive,
}: {
  testId: string;
  count: number | null;
  text: string;
  live: boolean;
  onBackToLive: () => void;
}) {
  return (
    <div className="list-head">
      <p role="status" data-testid={testId} data-count={count ?? ''}>
        {text}
      </p>
      {live ? (
        <span className="muted live-note">live</span>
      ) : (
        <button type="button" className="secondary" onClick={onBackToLive}>
          Back to the first page (live)
        </button>
      )}
    </div>
  );
}
