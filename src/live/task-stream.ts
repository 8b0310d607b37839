/**
 * One client's stream of task updates, over the shared TaskWatcher.
 *
 * Buffering is bounded: while the client keeps up it gets every update in
 * order (each PROGRESS step); when it falls behind by more than `maxQueued`
 * updates, or `maxQueuedBytes` of stored values with what its socket still
 * holds (64 updates of a 4 MB result would be 256 MB), the queue collapses to
 * the latest update of each task, so memory stays bounded by the number of
 * tasks watched, never by the update rate.
 *
 * Why not graphql-yoga's Repeater: its executor starts at the first next(),
 * and a return() before that skips it. The watches must be open (and counted)
 * when the subscription is accepted, so that a Redis outage or a cap is a
 * coded error of the subscribe call; a Repeater would then leak them whenever
 * it is returned before its first pull (a client that leaves at once).
 */
import { READY_STATES } from '../celery/states.ts';
import { type TaskUpdate, type TaskWatcher, type Watch, rawOf } from './task-watcher.ts';
import type { Release, WatchQuota } from './watch-quota.ts';

export interface TaskStreamOptions {
  /** Complete once every task has been seen in a ready state. @default true */
  readonly untilReady?: boolean;
  /** Yield only ready states (one per task). @default false */
  readonly readyOnly?: boolean;
  /** Updates queued for a slow client before collapsing to the latest per task. @default 64 */
  readonly maxQueued?: number;
  /** Bytes of stored values queued, with what `buffered` says, before collapsing. @default no bound */
  readonly maxQueuedBytes?: number;
  /** Bytes the client's connection holds that it has not taken yet (transport/client-buffered.ts). */
  readonly buffered?: () => number;
  /** Completes the stream when aborted (process shutdown). */
  readonly signal?: AbortSignal;
  /** The caller's connection's quota of watches (besides the process'). */
  readonly quota?: WatchQuota;
}

/** Queued updates handed out in a row before letting the event loop run. */
const BURST = 100;

interface Item {
  readonly id: string;
  readonly update: TaskUpdate;
}

/** What an update queued costs, as the bytes of the stored value it was decoded from. */
export const queuedBytesOf = (update: TaskUpdate): number => rawOf(update)?.byteLength ?? 0;
const bytesOf = (items: readonly Item[]): number => items.reduce((sum, item) => sum + queuedBytesOf(item.update), 0);

const isReady = (update: TaskUpdate): boolean =>
  !(update instanceof Error) && update.meta !== null && READY_STATES.has(update.meta.state);

class TaskStream implements AsyncIterableIterator<TaskUpdate> {
  readonly #queue: Item[] = [];
  readonly #readySeen = new Set<string>();
  readonly #watches: Watch[] = [];
  #waiting: ((result: IteratorResult<TaskUpdate>) => void) | null = null;
  #closed = false;
  /** Removes the abort listener: the signal (process shutdown) outlives every stream. */
  #unlisten: () => void = () => {};
  /** Updates delivered from the queue since the stream last waited or yielded. */
  #burst = 0;
  /** Queue length past which it collapses: maxQueued, or twice the tasks kept at the last collapse. */
  #collapseAt: number;
  /** Bytes of the queued updates, and past how many (with the socket's) it collapses, likewise. */
  #queuedBytes = 0;
  #collapseAtBytes: number;
  /** Gives the watches back to the quotas. */
  #release: Release = () => {};

  constructor(
    readonly ids: readonly string[],
    readonly options: Required<Omit<TaskStreamOptions, 'signal' | 'quota'>>,
  ) {
    this.#collapseAt = options.maxQueued;
    this.#collapseAtBytes = options.maxQueuedBytes;
  }

  #full(): boolean {
    return this.#queue.length > this.#collapseAt || this.#queuedBytes + this.options.buffered() > this.#collapseAtBytes;
  }

  async open(watcher: TaskWatcher, quota: WatchQuota | undefined): Promise<this> {
    try {
      this.#release = watcher.reserve(this.ids.length, quota);
    } catch (error) {
      // Refused: stop listening to the shutdown signal like any ended stream.
      this.#close();
      throw error;
    }
    // Nothing to watch: nothing can ever be emitted, so it is complete at once.
    if (this.ids.length === 0) await this.return();
    const opened: { id: string; watch: Watch }[] = [];
    const failures: unknown[] = [];
    // Every watch is awaited, the failed ones too: those that did open are kept to be stopped.
    await Promise.all(
      this.ids.map((id) =>
        watcher
          .watch(id, (update) => this.push(id, update))
          .then(
            (watch) => {
              if (this.#closed) watch.stop();
              else opened.push({ id, watch });
            },
            (error: unknown) => {
              failures.push(error);
            },
          ),
      ),
    );
    for (const { watch } of opened) this.#watches.push(watch);
    if (failures.length > 0) {
      await this.return();
      throw failures[0];
    }
    this.#queueCurrents(opened);
    return this;
  }

  /**
   * A listener hears every value notified after it joined, the current one
   * included: a task with nothing queued yet starts from its current value,
   * queued ahead of what arrived while opening.
   */
  #queueCurrents(opened: readonly { id: string; watch: Watch }[]): void {
    const queued = new Set(this.#queue.map((item) => item.id));
    const currents: Item[] = [];
    for (const { id, watch } of opened) if (!queued.has(id)) currents.push({ id, update: watch.current });
    for (const item of this.#queue) currents.push(item);
    this.#queue.length = 0;
    for (const item of currents) this.#queue.push(item);
    this.#queuedBytes = bytesOf(this.#queue);
    if (this.#full()) this.#collapse();
  }

  push(id: string, update: TaskUpdate): void {
    if (this.#closed) return;
    if (this.options.readyOnly && !isReady(update) && !(update instanceof Error)) return;
    const waiting = this.#waiting;
    if (waiting && this.#queue.length === 0) {
      this.#waiting = null;
      waiting(this.#deliver({ id, update }));
      return;
    }
    this.#queue.push({ id, update });
    this.#queuedBytes += queuedBytesOf(update);
    if (this.#full()) this.#collapse();
  }

  /**
   * Keeps the latest update of each task, in the order of those updates.
   * The next collapse waits until the queue doubles: with more tasks than
   * `maxQueued`, collapsing at every push would cost O(tasks) each time.
   */
  #collapse(): void {
    const seen = new Set<string>();
    const kept: Item[] = [];
    for (let index = this.#queue.length - 1; index >= 0; index -= 1) {
      const item = this.#queue[index] as Item;
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      kept.push(item);
    }
    this.#queue.length = 0;
    for (let index = kept.length - 1; index >= 0; index -= 1) this.#queue.push(kept[index] as Item);
    this.#collapseAt = Math.max(this.options.maxQueued, 2 * kept.length);
    this.#queuedBytes = bytesOf(this.#queue);
    this.#collapseAtBytes = Math.max(this.options.maxQueuedBytes, 2 * (this.#queuedBytes + this.options.buffered()));
  }

  #deliver(item: Item): IteratorResult<TaskUpdate> {
    if (isReady(item.update)) this.#readySeen.add(item.id);
    if (this.options.untilReady && this.#readySeen.size === this.ids.length) this.#close();
    return { value: item.update, done: false };
  }

  next(): Promise<IteratorResult<TaskUpdate>> {
    // A backlog read in one go would be a chain of microtasks starving the
    // event loop (and every Redis reply, whose command then times out).
    if (this.#burst >= BURST && this.#queue.length > 0) {
      this.#burst = 0;
      return new Promise((resolve) => setImmediate(() => resolve(this.next())));
    }
    for (;;) {
      const item = this.#queue.shift();
      if (!item) break;
      this.#queuedBytes -= queuedBytesOf(item.update);
      if (this.options.readyOnly && !isReady(item.update) && !(item.update instanceof Error)) continue;
      if (this.options.readyOnly && this.#readySeen.has(item.id)) continue;
      this.#burst += 1;
      return Promise.resolve(this.#deliver(item));
    }
    this.#burst = 0;
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<TaskUpdate>> {
    this.#close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Stops every watch, gives them back to the quotas and ends a pending next(). */
  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unlisten();
    for (const watch of this.#watches) watch.stop();
    this.#watches.length = 0;
    this.#release();
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.({ value: undefined, done: true });
  }

  /** Completes the stream when `signal` aborts. */
  closeOn(signal: AbortSignal): void {
    const close = () => this.#close();
    signal.addEventListener('abort', close, { once: true });
    this.#unlisten = () => signal.removeEventListener('abort', close);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Opens a stream over `ids` (duplicates ignored; none: complete at once).
 * Rejects if Redis is down (BACKEND_UNAVAILABLE) or past a quota (TOO_MANY_WATCHES).
 */
export function openTaskStream(
  watcher: TaskWatcher,
  ids: readonly string[],
  options: TaskStreamOptions = {},
): Promise<AsyncIterableIterator<TaskUpdate>> {
  const stream = new TaskStream([...new Set(ids)], {
    untilReady: options.untilReady ?? true,
    readyOnly: options.readyOnly ?? false,
    maxQueued: options.maxQueued ?? 64,
    maxQueuedBytes: options.maxQueuedBytes ?? Number.POSITIVE_INFINITY,
    buffered: options.buffered ?? (() => 0),
  });
  if (options.signal) stream.closeOn(options.signal);
  return stream.open(watcher, options.quota);
}
