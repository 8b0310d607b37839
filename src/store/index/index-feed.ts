/**
 * The index' changes as they happen: the update script PUBLISHes one message
 * per batch, of every task whose entry changed (once, whichever replica wrote it), on
 * `<lens-prefix>{ix}:changes`. Every process hears them on its shared
 * subscriber connection, subscribed while someone listens.
 */
import type { Redis } from 'ioredis';
import type { TaskStatus } from '../task-statuses.ts';
import type { IndexChangeListener, IndexChanges } from '../store.ts';
import type { IndexedTask } from './index-types.ts';
import { SubscriberChannels } from '../../redis/subscriber-channels.ts';
import { guarded } from '../../redis/redis-replies.ts';

/** One task's change: id, status, at, name, worker, queue, root, kwargs, joined by \x1f (kwargs "key=json" by \x1e); a message joins a batch's by \x1d. */
export function decodeChange(message: string): IndexedTask | null {
  const [id, status, at, name = '', worker = '', queue = '', rootId = '', kw = ''] = message.split('\x1f');
  if (!id || !status || !Number.isFinite(Number(at))) return null;
  const kwargs: Record<string, string> = {};
  for (const pair of kw === '' ? [] : kw.split('\x1e')) {
    const eq = pair.indexOf('=');
    if (eq > 0) kwargs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { id, status: status as TaskStatus, at: Number(at), name, worker, queue, rootId, kwargs };
}

/** The index' changes (store.ts' IndexChanges) on Redis pub/sub. */
export class IndexFeed implements IndexChanges {
  readonly #listeners = new Set<IndexChangeListener>();
  readonly #channels: SubscriberChannels;
  #subscribed: Promise<void> | null = null;

  constructor(
    readonly subscriber: Redis,
    readonly channel: string,
  ) {
    this.#channels = new SubscriberChannels(subscriber, (name) => name === channel && this.#listeners.size > 0);
    subscriber.on('messageBuffer', (name: Buffer, message: Buffer) => {
      if (this.#listeners.size === 0 || name.toString() !== channel) return;
      for (const change of message.toString().split('\x1d')) {
        const task = decodeChange(change);
        if (task) for (const listener of this.#listeners) listener(task);
      }
    });
    subscriber.on('ready', () => {
      if (this.#listeners.size > 0) this.#channels.subscribe([channel]).catch(() => {});
    });
  }

  /** Listens until the returned function is called; rejects (BACKEND_UNAVAILABLE) when the channel cannot be subscribed. */
  async listen(listener: IndexChangeListener): Promise<() => void> {
    this.#listeners.add(listener);
    this.#subscribed ??= guarded(() => this.#channels.subscribe([this.channel]));
    try {
      await this.#subscribed;
    } catch (error) {
      this.#subscribed = null;
      this.#stop(listener);
      throw error;
    }
    return () => this.#stop(listener);
  }

  #stop(listener: IndexChangeListener): void {
    if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
    this.#subscribed = null;
    this.#channels.release([this.channel]);
  }
}
