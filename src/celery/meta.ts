/**
 * Decoding of `celery-task-meta-<id>` values.
 * See docs/celery-wire-format.md, "Task meta".
 */
import { MetaDecodeError } from '../errors/meta-decode-error.ts';
import { ValueTooLargeError } from '../errors/value-too-large-error.ts';
import { parseCeleryDate } from './date.ts';
import { type CeleryException, decodeException, exceptionFromTraceback } from './exception.ts';
import { exceedsJsonLimits } from './json-size.ts';
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
  // Celery 5.3+, with result_extended and a stamped task: `stamped_headers` (a
  // list of names) and each stamp as a field of its own, any name. Not read.
  readonly stamped_headers?: readonly string[] | null;
  // Written by no Celery up to 5.6.3 (its database backend has the column):
  // read when present, so a backend or a later version that adds it is shown.
  readonly date_started?: string | null;
}

/** A decoded task meta, as the rest of celery-lens uses it. */
export interface TaskMeta {
  readonly id: string;
  /** `status` exactly as stored; custom states such as PROGRESS included. */
  readonly state: string;
  /**
   * `result` as stored: return value, exception dict, or a state's meta. A
   * ValueTooLargeError in its place (and in args, kwargs, traceback and the
   * exception's message and args) when it passes the value limits.
   */
  readonly result: unknown;
  /**
   * The exception of an exception state: the stored exception dict, or, when
   * Celery stored none (RETRY in 5.2), the one the traceback ends with.
   */
  readonly exception: CeleryException | null;
  readonly traceback: string | ValueTooLargeError | null;
  /** Celery's result tuples of the children (decoded by the graph code). */
  readonly children: readonly unknown[];
  readonly dateDone: Date | null;
  /** `date_started` when the meta has one (no Celery up to 5.6.3 writes it to Redis). */
  readonly dateStarted: Date | null;
  /**
   * `parent_id`, except when it is the task's own id: a retried task is
   * re-sent from inside itself, so Celery records itself as its parent
   * (and as its own child; both self-references are dropped).
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

/** Bounds on each stored value celery-lens hands on (result, args, kwargs, traceback). */
export interface ValueLimits {
  /** Largest value in bytes of JSON (--max-value-bytes). */
  readonly maxValueBytes: number;
}

/**
 * Python's json module cannot write a value nested deeper than its recursion
 * limit (1000), so no value Celery stored is deeper; JSON.stringify and the
 * code around it overflow the stack a few thousand levels down.
 */
export const MAX_VALUE_DEPTH = 1000;

export const DEFAULT_VALUE_LIMITS: ValueLimits = { maxValueBytes: 4 * 1024 * 1024 };

// pickle protocol 2..5 starts with PROTO (0x80) and the protocol number.
function looksLikePickle(bytes: Uint8Array): boolean {
  return bytes[0] === 0x80 && (bytes[1] ?? 0) >= 2 && (bytes[1] ?? 0) <= 5;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

// Each takes the value read at its call site (a named property load there, not a keyed one per field here).
function optionalString(value: unknown, field: string, key: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw new MetaDecodeError(key, `"${field}" is expected to be a string, got ${describe(value)}`);
  }
  return value;
}

/** An ISO date field: naive (5.2, UTC) or with any offset (5.3+ writes app.now() in Celery's `timezone`). */
function optionalDate(value: unknown, field: string, key: string): Date | null {
  const raw = optionalString(value, field, key);
  const date = raw === null ? null : parseCeleryDate(raw);
  if (raw !== null && date === null)
    throw new MetaDecodeError(key, `"${field}" is not an ISO date: ${JSON.stringify(raw.slice(0, 40))}`);
  return date;
}

function isSelf(tuple: unknown, id: string): boolean {
  return Array.isArray(tuple) && Array.isArray(tuple[0]) && tuple[0][0] === id && tuple[1] === null;
}

/**
 * Whether a meta of `length` bytes may hold a value past the limits. A value
 * nested d levels deep takes at least 2d bytes of JSON, and none is larger
 * than the meta it is in (half of it, to keep clear of the few number
 * spellings that print longer than stored): most metas, a few hundred bytes,
 * need no walk at all.
 */
function mayPassLimits(length: number, limits: ValueLimits): boolean {
  return length >= 2 * MAX_VALUE_DEPTH || 2 * length > limits.maxValueBytes;
}

/** The value, or the ValueTooLargeError that stands for it when it passes a limit. */
function bounded(value: unknown, field: string, key: string, limits: ValueLimits, walk: boolean): unknown {
  if (!walk) return value;
  const excess = exceedsJsonLimits(value, { maxBytes: limits.maxValueBytes, maxDepth: MAX_VALUE_DEPTH });
  return excess ? new ValueTooLargeError(key, field, excess.measure, excess.limit) : value;
}

/**
 * The exception of an exception state. When the stored exception dict passes
 * the limits its type and module are still told; its message and args are
 * the error (`tooLarge`), never a str() of them.
 */
function exceptionOf(raw: unknown, result: unknown, traceback: string | null): CeleryException | null {
  if (result instanceof ValueTooLargeError) {
    const record =
      typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    if (typeof record.exc_type === 'string') {
      const module = typeof record.exc_module === 'string' ? record.exc_module : null;
      return { type: record.exc_type, module, message: '', args: [], tooLarge: result };
    }
  }
  return decodeException(result) ?? (traceback ? exceptionFromTraceback(traceback) : null);
}

/**
 * Decodes the raw bytes of a task key. Throws MetaDecodeError (never anything
 * else) when the value is not Celery's JSON meta.
 */
export function decodeTaskMeta(
  id: string,
  key: string,
  bytes: Uint8Array,
  limits: ValueLimits = DEFAULT_VALUE_LIMITS,
): TaskMeta {
  if (looksLikePickle(bytes)) {
    throw new MetaDecodeError(
      key,
      "the value is pickle (result_serializer='pickle'); celery-lens reads the JSON serializer only",
    );
  }
  let parsed: unknown;
  try {
    // ioredis hands Buffers: read as they are, with no view made over their memory first.
    const text = Buffer.isBuffer(bytes)
      ? bytes.toString('utf8')
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    parsed = JSON.parse(text);
  } catch {
    throw new MetaDecodeError(
      key,
      'the value is not JSON (result_serializer must be "json"; msgpack, yaml and pickle are not read)',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MetaDecodeError(key, `task meta is expected to be a JSON object, got ${describe(parsed)}`);
  }
  // Celery's field names, values not yet trusted.
  const meta = parsed as { readonly [Field in keyof RawTaskMeta]?: unknown };
  if (typeof meta.status !== 'string') {
    throw new MetaDecodeError(key, `"status" is expected to be a string, got ${describe(meta.status)}`);
  }
  const children = meta.children ?? [];
  if (!Array.isArray(children)) {
    throw new MetaDecodeError(key, `"children" is expected to be a list, got ${describe(children)}`);
  }
  const dateDone = optionalDate(meta.date_done, 'date_done', key);
  const dateStarted = optionalDate(meta.date_started, 'date_started', key);
  const retries = meta.retries ?? null;
  if (retries !== null && !Number.isInteger(retries)) {
    throw new MetaDecodeError(key, `"retries" is expected to be an integer, got ${describe(retries)}`);
  }
  const parentId = optionalString(meta.parent_id, 'parent_id', key);
  const traceback = optionalString(meta.traceback, 'traceback', key);
  const isException = EXCEPTION_STATES.has(meta.status);
  const walk = mayPassLimits(bytes.length, limits);
  const result = bounded(meta.result ?? null, 'result', key, limits, walk);
  return {
    id,
    state: meta.status,
    result,
    exception: isException ? exceptionOf(meta.result, result, traceback) : null,
    traceback:
      traceback !== null && traceback.length > limits.maxValueBytes
        ? new ValueTooLargeError(key, 'traceback', 'bytes', limits.maxValueBytes)
        : traceback,
    // A retried task is re-sent from inside itself: Celery lists it among its own children.
    children: children.some((child) => isSelf(child, id)) ? children.filter((child) => !isSelf(child, id)) : children,
    dateDone,
    dateStarted,
    parentId: parentId === id ? null : parentId,
    groupId: optionalString(meta.group_id, 'group_id', key),
    name: optionalString(meta.name, 'name', key),
    args: bounded(meta.args ?? null, 'args', key, limits, walk),
    kwargs: bounded(meta.kwargs ?? null, 'kwargs', key, limits, walk),
    worker: optionalString(meta.worker, 'worker', key),
    retries: retries as number | null,
    queue: optionalString(meta.queue, 'queue', key),
    extended: 'name' in meta,
  };
}
