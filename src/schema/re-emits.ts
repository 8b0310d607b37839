/**
 * A task's fields may change with nothing stored in Redis, so no message
 * reaches the task's channel:
 *
 * - its worker goes silent: the task is LOST;
 * - Celery's events arrive (task-received, task-started, task-succeeded, …):
 *   the times, the runtime and a status told by events change. A worker
 *   stores SUCCESS first and sends task-succeeded after it, so the final
 *   state's update comes before the times that complete it.
 *
 * This wraps a `task`/`tasks` subscription's stream so that each such change
 * emits the task again (its latest value, its fields resolved anew). Only
 * those tasks: the others' events would repeat an unchanged state.
 */
import type { TaskChange } from '../backend/progress-changes.ts';
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

/** The ids of the change that are Celery events (a stored state reaches its subscribers by itself). */
export const eventIds = (change: TaskChange): readonly string[] => (change.fromEvents ? change.ids : []);

const copies = new WeakMap<TaskChange, Map<TaskSnapshot, TaskSnapshot>>();
/**
 * The task emitted again for `change`: the same value, its TTL asked anew (the
 * key's TTL went on running since it was read). One per change, whatever the
 * number of subscriptions it reaches, so they still share one execution.
 */
export function again(task: TaskSnapshot, change: TaskChange): TaskSnapshot {
  if (task.meta === null) return task;
  let made = copies.get(change);
  if (!made) copies.set(change, (made = new Map()));
  let copy = made.get(task);
  if (!copy) made.set(task, (copy = { ...task, ttlMs: undefined }));
  return copy;
}

const isSnapshot = (update: TaskUpdate): update is TaskSnapshot => !(update instanceof LensError);

/** The tasks among `latest` that `change` is about (its events), each once. */
function touched(latest: ReadonlyMap<string, TaskUpdate>, change: TaskChange): TaskSnapshot[] {
  const ids = eventIds(change);
  if (ids.length === 0 || latest.size === 0) return [];
  const found = new Set<TaskSnapshot>();
  for (const id of ids) {
    const task = latest.get(id);
    if (task && !(task instanceof LensError)) found.add(task);
  }
  return [...found];
}

/**
 * The stream, with its tasks emitted again as above; `events`: also when their
 * events arrive (the operation selects a field they decide, event-fields.ts).
 */
export function withReEmits(stream: AsyncIterableIterator<TaskUpdate>, context: LensContext, { events }: { events: boolean }): AsyncIterableIterator<TaskUpdate> {
  if (!context.consumer) return stream;
  const latest = new Map<string, TaskUpdate>();
  // By task id, in the order they came: a task emitted again waits at most once.
  const queued = new Map<string, { task: TaskSnapshot; change: TaskChange }>();
  let wake: (() => void) | null = null;
  let pending: Promise<IteratorResult<TaskUpdate>> | null = null;
  const emit = (tasks: readonly TaskSnapshot[], change: TaskChange) => {
    for (const task of tasks) if (latest.get(task.id) === task && !queued.has(task.id)) queued.set(task.id, { task, change });
    if (tasks.length > 0) wake?.();
  };
  const unlisten = context.changes.listen((change) => {
    if (events) emit(touched(latest, change), change);
    if (change.workerGone === undefined) return;
    const tasks = [...latest.values()].filter(unreadyTask);
    if (tasks.length === 0) return;
    heldBy(context, tasks, change.workerGone)
      .then((held) => emit(held, change))
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
        const [extra] = queued.values();
        if (extra) {
          queued.delete(extra.task.id);
          // A newer value may have been taken since it was queued: emit that one again, never an older state after it.
          const now = latest.get(extra.task.id);
          const task = now && isSnapshot(now) ? now : extra.task;
          return { value: again(task, extra.change), done: false };
        }
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
