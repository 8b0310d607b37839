/**
 * What changed, as the event consumer records it: the tasks a published
 * state or an event was about, their groups and parents. Progress
 * subscriptions listen here instead of watching each member's channel, so a
 * 1,000-task chord costs one listener, and they also hear what no stored
 * state tells (events, a new member, a worker that went silent).
 */
import type { TaskEvent } from '../celery/events.ts';
import type { TaskMeta } from '../celery/meta.ts';
import type { ChildrenListener, TaskHistory } from '../store/history-types.ts';
import type { LensError } from '../errors/lens-error.ts';
import type { HistoryStorage, MetaRecord } from '../store/store.ts';

export interface TaskChange {
  readonly ids: readonly string[];
  /** Groups and parents named with them: a member or child celery-lens had not seen yet. */
  readonly related: readonly string[];
  /** A worker went silent: statuses may have turned LOST with nothing recorded. */
  readonly workerGone?: string;
  /** The ids' Celery events were recorded: what no stored state tells (times, runtime, a status from events). */
  readonly fromEvents?: boolean;
  /** The consumer's connection was dropped: what was published meanwhile was never recorded, any count may be stale. */
  readonly gap?: true;
}

export type ChangeListener = (change: TaskChange) => void;

export class ProgressChanges {
  readonly #listeners = new Set<ChangeListener>();
  /** Changes told so far: a read started at `seq` N has seen every change up to N. */
  seq = 0;

  get listening(): number {
    return this.#listeners.size;
  }

  listen(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(change: TaskChange): void {
    this.seq += 1;
    for (const listener of this.#listeners) listener(change);
  }
}

/**
 * The history store the consumer records through, telling `changes` after
 * each record; whichever implementation it wraps (store/store.ts).
 */
export class NotifyingHistory implements HistoryStorage {
  readonly changes = new ProgressChanges();

  constructor(readonly inner: HistoryStorage) {}

  async recordEvents(events: readonly TaskEvent[]): Promise<void> {
    await this.inner.recordEvents(events);
    if (events.length === 0 || this.changes.listening === 0) return;
    const related = events.flatMap((event) => (event.parentId ? [event.parentId] : []));
    this.changes.notify({ ids: events.map((event) => event.taskId), related, fromEvents: true });
  }

  async recordMeta(meta: TaskMeta, workerEvents = false): Promise<void> {
    await this.inner.recordMeta(meta, workerEvents);
    if (this.changes.listening === 0) return;
    this.#notifyMeta(meta);
  }

  async recordMetas(metas: readonly MetaRecord[]): Promise<void> {
    await this.inner.recordMetas(metas);
    if (this.changes.listening === 0) return;
    for (const { meta } of metas) this.#notifyMeta(meta);
  }

  #notifyMeta(meta: TaskMeta): void {
    this.changes.notify({
      ids: [meta.id],
      related: [meta.groupId, meta.parentId].filter((id): id is string => id !== null),
    });
  }

  onChildren(listener: ChildrenListener): () => void {
    return this.inner.onChildren(listener);
  }

  readChildren(ids: readonly string[]): Promise<string[][]> {
    return this.inner.readChildren(ids);
  }

  readGroupMembers(groupIds: readonly string[]): Promise<string[][]> {
    return this.inner.readGroupMembers(groupIds);
  }

  readHistory(ids: readonly string[]): Promise<(TaskHistory | LensError)[]> {
    return this.inner.readHistory(ids);
  }
}
