/**
 * One taskEvents subscriber's queue of index changes. While the client keeps
 * up it gets every change in order; past `maxQueued` waiting, the queue keeps
 * only the latest change of each task (as a tasks(ids) stream does), so a
 * slow client costs the tasks it is behind on, not the change rate.
 */
import type { IndexedTask, IndexFeed } from '../store/index/index-feed.ts';

class ChangeStream implements AsyncIterableIterator<IndexedTask> {
  readonly #queue: IndexedTask[] = [];
  #waiting: ((result: IteratorResult<IndexedTask>) => void) | null = null;
  #closed = false;
  #stop: () => void = () => {};
  #collapseAt: number;

  constructor(
    readonly accept: (task: IndexedTask) => boolean,
    readonly maxQueued: number,
  ) {
    this.#collapseAt = maxQueued;
  }

  async open(feed: IndexFeed, signal: AbortSignal | undefined): Promise<this> {
    const stop = await feed.listen((task) => this.#push(task));
    const close = () => this.#close();
    signal?.addEventListener('abort', close, { once: true });
    this.#stop = () => {
      stop();
      signal?.removeEventListener('abort', close);
    };
    if (signal?.aborted) this.#close();
    return this;
  }

  #push(task: IndexedTask): void {
    if (this.#closed || !this.accept(task)) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = null;
      waiting({ value: task, done: false });
      return;
    }
    this.#queue.push(task);
    if (this.#queue.length > this.#collapseAt) this.#collapse();
  }

  /** The latest change of each task, in the order of those changes; the next collapse waits for the queue to double. */
  #collapse(): void {
    const latest = new Map<string, IndexedTask>();
    for (const task of this.#queue) {
      latest.delete(task.id);
      latest.set(task.id, task);
    }
    this.#queue.length = 0;
    this.#queue.push(...latest.values());
    this.#collapseAt = Math.max(this.maxQueued, 2 * this.#queue.length);
  }

  next(): Promise<IteratorResult<IndexedTask>> {
    const task = this.#queue.shift();
    if (task) return Promise.resolve({ value: task, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<IndexedTask>> {
    this.#close();
    return Promise.resolve({ value: undefined, done: true });
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop();
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Changes of the index that `accept` takes, until returned or `signal` aborts; rejects when Redis cannot subscribe. */
export function openChangeStream(
  feed: IndexFeed,
  accept: (task: IndexedTask) => boolean,
  options: { maxQueued: number; signal?: AbortSignal },
) {
  return new ChangeStream(accept, options.maxQueued).open(feed, options.signal);
}
