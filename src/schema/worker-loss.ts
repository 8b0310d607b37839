/**
 * A task turns LOST when its worker goes silent, with nothing stored in
 * Redis: no message reaches the task's channel. This wraps a `task`/`tasks`
 * subscription's stream so that, when a worker is gone (or restarted), each
 * unready task it held is emitted again; its `status` is then resolved anew.
 * Only those tasks: the others' events would repeat an unchanged state.
 */
import type { TaskUpdate } from '../backend/task-watcher.ts';
import type { TaskSnapshot } from '../backend/task-snapshot.ts';
import { isReadyUpdate } from '../backend/task-await.ts';
import { holderOf } from '../backend/task-status.ts';
import { LensError } from '../errors/lens-error.ts';
import type { LensContext } from './context.ts';

/** Unready tasks whose holder (by their history) was `workerGone`: they are LOST now. */
export async function heldBy(context: LensContext, tasks: readonly TaskSnapshot[], workerGone: string): Promise<TaskSnapshot[]> {
  const histories = await context.history.readHistory(tasks.map((task) => task.id));
  return tasks.filter((task, index) => {
    const history = histories[index];
    return holderOf(task, history instanceof LensError || history === undefined ? null : history)?.hostname === workerGone;
  });
}

/** Whether `update` is a task that has not finished (a worker's loss may make it LOST). */
export const unreadyTask = (update: TaskUpdate): update is TaskSnapshot => !(update instanceof LensError) && !isReadyUpdate(update);

export function withWorkerLoss(stream: AsyncIterableIterator<TaskUpdate>, context: LensContext): AsyncIterableIterator<TaskUpdate> {
  if (!context.consumer) return stream;
  const latest = new Map<string, TaskUpdate>();
  const again: TaskUpdate[] = [];
  let wake: (() => void) | null = null;
  let pending: Promise<IteratorResult<TaskUpdate>> | null = null;
  const unlisten = context.changes.listen(({ workerGone }) => {
    if (workerGone === undefined) return;
    const tasks = [...latest.values()].filter(unreadyTask);
    if (tasks.length === 0) return;
    heldBy(context, tasks, workerGone)
      .then((held) => {
        for (const task of held) if (latest.get(task.id) === task) again.push(task);
        wake?.();
      })
      .catch(() => {
        // Redis away: the next stored change or reconnect re-reads the task anyway.
      });
  });
  const finish = async () => {
    unlisten();
    wake?.();
    return (await stream.return?.()) ?? { value: undefined, done: true as const };
  };
  return {
    async next() {
      for (;;) {
        const extra = again.shift();
        if (extra) return { value: extra, done: false };
        pending ??= stream.next();
        const woken = new Promise<null>((resolve) => (wake = () => resolve(null)));
        const result = await Promise.race([pending, woken]);
        wake = null;
        if (result === null) continue;
        pending = null;
        if (result.done) unlisten();
        else if (!(result.value instanceof LensError)) latest.set(result.value.id, result.value);
        return result;
      }
    },
    return: finish,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
