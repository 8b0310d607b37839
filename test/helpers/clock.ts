/**
 * Dates for fixtures, always relative to now: the suite must pass on any day
 * (the index keeps `--index-days`, so a fixed date ages out of it).
 */

/** Celery's `date_done`: naive UTC isoformat with microseconds (`YYYY-MM-DDTHH:MM:SS.ffffff`). */
export function celeryDate(at: number | Date = Date.now()): string {
  const date = typeof at === 'number' ? new Date(at) : at;
  return `${date.toISOString().slice(0, 23)}000`;
}

/** The ISO string celery-lens answers for a `celeryDate` (milliseconds, `Z`). */
export function isoOf(celery: string): string {
  return `${celery.slice(0, 23)}Z`;
}

/** A time `ms` before now, rounded down to the whole minute (for per-minute buckets). */
export function minuteAgo(ms: number): number {
  return Math.floor((Date.now() - ms) / 60_000) * 60_000;
}
