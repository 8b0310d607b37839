/**
 * One taskEvents subscriber's queue of index changes. While the client keeps
 * up it gets every change in order; past `maxQueued` waiting, the queue keeps
 * only the latest change of each task (as a tasks(ids) stream does), so a
 * slow client costs the tasks it is behind on, not the change rate.
 */
import type { IndexedTask } from '../store/index/index-types.ts';
import type { IndexChanges } from '../store/store.ts';
import { Channel } from './channel.ts';

/** Changes of the index that `accept` takes, until returned or `signal` aborts; rejects when Redis cannot subscribe. */
export async function openChangeStream(
  feed: IndexChanges,
  accept: (task: IndexedTask) => boolean,
  options: { maxQueued: number; signal?: AbortSignal },
): Promise<AsyncIterableIterator<IndexedTask>> {
  const { signal } = options;
  let stop = () => {};
  const close = () => channel.end();
  const channel = new Channel<IndexedTask>({
    maxQueued: options.maxQueued,
    keyOf: (task) => task.id,
    onClose: () => {
      stop();
      signal?.removeEventListener('abort', close);
    },
  });
  const stopListening = await feed.listen((task) => {
    if (accept(task)) channel.push(task);
  });
  stop = stopListening;
  signal?.addEventListener('abort', close, { once: true });
  if (signal?.aborted) close();
  return channel;
}
