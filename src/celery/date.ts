/**
 * Celery 5.2 stores `date_done` as a naive ISO string that is UTC
 * (`datetime.utcnow().isoformat()`, e.g. "2026-11-24T20:19:18.236501");
 * 5.3+ appends "+00:00". Both are accepted; a naive string is read as UTC.
 * Microseconds are truncated to the millisecond a JS Date holds.
 */
const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/;

export function parseCeleryDate(value: string): Date | null {
  const match = ISO.exec(value);
  if (!match) return null;
  const [, day, time, zone] = match;
  // JS accepts at most millisecond precision reliably: cut the fraction to 3 digits.
  const clock = (time ?? '').replace(/(\.\d{3})\d+$/, '$1');
  const date = new Date(`${day}T${clock}${zone ?? 'Z'}`);
  return Number.isNaN(date.getTime()) ? null : date;
}
