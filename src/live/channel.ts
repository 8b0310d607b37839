/**
 * The one queue between a live source and a subscriber: bounded, and
 * collapsing. While the subscriber keeps up it gets every value in order
 * (each PROGRESS step); when it falls more than `maxQueued` values behind,
 * or `maxBytes` with what its socket still holds (`buffered`), the queue
 * keeps only the latest value of each key, in the order of those values. So
 * memory is bounded by the keys (tasks) it follows, never by the rate.
 *
 * The next collapse waits until the queue doubles: with more keys than
 * `maxQueued`, collapsing at every push would cost O(keys) each time.
 *
 * return() reaches the source at once (`onClose`), even while a next() is
 * pending: an async generator suspended on an await would only see it at its
 * next yield, and a client that leaves would hold its watches until then.
 *
 * With mapStream below, this file holds every async iterator celery-lens
 * writes by hand (the live core's members aside, members.ts): the rest is a Channel, or
 * a Channel mapped.
 */

export interface ChannelOptions<T> {
  /** Values queued before collapsing to the latest per key. @default no bound */
  readonly maxQueued?: number;
  /** The key values collapse by (a task id). @default one key: the latest value only */
  readonly keyOf?: (value: T) => string;
  /** What a queued value costs, in bytes. @default 0 */
  readonly bytesOf?: (value: T) => number;
  /** Bytes queued, with `buffered`, before collapsing. @default no bound */
  readonly maxBytes?: number;
  /** Bytes the client's connection holds that it has not taken yet. */
  readonly buffered?: () => number;
  /** Told each value as it is handed out; false skips it (it was queued, then became moot). */
  readonly take?: (value: T) => boolean;
  /** Told once when the channel ends: returned by its reader, or ended by its source. */
  readonly onClose?: () => void;
}

/** Values handed out from the queue in a row before letting the event loop run. */
const BURST = 100;
const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };
const none = () => 0;

export class Channel<T> implements AsyncIterableIterator<T> {
  #queue: T[] = [];
  #waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  #ended = false;
  #error: unknown = null;
  #burst = 0;
  #bytes = 0;
  #collapseAt: number;
  #collapseAtBytes: number;
  readonly #maxQueued: number;
  readonly #maxBytes: number;
  readonly #bytesOf: (value: T) => number;

  constructor(readonly options: ChannelOptions<T> = {}) {
    this.#maxQueued = options.maxQueued ?? Number.POSITIVE_INFINITY;
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#bytesOf = options.bytesOf ?? none;
    this.#collapseAt = this.#maxQueued;
    this.#collapseAtBytes = this.#maxBytes;
  }

  /** Ended (returned, or ended by its source): nothing more is taken. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Its reader waits for the next value (it has taken every one), or it ended. */
  get idle(): boolean {
    return this.#ended || this.#waiting !== null;
  }

  /** Values queued now. */
  get size(): number {
    return this.#queue.length;
  }

  push(value: T): void {
    if (this.#ended) return;
    const waiting = this.#waiting;
    if (waiting && this.#queue.length === 0) {
      // Not waiting while `take` runs: it may end the channel (a last value), which must not settle this pull.
      this.#waiting = null;
      if (this.options.take && !this.options.take(value)) {
        if (this.#ended) waiting.resolve(DONE);
        else this.#waiting = waiting;
        return;
      }
      waiting.resolve({ value, done: false });
      return;
    }
    this.#queue.push(value);
    this.#bytes += this.#bytesOf(value);
    if (this.#full()) this.#collapse();
  }

  /** Puts `values` ahead of what is queued (a stream's current values, before what arrived while opening). */
  unshift(values: readonly T[]): void {
    if (this.#ended || values.length === 0) return;
    this.#queue = [...values, ...this.#queue];
    for (const value of values) this.#bytes += this.#bytesOf(value);
    if (this.#full()) this.#collapse();
  }

  /** Ends after what is queued; with an error, the pull after it throws it. */
  end(error: unknown = null): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.options.onClose?.();
    const waiting = this.#waiting;
    this.#waiting = null;
    if (!waiting) return;
    if (error) waiting.reject(error);
    else waiting.resolve(DONE);
  }

  #full(): boolean {
    const buffered = this.options.buffered?.() ?? 0;
    return this.#queue.length > this.#collapseAt || this.#bytes + buffered > this.#collapseAtBytes;
  }

  #collapse(): void {
    const keyOf = this.options.keyOf;
    if (!keyOf) {
      this.#queue = this.#queue.slice(-1);
    } else {
      const latest = new Map<string, T>();
      for (const value of this.#queue) {
        const key = keyOf(value);
        latest.delete(key);
        latest.set(key, value);
      }
      this.#queue = [...latest.values()];
    }
    this.#bytes = this.#queue.reduce((sum, value) => sum + this.#bytesOf(value), 0);
    this.#collapseAt = Math.max(this.#maxQueued, 2 * this.#queue.length);
    const buffered = this.options.buffered?.() ?? 0;
    this.#collapseAtBytes = Math.max(this.#maxBytes, 2 * (this.#bytes + buffered));
  }

  next(): Promise<IteratorResult<T>> {
    // A backlog read in one go would be a chain of microtasks starving the
    // event loop (and every Redis reply, whose command then times out).
    if (this.#burst >= BURST && this.#queue.length > 0) {
      this.#burst = 0;
      return new Promise((resolve) => setImmediate(() => resolve(this.next())));
    }
    while (this.#queue.length > 0) {
      const value = this.#queue.shift() as T;
      this.#bytes -= this.#bytesOf(value);
      if (this.options.take && !this.options.take(value)) continue;
      this.#burst += 1;
      return Promise.resolve({ value, done: false });
    }
    this.#burst = 0;
    if (this.#ended) return this.#error ? Promise.reject(this.#error) : Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#queue = [];
    this.#bytes = 0;
    this.#error = null;
    this.end();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** What a mapStream's step answers for a value it drops. */
export const SKIP: unique symbol = Symbol('skip');

/**
 * The values of `source`, each through `step` (which may drop one with SKIP),
 * pulled one at a time as the reader asks: a slow reader leaves them in the
 * source's bounded queue. `first` hands out values ahead of the source's while
 * it has any (a replay). return() reaches the source at once, even while a
 * step is pending, as graphql-js' own mapping does; a step that throws returns
 * the source and the pull rejects.
 */
export function mapStream<T, U>(
  from: AsyncIterator<T> | AsyncIterable<T>,
  step: (value: T) => U | typeof SKIP | Promise<U | typeof SKIP>,
  first: () => U | undefined = () => undefined,
): AsyncIterableIterator<U> {
  const source = Symbol.asyncIterator in from ? from[Symbol.asyncIterator]() : from;
  const close = async (): Promise<IteratorReturnResult<undefined>> => {
    await source.return?.();
    return DONE;
  };
  return {
    async next() {
      const early = first();
      if (early !== undefined) return { value: early, done: false };
      for (;;) {
        const pulled = await source.next();
        if (pulled.done) return DONE;
        let value: U | typeof SKIP;
        try {
          value = await step(pulled.value);
        } catch (error) {
          await close();
          throw error;
        }
        if (value !== SKIP) return { value, done: false };
      }
    },
    return: close,
    async throw(error: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
