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
 * Each such change emits the task again (its latest value, its fields
 * resolved anew), on both subscription paths: one ReEmits per process
 * listens to the changes and finds the subscriptions they are about by task
 * id (events come all the time: a batch must not walk every subscription);
 * withReEmits wraps a `task`/`tasks` stream with it, task-cohorts.ts's
 * members join it. Only those tasks: the others' events would repeat an
 * unchanged state.
 */
import type { HistoryStorage } from '../store/store.ts';
import type { ProgressChanges, TaskChange } from '../intake/progress-changes.ts';
import type { TaskUpdate } from '../live/task-watcher.ts';
import type { TaskSnapshot } from '../read/task-snapshot.ts';
import { isReadyUpdate } from '../live/task-await.ts';
import { holderOf } from '../read/task-status.ts';
import { LensError } from '../errors/lens-error.ts';
import type { LensContext } from './context.ts';

/** Unready tasks whose holder (by their history) was `workerGone`: they are LOST now. */
async function heldBy(
  history: HistoryStorage,
  tasks: readonly TaskSnapshot[],
  workerGone: string,
): Promise<TaskSnapshot[]> {
  const histories = await history.readHistory(tasks.map((task) => task.id));
  return tasks.filter((task, index) => {
    const found = histories[index];
    return holderOf(task, found instanceof LensError || found === undefined ? null : found)?.hostname === workerGone;
  });
}

/** Whether `update` is a task that has not finished (a worker's loss may make it LOST). */
const unreadyTask = (update: TaskUpdate): update is TaskSnapshot =>
  !(update instanceof LensError) && !isReadyUpdate(update);

/** The ids of the change that are Celery events (a stored state reaches its subscribers by itself). */
const eventIds = (change: TaskChange): readonly string[] => (change.fromEvents ? change.ids : []);

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

/** One task of one subscription that changes may emit again: a cohort member, or a task a stream has taken. */
export interface ReEmittable {
  readonly taskId: string;
  /** Whether its selection shows what events tell (event-fields.ts): only then do its events emit it again. */
  readonly readsEvents: boolean;
  /** The last value it took (null once closed). */
  readonly latest: TaskUpdate | null;
  /**
   * Emits its task again for `change`, as again(its latest value, change),
   * that value taken when the re-emit is sent: a newer one may come while it
   * waits, and an older state must never follow it.
   */
  emitAgain(change: TaskChange): void;
}

const isSnapshot = (update: TaskUpdate | null): update is TaskSnapshot =>
  update !== null && !(update instanceof LensError);

/** Most tasks have one holder (a page, a stream): it is held as it is, a Set made for two. */
type Holders<H> = H | Set<H>;

/**
 * Which holders a change emits again: those of the tasks its events are
 * about, and, once the history tells, each unready task the gone worker
 * held. Listens to the changes while it holds any.
 */
class ReEmits {
  readonly #byTask = new Map<string, Holders<ReEmittable>>();
  #unlisten: (() => void) | null = null;

  constructor(
    readonly changes: ProgressChanges,
    readonly history: HistoryStorage,
  ) {}

  add(holder: ReEmittable): void {
    this.#unlisten ??= this.changes.listen((change) => this.#onChange(change));
    const held = this.#byTask.get(holder.taskId);
    if (held === undefined) this.#byTask.set(holder.taskId, holder);
    else if (held instanceof Set) held.add(holder);
    else if (held !== holder) this.#byTask.set(holder.taskId, new Set([held, holder]));
  }

  remove(holder: ReEmittable): void {
    const held = this.#byTask.get(holder.taskId);
    if (held === holder) this.#byTask.delete(holder.taskId);
    else if (held instanceof Set) {
      held.delete(holder);
      if (held.size === 0) this.#byTask.delete(holder.taskId);
    }
    if (this.#byTask.size === 0 && this.#unlisten) {
      this.#unlisten();
      this.#unlisten = null;
    }
  }

  #holdersOf(id: string): readonly ReEmittable[] {
    const held = this.#byTask.get(id);
    return held === undefined ? [] : held instanceof Set ? [...held] : [held];
  }

  #onChange(change: TaskChange): void {
    for (const id of new Set(eventIds(change))) {
      for (const holder of this.#holdersOf(id))
        if (holder.readsEvents && isSnapshot(holder.latest)) holder.emitAgain(change);
    }
    if (change.workerGone !== undefined) this.#workerGone(change, change.workerGone);
  }

  /** Emits again each unready task the gone worker held, to the holders whose latest it still is. */
  #workerGone(change: TaskChange, workerGone: string): void {
    const holders: ReEmittable[] = [];
    for (const held of this.#byTask.values()) {
      for (const holder of held instanceof Set ? held : [held])
        if (holder.latest !== null && unreadyTask(holder.latest)) holders.push(holder);
    }
    const tasks = [...new Set(holders.map((holder) => holder.latest as TaskSnapshot))];
    if (tasks.length === 0) return;
    heldBy(this.history, tasks, workerGone)
      .then((held) => {
        const lost = new Set<TaskUpdate>(held);
        for (const holder of holders) if (holder.latest !== null && lost.has(holder.latest)) holder.emitAgain(change);
      })
      .catch(() => {
        // Redis away: the next stored change or reconnect re-reads the task anyway.
      });
  }
}

const processes = new WeakMap<ProgressChanges, ReEmits>();

/** The process' re-emits (one per change feed); none without an event consumer, which tells the changes. */
export function reEmitsOf(context: LensContext): ReEmits | null {
  if (!context.consumer) return null;
  let found = processes.get(context.changes);
  if (!found) processes.set(context.changes, (found = new ReEmits(context.changes, context.history)));
  return found;
}

/** A task the stream has taken: its latest value, queued to be emitted again by id. */
interface Taken extends ReEmittable {
  latest: TaskSnapshot;
}

/**
 * The stream, with its tasks emitted again as above; `events`: also when their
 * events arrive (the operation selects a field they decide, event-fields.ts).
 */
export function withReEmits(
  stream: AsyncIterableIterator<TaskUpdate>,
  context: LensContext,
  { events }: { events: boolean },
): AsyncIterableIterator<TaskUpdate> {
  const reEmits = reEmitsOf(context);
  if (!reEmits) return stream;
  const taken = new Map<string, Taken>();
  // By task id, in the order they came: a task emitted again waits at most once.
  const queued = new Map<string, TaskChange>();
  let wake: (() => void) | null = null;
  let pending: Promise<IteratorResult<TaskUpdate>> | null = null;
  let ended = false;
  const take = (task: TaskSnapshot) => {
    const found = taken.get(task.id);
    if (found) {
      found.latest = task;
      return;
    }
    if (ended) return;
    const emitAgain = (change: TaskChange) => {
      if (!queued.has(task.id)) queued.set(task.id, change);
      wake?.();
    };
    const added: Taken = { taskId: task.id, readsEvents: events, latest: task, emitAgain };
    taken.set(task.id, added);
    reEmits.add(added);
  };
  const leave = () => {
    ended = true;
    for (const holder of taken.values()) reEmits.remove(holder);
  };
  const finish = async () => {
    leave();
    wake?.();
    return (await stream.return?.()) ?? { value: undefined, done: true as const };
  };
  return {
    async next() {
      for (;;) {
        const [first] = queued;
        if (first) {
          const [id, change] = first;
          queued.delete(id);
          // The latest value taken, now: a newer one may have come since it was queued.
          return { value: again((taken.get(id) as Taken).latest, change), done: false };
        }
        pending ??= stream.next();
        const woken = new Promise<null>((resolve) => (wake = () => resolve(null)));
        const result = await Promise.race([pending, woken]);
        wake = null;
        if (result === null) continue;
        pending = null;
        if (result.done) leave();
        else if (!(result.value instanceof LensError)) take(result.value);
        return result;
      }
    },
    return: finish,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
