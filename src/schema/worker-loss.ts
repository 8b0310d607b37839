/**
 * A task turns LOST when its worker goes silent, with nothing stored in
 * Redis: no message reaches the task's channel. This wraps a `task`/`tasks`
 * subscription's stream so that, when a worker is gone (or restarted), each
 * unready task it held is emitted again; its `status` is then resolved anew.
 * Only those tasks: the others' events would repeat an unchanged state.
 */
import type { TaskUpdate } from '../backend/task-watcher.ts';
import { holderOf } from '../backend/task-status.ts';
import { LensError } from '../errors/lens-error.ts';
import { READY_STATES } from '../celery/states.ts';
import type { LensContext } from './context.ts';

export function withWorkerLoss(stream: AsyncIterableIterator<TaskUpdate>, context: LensContext): AsyncIterableIterator<TaskUpdate> {
  if (!context.consumer) return stream;
  const latest = new Map<string, TaskUpdate>();
  const again: TaskUpdate[] = [];
  let wake: (() => void) | null = null;
  let pending: Promise<IteratorResult<TaskUpdate>> | null = null;
  const unready = () =>
    [...latest.values()].filter((update): update is Exclude<TaskUpdate, LensError> => !(update instanceof LensError) && !(update.meta && READY_STATES.has(update.meta.state)));
  const unlisten = context.changes.listen(({ workerGone }) => {
    const tasks = workerGone === undefined ? [] : unready();
    if (tasks.length === 0) return;
    context.history
      .readHistory(tasks.map((task) => task.id))
      .then((histories) => {
        tasks.forEach((task, index) => {
          const history = histories[index];
          const holder = holderOf(task, history instanceof LensError || history === undefined ? null : history);
          if (holder?.hostname === workerGone && latest.get(task.id) === task) again.push(task);
        });
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
