/**
 * TaskWatcher.watch when its watcher stops before the task was read (a
 * subscription that ends while it opens, or the process shutting down): the
 * watch answers at once, without a current value it never read, rather than
 * never (which kept its caller, and what it holds, waiting for good).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TaskUpdate } from '../../src/live/task-watcher.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';

const lens = useLens();

/** `promise`'s outcome, or 'pending' if it has none within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('TaskWatcher.watch', () => {
  it('a watch stopped before its task was read rejects, and leaves nothing watched', async () => {
    const { watcher } = lens.app;
    const id = randomUUID();
    const heard: TaskUpdate[] = [];
    const listener = (update: TaskUpdate) => heard.push(update);
    const opening = watcher.watch(id, listener);
    watcher.unwatch(id, listener);
    const outcome = await within(opening, 5000);
    expect(outcome).toMatchObject({ error: expect.objectContaining({ message: expect.stringContaining(id) }) });
    expect((outcome as { error: Error }).error.message).toMatch(/stopped before/);
    expect(heard).toEqual([]);
    expect(watcher.watchedCount).toBe(0);

    // The same task watched again opens as usual.
    const again = await watcher.watch(id, listener);
    expect(again.current).toMatchObject({ id, meta: null });
    again.stop();
    await until(() => watcher.watchedCount === 0);
  });
});
