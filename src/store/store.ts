/**
 * What celery-lens keeps in its own keys (under --lens-prefix), as the
 * layers above use it: task histories (timelines, tombstones, child links),
 * the task index, goals, page-cursor keys, the resume log and what task
 * control records of its sends. The Redis implementation is the classes
 * beside this file (history-store.ts, index/task-index.ts, goal-store.ts,
 * cursor-key-store.ts, state-log.ts, sent-tasks.ts), put together as a
 * LensStore by src/stores.ts (where the compiler checks each part against
 * this file); another implementation (Redis Cluster) provides the same parts.
 *
 * The shapes (TaskHistory, Goal, IndexFilter, …) are declared beside their
 * implementation and are plain data, no Redis type among them.
 */
import type { TaskCall } from '../celery/outgoing-messages.ts';
import type { TaskEvent } from '../celery/events.ts';
import type { TaskMeta } from '../celery/meta.ts';
import type { LensError } from '../errors/lens-error.ts';
import type { CursorKeys } from './cursor-keys.ts';
import type { Goal, GoalStatus } from './goal-store.ts';
import type { ChildrenListener, TaskHistory } from './history-store.ts';
import type { CellStats, IndexEntry, IndexFilter, IndexOrder } from './index/index-types.ts';

/** Each task's timeline, tombstone and child links, written by the event consumer (history-store.ts). */
export interface HistoryStorage {
  /** Records a batch of task events (idempotent). */
  recordEvents(events: readonly TaskEvent[]): Promise<void>;
  /** Records what a published meta tells (idempotent); `workerEvents`: its worker sends events too. */
  recordMeta(meta: TaskMeta, workerEvents?: boolean): Promise<void>;
  /** Listens to the child links recorded from now on by this process; returns the function that stops it. */
  onChildren(listener: ChildrenListener): () => void;
  /** For each id, the children seen naming it as parent, in the order first seen. */
  readChildren(ids: readonly string[]): Promise<string[][]>;
  /** For each group id, the members seen; [] when none. */
  readGroupMembers(groupIds: readonly string[]): Promise<string[][]>;
  /** For each id, its history (an empty one when nothing was seen), or the error its keys read as. */
  readHistory(ids: readonly string[]): Promise<(TaskHistory | LensError)[]>;
}

/** Queries of the task index (index/task-index.ts); its writes go with the history's. */
export interface IndexStorage {
  /** Up to `limit` tasks matching `filter` after `after`; `stoppedAt`: where to go on from when the budget ran out. */
  search(
    filter: IndexFilter,
    order: IndexOrder,
    limit: number,
    after: IndexEntry | null,
    budget?: number,
  ): Promise<{ entries: IndexEntry[]; stoppedAt: IndexEntry | null }>;
  /** How many tasks match, exactly up to `cap`. */
  count(filter: IndexFilter, cap: number): Promise<{ count: number; capped: boolean }>;
  /** The cells (status, name, worker, queue, exception type) with tasks in the window. */
  cells(since: number, until: number, sample: number, status?: TaskStatusOrNull): Promise<CellStats[]>;
  /** Tasks that succeeded and failed, per minute of the window. */
  minutes(since: number, until: number): Promise<{ minute: number; succeeded: number; failed: number }[]>;
  /** For each id, the time of its latest indexed state (ms), or null. */
  latestTimes(ids: readonly string[]): Promise<(number | null)[]>;
  /** Applies retention (age and size); resolves with how many tasks were dropped. */
  trim(now?: number): Promise<number>;
}
type TaskStatusOrNull = CellStats['status'] | null;

/** Goals: a client's named outcome over attempts (goal-store.ts). */
export interface GoalStorage {
  read(key: string): Promise<Goal | null>;
  create(key: string, status: GoalStatus, metadata: unknown): Promise<Goal>;
  update(key: string, status: GoalStatus, metadata: unknown | undefined): Promise<Goal>;
  attach(key: string, taskId: string): Promise<Goal>;
  /** Calls `onChange` after each change of the goal; resolves, once listening, with the function that stops it. */
  watch(key: string, onChange: () => void): Promise<() => void>;
}

/** The reservations of sent ids and the links between a task and its re-sends (sent-tasks.ts). */
export interface SentTaskStorage {
  /** Reserves the call's id until its timeline would expire; TASK_EXISTS when it is taken. */
  reserve(call: Pick<TaskCall, 'id' | 'eta'>): Promise<void>;
  /** Frees a reservation whose message was surely not written. */
  release(id: string): Promise<void>;
  linkResend(from: string, to: string): Promise<void>;
  resentAs(id: string): Promise<string[]>;
  resentFrom(id: string): Promise<string | null>;
}

/**
 * The parts as the process holds them. The resume log (state-log.ts) and
 * the index' change feed (index/index-feed.ts) are still passed as their
 * Redis classes, which live/ names; they join this interface with the live core.
 */
export interface LensStore {
  readonly history: HistoryStorage;
  /** Null with --index false. */
  readonly index: IndexStorage | null;
  readonly goals: GoalStorage;
  readonly cursorKeys: CursorKeys;
  readonly sent: SentTaskStorage;
}
