/**
 * What the history store reads back is checked before it is shown: the JSON
 * timeline entries and tombstones earlier versions wrote, and the numbers of
 * a history hash. Anything else is a LensDataError naming the key.
 */
import { TASK_EVENT_TYPES } from '../celery/events.ts';
import { LensDataError } from '../errors/lens-data-error.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON celery-lens wrote under `key`, checked by `valid`; anything else is a LensDataError. */
export function decodeJson<T>(
  key: string,
  text: string,
  what: string,
  valid: (value: Record<string, unknown>) => boolean,
): T {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new LensDataError(key, `${what} is not JSON`);
  }
  if (!isObject(value) || !valid(value)) throw new LensDataError(key, `${what} is not one celery-lens wrote`);
  return value as T;
}

const EVENT_TYPES: ReadonlySet<unknown> = new Set(TASK_EVENT_TYPES);
// What a JavaScript Date can hold (±100,000,000 days), so every time shown is a valid DateTime.
export const isTime = (ms: unknown) => typeof ms === 'number' && Math.abs(ms) <= 8.64e15;
const isText = (value: unknown) => value === null || typeof value === 'string';
export const isEntry = (entry: Record<string, unknown>) =>
  EVENT_TYPES.has(entry.type) &&
  isTime(entry.at) &&
  isText(entry.hostname ?? null) &&
  (entry.retries === undefined || Number.isSafeInteger(entry.retries));
export const isTombstone = (tomb: Record<string, unknown>) =>
  typeof tomb.state === 'string' &&
  isTime(tomb.recordedAt) &&
  [tomb.errorType, tomb.errorMessage, tomb.name].every((field) => isText(field ?? null)) &&
  (tomb.dateDone == null || (typeof tomb.dateDone === 'string' && !Number.isNaN(Date.parse(tomb.dateDone))));

/** The numeric fields of a history hash, or a LensDataError naming the first that is not a number (or, for times, not a time). */
export function numbers(
  key: string,
  hash: Record<string, string>,
  fields: readonly string[],
  times: ReadonlySet<string>,
): Record<string, number | null> {
  return Object.fromEntries(
    fields.map((field) => {
      const value = hash[field];
      if (value === undefined || value === '') return [field, null];
      const parsed = Number(value);
      if (!Number.isFinite(parsed) || (times.has(field) && !isTime(parsed))) {
        throw new LensDataError(
          key,
          `"${field}" is not a ${times.has(field) ? 'time in ms' : 'number'}: ${JSON.stringify(value.slice(0, 40))}`,
        );
      }
      return [field, parsed];
    }),
  );
}
