/**
 * Celery 5.2 stores `date_done` as a naive ISO string that is UTC
 * (`datetime.utcnow().isoformat()`, e.g. "2026-11-24T20:19:18.236501");
 * 5.3+ appends "+00:00". Both are accepted; a naive string is read as UTC.
 * Microseconds are truncated to the millisecond a JS Date holds.
 *
 * Every field is range-checked as Python's datetime does: JS' Date parser
 * rolls impossible dates over ("02-30" becomes March 2, "24:00" the next day),
 * which would show a corrupt value as a plausible one.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2}):?(\d{2}))?$/;

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

export function parseCeleryDate(value: string): Date | null {
  const match = ISO.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second = 0] = match
    .slice(1, 7)
    .map((part) => (part === undefined ? 0 : Number(part)));
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined)
    return null;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const [offsetHours, offsetMinutes] = [Number(match[10] ?? 0), Number(match[11] ?? 0)];
  // Python's timezone takes offsets strictly under a day.
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const offsetMs = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  // The first three digits of the fraction are the milliseconds.
  const ms = Number((match[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return new Date(date.getTime() - offsetMs);
}
