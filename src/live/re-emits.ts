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
 * a `task`/`tasks` stream (task-stream.ts) and a cohort member
 * (members.ts) join it, and queue the task again in their one channel,
 * after the latest value they queued (so no older state ever follows a newer
 * one). Only those tasks: the others' events would repeat an unchanged state.
 */
import type { HistoryStorage } from '../store/store.ts';
import type { ProgressChanges, TaskChange } from '../intake/progress-changes.ts';
import type { TaskUpdate } from './task-watcher.ts';
import type { TaskSnapshot } from '../read/task-snapshot.ts';
import { isReadyUpdate } from './task-await.ts';
import { holderOf } from '../read/task-status.ts';
import { LensError } from '../errors/lens-error.ts';

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

const reEmitted = new WeakSet<TaskSnapshot>();

/** Whether `update` is a task emitted again (again() made it): sent with the stream's cursor as it stands. */
export const isReEmit = (update: TaskUpdate): boolean => !(update instanceof LensError) && reEmitted.has(update);

const copies = new WeakMap<TaskChange, Map<TaskSnapshot, TaskSnapshot>>();
/**
 * The task emitted again for `change`: the same value, its TTL asked anew (the
 * key's TTL went on running since it was read). One per change, whatever the
 * number of subscriptions it reaches, so they still share one execution.
 */
export function again(task: TaskSnapshot, change: TaskChange): TaskSnapshot {
  let made = copies.get(change);
  if (!made) copies.set(change, (made = new Map()));
  let copy = made.get(task);
  if (!copy) {
    copy = { ...task, ttlMs: undefined };
    made.set(task, copy);
    reEmitted.add(copy);
  }
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
export class ReEmits {
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

/** What the process' re-emits need: its change feed, where the history is read, and whether a consumer tells the changes. */
export interface ReEmitParts {
  readonly consumer: unknown;
  readonly changes: ProgressChanges;
  readonly history: HistoryStorage;
}

/** The process' re-emits (one per change feed); none without an event consumer, which tells the changes. */
export function reEmitsOf(parts: ReEmitParts): ReEmits | null {
  if (!parts.consumer) return null;
  let found = processes.get(parts.changes);
  if (!found) processes.set(parts.changes, (found = new ReEmits(parts.changes, parts.history)));
  return found;
}
