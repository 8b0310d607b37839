/**
 * The index' changes as they happen: the update script PUBLISHes one message
 * per batch, of every task whose entry changed (once, whichever replica wrote it), on
 * `<lens-prefix>{ix}:changes`. Every process hears them on its shared
 * subscriber connection, subscribed while someone listens.
 */
import type { StoreRedis } from '../../redis/store-redis.ts';
import type { TaskStatus } from '../task-statuses.ts';
import type { IndexChangeListener, IndexChanges } from '../store.ts';
import type { IndexedTask } from './index-types.ts';
import { ChannelFeed } from '../../redis/channel-feed.ts';

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
  readonly #feed: ChannelFeed<IndexedTask>;

  constructor(
    readonly subscriber: StoreRedis,
    readonly channel: string,
  ) {
    this.#feed = new ChannelFeed(subscriber, channel, (message) =>
      message
        .toString()
        .split('\x1d')
        .map(decodeChange)
        .filter((task): task is IndexedTask => task !== null),
    );
  }

  /** Listens until the returned function is called; rejects (BACKEND_UNAVAILABLE) when the channel cannot be subscribed. */
  listen(listener: IndexChangeListener): Promise<() => void> {
    return this.#feed.listen(listener);
  }
}
