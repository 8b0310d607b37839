/**
 * Re-emits for cohort members (task-cohorts.ts), as re-emits.ts does for a
 * stream: a member's task is emitted again when Celery's events about it
 * arrive, or when the worker that held it is gone. Members are found by task
 * id: events come all the time, and each batch must not walk every member.
 */
import type { TaskChange } from '../backend/progress-changes.ts';
import type { TaskSnapshot } from '../backend/task-snapshot.ts';
import type { TaskUpdate } from '../backend/task-watcher.ts';
import { LensError } from '../errors/lens-error.ts';
import type { LensContext } from '../schema/context.ts';
import { again, eventIds, heldBy, unreadyTask } from '../schema/re-emits.ts';

export interface ReEmittable {
  readonly taskId: string;
  /** Whether its selection shows what events tell (schema/event-fields.ts). */
  readonly readsEvents: boolean;
  /** The last update the watcher told it (null once closed). */
  readonly latest: TaskUpdate | null;
  /** Emits `task` again: same state, fields resolved anew, cursor unchanged. */
  emitAgain(task: TaskSnapshot): void;
}

/** Most tasks have one member (a page): it is held as it is, a Set made for two. */
type Members<M> = M | Set<M>;

export class CohortReEmits<M extends ReEmittable> {
  readonly #byTask = new Map<string, Members<M>>();

  add(member: M): void {
    const held = this.#byTask.get(member.taskId);
    if (held === undefined) this.#byTask.set(member.taskId, member);
    else if (held instanceof Set) held.add(member);
    else if (held !== member) this.#byTask.set(member.taskId, new Set([held, member]));
  }

  remove(member: M): void {
    const held = this.#byTask.get(member.taskId);
    if (held === member) this.#byTask.delete(member.taskId);
    else if (held instanceof Set) {
      held.delete(member);
      if (held.size === 0) this.#byTask.delete(member.taskId);
    }
  }

  #membersOf(id: string): readonly M[] {
    const held = this.#byTask.get(id);
    return held === undefined ? [] : held instanceof Set ? [...held] : [held];
  }

  /** What `change` re-emits: the members of the tasks its events are about, and (later) those a gone worker held. */
  onChange(context: LensContext, change: TaskChange): void {
    for (const id of new Set(eventIds(change))) {
      for (const member of this.#membersOf(id)) {
        const { latest } = member;
        if (member.readsEvents && latest !== null && !(latest instanceof LensError)) member.emitAgain(again(latest, change));
      }
    }
    if (change.workerGone !== undefined) this.#workerGone(context, change);
  }

  /** Emits again each unready task the gone worker held, to the members whose latest it still is. */
  #workerGone(context: LensContext, change: TaskChange): void {
    const members: M[] = [];
    for (const held of this.#byTask.values()) {
      for (const member of held instanceof Set ? held : [held]) if (member.latest !== null && unreadyTask(member.latest)) members.push(member);
    }
    const tasks = [...new Set(members.map((member) => member.latest as TaskSnapshot))];
    if (tasks.length === 0) return;
    heldBy(context, tasks, change.workerGone as string)
      .then((held) => {
        const lost = new Set<TaskUpdate>(held);
        for (const member of members) if (member.latest !== null && lost.has(member.latest)) member.emitAgain(again(member.latest as TaskSnapshot, change));
      })
      .catch(() => {
        // Redis away: the next stored change or reconnect re-reads the task anyway.
      });
  }
}
