/** What a field the credential may not read shows instead of its value. */
export function HiddenField() {
  return (
    <span className="hidden-field" title="Your API key lacks the payload scope">
      <span aria-hidden="true">🔒</span> hidden (needs the payload scope)
    </span>
  );
}
