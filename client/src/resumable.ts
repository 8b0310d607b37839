/**
 * One subscription that outlives its connections. Every event's
 * `extensions.cursor` is kept; when the connection fails (a dropped socket,
 * a server restart, a network change) it subscribes again after a backoff,
 * with `after: <last cursor>`, and the server replays what was missed. A
 * cursor the server no longer covers (CURSOR_EXPIRED, INVALID_CURSOR) means
 * subscribing afresh: the current state comes again, and is dropped when it
 * equals the last one delivered, so a reconnect never repeats an update. A
 * task that existed is never reported missing again (the server's watcher
 * keeps the same rule). Other coded errors end the subscription. A
 * completion before the watched tasks are ready (a server shutting down
 * completes its streams) is subscribed again too.
 */
import type { Request, Transport, WireError, WireResult } from './transport.ts';

export interface RetryOptions {
  /** First wait before reconnecting, in ms; doubled each failure (with jitter). @default 250 */
  readonly minDelayMs?: number;
  /** Longest wait between attempts, in ms. @default 10_000 (10 s) */
  readonly maxDelayMs?: number;
  /** Reconnects in a row before giving up (the subscription then fails). @default Infinity */
  readonly attempts?: number;
}

/** A subscription that ended with an error: its `code` is the server's `extensions.code`, or TRANSPORT. */
export class LensClientError extends Error {
  readonly code: string;
  readonly errors: readonly WireError[];

  constructor(message: string, code: string, errors: readonly WireError[] = []) {
    super(message);
    this.name = 'LensClientError';
    this.code = code;
    this.errors = errors;
  }
}

/** Retried after a backoff, with the same cursor: the server could not serve it now. */
const TRANSIENT = new Set([
  'BACKEND_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'RATE_LIMITED',
  'TOO_MANY_SUBSCRIPTIONS',
  'TOO_MANY_WATCHES',
]);

/**
 * Whether a watch retries an error with this code (`extensions.code`): the
 * server could not serve it now (its Redis down, a rate or watch limit). A
 * query answered with one may be asked again later; other codes do not
 * change by asking again.
 */
export const isTransient = (code: string | undefined): boolean => code !== undefined && TRANSIENT.has(code);
/** Subscribed again without a cursor. */
const STALE_CURSOR = new Set(['CURSOR_EXPIRED', 'INVALID_CURSOR']);

export interface Handle {
  /** Stops the subscription; `done` then resolves. */
  stop(): void;
  /** Resolves when the watch is done (the server completed it, or `finished` holds) or stopped; rejects with a LensClientError. */
  readonly done: Promise<void>;
}

export interface ResumableOptions<T> {
  readonly transport: () => Transport;
  readonly request: (after: string | null) => Request;
  /** The payload of a result (e.g. `data.task`) and the key it is deduplicated by (a task id). */
  readonly pick: (data: Record<string, unknown>) => { readonly key: string; readonly value: T } | null;
  readonly onUpdate: (value: T, errors: readonly WireError[]) => void;
  /**
   * Whether the latest values (by key) are what the server completes the
   * stream on: every task ready, the graph ready. A completion before that
   * is a process going away (a server completes its streams when it shuts
   * down, e.g. in a rolling deploy), and the stream subscribes again, with
   * its cursor, after a backoff. Unset: any completion ends it.
   */
  readonly finished?: (latest: ReadonlyMap<string, T>) => boolean;
  /**
   * End the watch as soon as `finished` holds, without waiting for the
   * server's completion (task watches: the server completes right after a
   * ready state anyway, and a resumed stream that no longer sees a task it
   * already delivered ready, its result gone meanwhile, would never complete).
   * Unset: wait for the server (a graph settles late children first).
   */
  readonly endWhenFinished?: boolean;
  readonly retry?: RetryOptions | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Drop a value equal (as JSON) to the last one delivered for its key. @default true */
  readonly dedupe?: boolean | undefined;
  /** Told each time the stream failed and is tried again after a backoff (`code` TRANSPORT: the connection). */
  readonly onRetry?: ((error: LensClientError) => void) | undefined;
  /** Told each time it subscribes again after a failure: what a cursor cannot replay may have been missed. */
  readonly onResubscribe?: (() => void) | undefined;
}

const existed = (value: unknown) =>
  typeof value === 'object' && value !== null && (value as { exists?: unknown }).exists === true;
const missing = (value: unknown) =>
  typeof value === 'object' && value !== null && (value as { exists?: unknown }).exists === false;

export function resumable<T>(options: ResumableOptions<T>): Handle {
  const minDelay = options.retry?.minDelayMs ?? 250;
  const maxDelay = options.retry?.maxDelayMs ?? 10_000;
  const maxAttempts = options.retry?.attempts ?? Number.POSITIVE_INFINITY;
  let cursor: string | null = null;
  let failures = 0;
  let round = 0;
  let stopRound: () => void = () => {};
  let timer: ReturnType<typeof setTimeout> | null = null;
  let finished = false;
  /** The latest value delivered by key, and its JSON (what a repeat is told by). */
  const latest = new Map<string, T>();
  const jsons = new Map<string, string>();
  let settle: (error?: LensClientError) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });

  const finish = (error?: LensClientError) => {
    if (finished) return;
    finished = true;
    round += 1;
    stopRound();
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    settle(error);
  };
  const onAbort = () => finish();

  const retry = (reason: string, code: string, errors: readonly WireError[] = [], immediately = false) => {
    round += 1;
    stopRound();
    failures += 1;
    if (failures > maxAttempts)
      return finish(new LensClientError(`gave up after ${maxAttempts} reconnects: ${reason}`, code, errors));
    const base = Math.min(maxDelay, minDelay * 2 ** (failures - 1));
    timer = setTimeout(connect, immediately ? 0 : base / 2 + (Math.random() * base) / 2);
    options.onRetry?.(new LensClientError(reason, code, errors));
  };

  const deliver = (result: WireResult) => {
    if (result.extensions?.cursor) cursor = result.extensions.cursor;
    failures = 0;
    const picked = result.data ? options.pick(result.data) : null;
    if (!picked) return;
    if (options.dedupe ?? true) {
      const json = JSON.stringify(picked.value);
      if (jsons.get(picked.key) === json) return;
      if (existed(latest.get(picked.key)) && missing(picked.value)) return;
      jsons.set(picked.key, json);
    }
    latest.set(picked.key, picked.value);
    options.onUpdate(picked.value, result.errors ?? []);
    if (options.endWhenFinished && options.finished?.(latest)) finish();
  };

  function connect(): void {
    timer = null;
    if (finished) return;
    if (round > 0) options.onResubscribe?.();
    if (finished) return;
    const mine = (round += 1);
    const current = () => mine === round && !finished;
    stopRound = options.transport().subscribe(options.request(cursor), {
      next: (result) => {
        if (!current()) return;
        const error = result.data ? undefined : result.errors?.[0];
        if (!error) return deliver(result);
        const code = error.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
        if (STALE_CURSOR.has(code)) {
          cursor = null;
          return retry(error.message, code, result.errors, true);
        }
        if (TRANSIENT.has(code)) return retry(error.message, code, result.errors);
        finish(new LensClientError(error.message, code, result.errors));
      },
      fail: (reason) => {
        if (current()) retry(reason instanceof Error ? reason.message : 'the connection closed', 'TRANSPORT');
      },
      complete: () => {
        if (!current()) return;
        if (!options.finished || options.finished(latest)) return finish();
        retry('the server completed the stream before it was done (a process going away)', 'INCOMPLETE');
      },
    });
  }

  if (options.signal?.aborted) finish();
  else {
    options.signal?.addEventListener('abort', onAbort, { once: true });
    connect();
  }
  return { stop: () => finish(), done };
}
