/**
 * `taskCompleted(id, timeoutSeconds)`: the final state of a task as soon as
 * it is ready, or, at the deadline, the task as it is then (not ready); one
 * event either way, then the stream completes.
 *
 * A hand-written iterator rather than an async generator: a generator
 * suspended on an await only sees return() at its next yield, so a client
 * that leaves would hold its watch until the deadline.
 */
import { isReadyUpdate } from './task-await.ts';
import type { TaskUpdate } from './task-watcher.ts';

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * Wraps a stream of every update of one task (its current value first, as
 * TaskStream yields it). Undecodable values pass through as they come, as
 * they do in the stream without a deadline. If the inner stream ends first
 * (process shutdown), the latest value is emitted then.
 */
export function untilReadyOrDeadline(
  inner: AsyncIterableIterator<TaskUpdate>,
  timeoutMs: number,
): AsyncIterableIterator<TaskUpdate> {
  let latest: TaskUpdate | undefined;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), timeoutMs);
  });
  const finish = (): Promise<IteratorResult<TaskUpdate>> => {
    finished = true;
    clearTimeout(timer);
    // return() settles a pending next() of the inner stream as done.
    return (inner.return?.() ?? Promise.resolve(DONE)).then(
      () => DONE,
      () => DONE,
    );
  };
  const last = async (): Promise<IteratorResult<TaskUpdate>> => {
    const value = latest;
    await finish();
    return value === undefined ? DONE : { value, done: false };
  };
  const iterator: AsyncIterableIterator<TaskUpdate> = {
    async next() {
      while (!finished) {
        const step = await Promise.race([inner.next(), deadline]);
        if (finished) break;
        if (step === 'deadline' || step.done) return last();
        const update = step.value;
        if (update instanceof Error) return { value: update, done: false };
        if (isReadyUpdate(update)) {
          await finish();
          return { value: update, done: false };
        }
        latest = update;
      }
      return DONE;
    },
    return: () => (finished ? Promise.resolve(DONE) : finish()),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
