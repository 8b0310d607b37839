/**
 * `taskCompleted(id, timeoutSeconds)`: the final state of a task as soon as
 * it is ready, or, at the deadline, the task as it is then (not ready); one
 * event either way, then the stream completes.
 *
 * On a Channel (channel.ts) rather than an async generator: a generator
 * suspended on an await only sees return() at its next yield, so a client
 * that leaves would hold its watch until the deadline.
 */
import { Channel } from './channel.ts';
import { isReadyUpdate } from './task-await.ts';
import type { TaskUpdate } from './task-watcher.ts';

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
  const channel = new Channel<TaskUpdate>({
    onClose: () => {
      clearTimeout(timer);
      // return() settles a pending next() of the inner stream as done; it does not reject.
      inner.return?.().catch(() => {});
    },
  });
  const last = () => {
    if (latest !== undefined) channel.push(latest);
    channel.end();
  };
  const timer = setTimeout(last, timeoutMs);
  const pump = async () => {
    while (!channel.ended) {
      const step = await inner.next();
      if (channel.ended) return;
      if (step.done) return last();
      const update = step.value;
      if (update instanceof Error) channel.push(update);
      else if (isReadyUpdate(update)) {
        channel.push(update);
        channel.end();
      } else latest = update;
    }
  };
  pump().catch((error: unknown) => channel.end(error));
  return channel;
}
