/**
 * A bulk action's hash (bulk-store.ts) as written and as read back: every
 * field a string, times in ms, the filter and options as JSON. A hash that
 * does not decode is a LensDataError naming its key, never "no action".
 */
import { LensDataError } from '../errors/lens-data-error.ts';
import { type BulkAction, BulkKinds, type BulkOptions, BulkStates, type NewBulkAction } from '../store/bulk-types.ts';
import type { IndexEntry, IndexFilter } from '../store/index/index-types.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields a new action's hash starts with. */
export function encodeAction(id: string, action: NewBulkAction, now: number): Record<string, string> {
  return {
    id,
    kind: action.kind,
    filter: JSON.stringify(action.filter),
    options: JSON.stringify(action.options),
    dryRun: action.dryRun ? '1' : '0',
    by: action.by,
    matched: String(action.matched),
    done: '0',
    failed: '0',
    claimed: '0',
    state: action.dryRun ? 'DONE' : 'RUNNING',
    startedAt: String(now),
    finishedAt: action.dryRun ? String(now) : '',
    error: '',
    cursor: '',
    inflight: '',
  };
}

export function encodeCursor(entry: IndexEntry | null): string {
  return entry === null ? '' : JSON.stringify([entry.at, entry.id]);
}

function parse(key: string, field: string, text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '') as unknown;
  } catch {
    throw new LensDataError(key, `"${field}" is not JSON`);
  }
}

function count(key: string, hash: Record<string, string>, field: string): number {
  const text = hash[field] ?? '';
  if (!/^\d{1,15}$/.test(text)) throw new LensDataError(key, `"${field}" is not a count`);
  return Number(text);
}

function time(key: string, hash: Record<string, string>, field: string): Date | null {
  const text = hash[field] ?? '';
  if (text === '') return null;
  return new Date(count(key, hash, field));
}

function cursorOf(key: string, text: string | undefined): IndexEntry | null {
  if (!text) return null;
  const value = parse(key, 'cursor', text);
  if (!Array.isArray(value) || typeof value[0] !== 'number' || typeof value[1] !== 'string')
    throw new LensDataError(key, '"cursor" is not [time, id]');
  return { at: value[0], id: value[1] };
}

function oneOf<T extends string>(key: string, field: string, text: string | undefined, values: readonly T[]): T {
  if (!(values as readonly (string | undefined)[]).includes(text))
    throw new LensDataError(key, `"${field}" is not one of ${values.join(', ')}`);
  return text as T;
}

/** The action a hash holds. */
export function decodeAction(key: string, hash: Record<string, string>): BulkAction {
  const filter = parse(key, 'filter', hash.filter);
  const options = parse(key, 'options', hash.options);
  if (!isObject(filter) || !isObject(options)) throw new LensDataError(key, 'filter or options is not an object');
  const startedAt = time(key, hash, 'startedAt');
  if (startedAt === null) throw new LensDataError(key, 'the hash has no "startedAt"');
  return {
    id: hash.id ?? '',
    kind: oneOf(key, 'kind', hash.kind, BulkKinds),
    filter: filter as IndexFilter,
    options: options as unknown as BulkOptions,
    dryRun: hash.dryRun === '1',
    by: hash.by ?? '',
    matched: count(key, hash, 'matched'),
    done: count(key, hash, 'done'),
    failed: count(key, hash, 'failed'),
    claimed: count(key, hash, 'claimed'),
    state: oneOf(key, 'state', hash.state, BulkStates),
    startedAt,
    finishedAt: time(key, hash, 'finishedAt'),
    error: hash.error ? hash.error : null,
    cursor: cursorOf(key, hash.cursor),
    inflight: (hash.inflight ?? '')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [id = '', resend = ''] = line.split('\t');
        return [id, resend] as const;
      }),
  };
}
