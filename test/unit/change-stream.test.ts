/** taskEvents' per-subscriber queue: every change while the client keeps up, the latest per task once it falls behind. */
import { describe, expect, it } from 'vitest';
import { openChangeStream } from '../../src/live/change-stream.ts';
import type { IndexedTask } from '../../src/store/index/index-types.ts';
import type { IndexChangeListener as ChangeListener, IndexChanges } from '../../src/store/store.ts';

/** A feed without Redis: the test pushes the changes. */
function fakeFeed() {
  const listeners = new Set<ChangeListener>();
  const feed: IndexChanges = {
    listen: async (listener: ChangeListener) => (listeners.add(listener), () => listeners.delete(listener)),
  };
  return { feed, push: (task: IndexedTask) => listeners.forEach((listener) => listener(task)), listeners };
}
const change = (id: string, at: number, status: IndexedTask['status'] = 'RUNNING'): IndexedTask => ({
  id,
  status,
  at,
  name: 'n',
  worker: '',
  queue: '',
  rootId: '',
  kwargs: {},
});

async function take(stream: AsyncIterableIterator<IndexedTask>, count: number) {
  const got: IndexedTask[] = [];
  for (let i = 0; i < count; i += 1) got.push((await stream.next()).value as IndexedTask);
  return got;
}

describe('the taskEvents stream', () => {
  it('delivers every accepted change in order while the client keeps up', async () => {
    const { feed, push } = fakeFeed();
    const stream = await openChangeStream(feed, (task) => task.status !== 'QUEUED', { maxQueued: 4 });
    push(change('a', 1));
    push(change('b', 2, 'QUEUED'));
    push(change('a', 3, 'SUCCEEDED'));
    expect((await take(stream, 2)).map((t) => [t.id, t.at])).toEqual([
      ['a', 1],
      ['a', 3],
    ]);
  });

  it('keeps the latest change of each task once more than maxQueued wait: bounded by the tasks, not the changes', async () => {
    const { feed, push, listeners } = fakeFeed();
    const stream = await openChangeStream(feed, () => true, { maxQueued: 4 });
    for (let at = 1; at <= 300; at += 1) push(change(['a', 'b', 'c'][at % 3] as string, at));
    const got: IndexedTask[] = [];
    while (got.at(-1)?.at !== 300) got.push(...(await take(stream, 1)));
    // At most twice the tasks (it collapses again once the queue doubles), in order, the latest of each included.
    expect(got.length).toBeLessThanOrEqual(6);
    expect(got.map((t) => t.at)).toEqual([...got.map((t) => t.at)].sort((x, y) => x - y));
    expect(got.slice(-3).map((t) => [t.id, t.at])).toEqual([298, 299, 300].map((at) => [['a', 'b', 'c'][at % 3], at]));
    await stream.return?.();
    expect(listeners.size).toBe(0);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('ends when the process shuts down', async () => {
    const { feed, listeners } = fakeFeed();
    const shutdown = new AbortController();
    const stream = await openChangeStream(feed, () => true, { maxQueued: 4, signal: shutdown.signal });
    const pending = stream.next();
    shutdown.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(listeners.size).toBe(0);
  });
});
