/**
 * Celery 5.2 stores `date_done` as a naive ISO string that is UTC
 * (`datetime.utcnow().isoformat()`, e.g. "2026-11-24T20:19:18.236501");
 * 5.3+ appends "+00:00". Both are accepted; a naive string is read as UTC.
 * Microseconds are truncated to the millisecond a JS Date holds.
 *
 * Every field is range-checked as Python's datetime does: JS' Date parser
 * rolls impossible dates over ("02-30" becomes March 2, "24:00" the next day),
 * which would show a corrupt value as a plausible one.
 *
 * Read character by character rather than by a regular expression: every
 * task a query answers has a date or two, and this is several times faster
 * (P2 in docs/benchmarks.md reads 1,000 tasks a request).
 */

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ZERO = 48;

function daysIn(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** The number the `count` ASCII digits at `at` spell, or -1 when one is not a digit. */
function digits(value: string, at: number, count: number): number {
  let number = 0;
  for (let index = at; index < at + count; index += 1) {
    const digit = value.charCodeAt(index) - ZERO;
    if (!(digit >= 0 && digit <= 9)) return -1;
    number = number * 10 + digit;
  }
  return number;
}

/** The offset's milliseconds east of UTC from `at` to the end ("", "Z", "±HH:MM", "±HHMM"), or null. */
function offsetAt(value: string, at: number): number | null {
  const rest = value.length - at;
  if (rest === 0) return 0;
  if (rest === 1) return value[at] === 'Z' ? 0 : null;
  const sign = value[at] === '-' ? -1 : value[at] === '+' ? 1 : 0;
  const colon = rest === 6 && value[at + 3] === ':';
  if (sign === 0 || !(colon || rest === 5)) return null;
  const hours = digits(value, at + 1, 2);
  const minutes = digits(value, colon ? at + 4 : at + 3, 2);
  // Python's timezone takes offsets strictly under a day.
  if (hours < 0 || minutes < 0 || hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes) * 60_000;
}

export function parseCeleryDate(value: string): Date | null {
  // YYYY-MM-DD[T ]HH:MM, then optionally :SS and .fraction, then the offset.
  if (value.length < 16 || value[4] !== '-' || value[7] !== '-' || value[13] !== ':') return null;
  if (value[10] !== 'T' && value[10] !== ' ') return null;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  let at = 16;
  let second = 0;
  let ms = 0;
  if (value[at] === ':') {
    second = digits(value, at + 1, 2);
    at += 3;
    if (value[at] === '.') {
      const start = (at += 1);
      while (digits(value, at, 1) >= 0) at += 1;
      if (at === start) return null;
      // The first three digits of the fraction are the milliseconds; a shorter one is padded (".5" is 500 ms).
      for (let index = start; index < start + 3; index += 1) ms = ms * 10 + (index < at ? digits(value, index, 1) : 0);
    }
  }
  const offsetMs = offsetAt(value, at);
  if (offsetMs === null || year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) return null;
  // Date.UTC maps years 0–99 to 1900–1999: those take setUTCFullYear.
  if (year >= 100) return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return new Date(date.getTime() - offsetMs);
}
