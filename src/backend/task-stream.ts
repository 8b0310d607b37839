/**
 * One client's stream of task updates, over the shared TaskWatcher.
 *
 * Buffering is bounded: while the client keeps up it gets every update in
 * order (each PROGRESS step); when it falls behind by more than `maxQueued`
 * updates, the queue collapses to the latest update of each task, so memory
 * stays bounded by the number of tasks watched, never by the update rate.
 */
import { READY_STATES } from '../celery/states.ts';
import type { TaskUpdate, TaskWatcher, Watch } from './task-watcher.ts';

export interface TaskStreamOptions {
  /** Complete once every task has been seen in a ready state. @default true */
  readonly untilReady?: boolean;
  /** Yield only ready states (one per task). @default false */
  readonly readyOnly?: boolean;
  /** Updates queued for a slow client before collapsing to the latest per task. @default 64 */
  readonly maxQueued?: number;
  /** Completes the stream when aborted (process shutdown). */
  readonly signal?: AbortSignal;
}

interface Item {
  readonly id: string;
  readonly update: TaskUpdate;
}

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

  constructor(
    readonly ids: readonly string[],
    readonly options: Required<Omit<TaskStreamOptions, 'signal'>>,
  ) {}

  async open(watcher: TaskWatcher): Promise<this> {
    try {
      const watches = await Promise.all(
        this.ids.map((id) => watcher.watch(id, (update) => this.push(id, update)).then((watch) => ({ id, watch }))),
      );
      // A listener hears every value notified after it joined, the current one included:
      // a task with nothing queued yet starts from its current value, queued ahead.
      const currents: Item[] = [];
      for (const { id, watch } of watches) {
        this.#watches.push(watch);
        if (!this.#queue.some((item) => item.id === id)) currents.push({ id, update: watch.current });
      }
      this.#queue.unshift(...currents);
    } catch (error) {
      await this.return();
      throw error;
    }
    return this;
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
    if (this.#queue.length > this.options.maxQueued) this.#collapse();
  }

  /** Keeps the latest update of each task, in the order of those updates. */
  #collapse(): void {
    const seen = new Set<string>();
    const kept: Item[] = [];
    for (let index = this.#queue.length - 1; index >= 0; index -= 1) {
      const item = this.#queue[index] as Item;
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      kept.push(item);
    }
    this.#queue.splice(0, this.#queue.length, ...kept.reverse());
  }

  #deliver(item: Item): IteratorResult<TaskUpdate> {
    if (isReady(item.update)) this.#readySeen.add(item.id);
    if (this.options.untilReady && this.#readySeen.size === this.ids.length) this.#close();
    return { value: item.update, done: false };
  }

  next(): Promise<IteratorResult<TaskUpdate>> {
    for (;;) {
      const item = this.#queue.shift();
      if (!item) break;
      if (this.options.readyOnly && !isReady(item.update) && !(item.update instanceof Error)) continue;
      if (this.options.readyOnly && this.#readySeen.has(item.id)) continue;
      return Promise.resolve(this.#deliver(item));
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<TaskUpdate>> {
    this.#close();
    return Promise.resolve({ value: undefined, done: true });
  }

  #close(): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#unlisten();
      for (const watch of this.#watches.splice(0)) watch.stop();
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting?.({ value: undefined, done: true });
    }
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

/** Opens a stream over `ids` (duplicates ignored); rejects if Redis is down. */
export function openTaskStream(
  watcher: TaskWatcher,
  ids: readonly string[],
  options: TaskStreamOptions = {},
): Promise<AsyncIterableIterator<TaskUpdate>> {
  const stream = new TaskStream([...new Set(ids)], {
    untilReady: options.untilReady ?? true,
    readyOnly: options.readyOnly ?? false,
    maxQueued: options.maxQueued ?? 64,
  });
  if (options.signal) stream.closeOn(options.signal);
  return stream.open(watcher);
}
