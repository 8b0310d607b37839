/**
 * Decoding of `celery-task-meta-<id>` values.
 * See docs/celery-wire-format.md, "Task meta".
 */
import { MetaDecodeError } from '../errors/meta-decode-error.ts';
import { parseCeleryDate } from './date.ts';
import { type CeleryException, decodeException } from './exception.ts';
import { EXCEPTION_STATES } from './states.ts';

/** The meta exactly as Celery 5 stores it (fields in Celery's order). */
export interface RawTaskMeta {
  readonly status: string;
  readonly result: unknown;
  readonly traceback: string | null;
  readonly children: readonly unknown[] | null;
  readonly date_done: string | null;
  readonly group_id?: string | null;
  readonly parent_id?: string | null;
  // With result_extended=True:
  readonly name?: string | null;
  readonly args?: unknown;
  readonly kwargs?: unknown;
  readonly worker?: string | null;
  readonly retries?: number | null;
  readonly queue?: string | null;
  readonly task_id?: string;
}

/** A decoded task meta, as the rest of celery-lens uses it. */
export interface TaskMeta {
  readonly id: string;
  /** `status` exactly as stored; custom states such as PROGRESS included. */
  readonly state: string;
  /** `result` as stored: return value, exception dict, or a state's meta. */
  readonly result: unknown;
  /** The decoded exception when the state is an exception state. */
  readonly exception: CeleryException | null;
  readonly traceback: string | null;
  /** Celery's result tuples of the children (decoded by the graph code). */
  readonly children: readonly unknown[];
  readonly dateDone: Date | null;
  /**
   * `parent_id`, except when it is the task's own id: a retried task is
   * re-sent from inside itself, so Celery records itself as its parent.
   */
  readonly parentId: string | null;
  readonly groupId: string | null;
  readonly name: string | null;
  readonly args: unknown;
  readonly kwargs: unknown;
  readonly worker: string | null;
  readonly retries: number | null;
  readonly queue: string | null;
  /** False when the worker ran without result_extended (no name/args/...). */
  readonly extended: boolean;
}

// pickle protocol 2..5 starts with PROTO (0x80) and the protocol number.
function looksLikePickle(bytes: Uint8Array): boolean {
  return bytes[0] === 0x80 && (bytes[1] ?? 0) >= 2 && (bytes[1] ?? 0) <= 5;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function optionalString(meta: Record<string, unknown>, field: string, key: string): string | null {
  const value = meta[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw new MetaDecodeError(key, `"${field}" is expected to be a string, got ${describe(value)}`);
  }
  return value;
}

/**
 * Decodes the raw bytes of a task key. Throws MetaDecodeError (never anything
 * else) when the value is not Celery's JSON meta.
 */
export function decodeTaskMeta(id: string, key: string, bytes: Uint8Array): TaskMeta {
  if (looksLikePickle(bytes)) {
    throw new MetaDecodeError(
      key,
      "the value is pickle (result_serializer='pickle'); celery-lens reads the JSON serializer only",
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw new MetaDecodeError(
      key,
      'the value is not JSON (result_serializer must be "json"; msgpack, yaml and pickle are not read)',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MetaDecodeError(key, `task meta is expected to be a JSON object, got ${describe(parsed)}`);
  }
  const meta = parsed as Record<string, unknown>;
  if (typeof meta.status !== 'string') {
    throw new MetaDecodeError(key, `"status" is expected to be a string, got ${describe(meta.status)}`);
  }
  const children = meta.children ?? [];
  if (!Array.isArray(children)) {
    throw new MetaDecodeError(key, `"children" is expected to be a list, got ${describe(children)}`);
  }
  const dateDoneRaw = optionalString(meta, 'date_done', key);
  const dateDone = dateDoneRaw === null ? null : parseCeleryDate(dateDoneRaw);
  if (dateDoneRaw !== null && dateDone === null) {
    throw new MetaDecodeError(key, `"date_done" is not an ISO date: ${JSON.stringify(dateDoneRaw.slice(0, 40))}`);
  }
  const retries = meta.retries ?? null;
  if (retries !== null && !Number.isInteger(retries)) {
    throw new MetaDecodeError(key, `"retries" is expected to be an integer, got ${describe(retries)}`);
  }
  const parentId = optionalString(meta, 'parent_id', key);
  return {
    id,
    state: meta.status,
    result: meta.result ?? null,
    exception: EXCEPTION_STATES.has(meta.status) ? decodeException(meta.result) : null,
    traceback: optionalString(meta, 'traceback', key),
    children,
    dateDone,
    parentId: parentId === id ? null : parentId,
    groupId: optionalString(meta, 'group_id', key),
    name: optionalString(meta, 'name', key),
    args: meta.args ?? null,
    kwargs: meta.kwargs ?? null,
    worker: optionalString(meta, 'worker', key),
    retries: retries as number | null,
    queue: optionalString(meta, 'queue', key),
    extended: 'name' in meta,
  };
}
