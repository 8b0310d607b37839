/**
 * What the user typed or pasted into the search box, as a task id: the id
 * itself, or the last path segment of a URL (a link to this page, Flower's
 * /task/<id>, a log line's URL), without its query or fragment.
 */
export function taskIdFromInput(input: string): string | null {
  const text = input.trim();
  if (text === '') return null;
  if (!text.includes('/')) return text;
  const withoutQuery = text.split(/[?#]/, 1)[0] ?? '';
  const last = withoutQuery
    .split('/')
    .filter((part) => part !== '')
    .pop();
  if (!last) return null;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
