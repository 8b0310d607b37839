/**
 * What the task index (task-index.ts) is told and answers: shapes only, so
 * that the store's interface and the index' helpers name them without the
 * Redis implementation.
 */
import type { TaskStatus } from '../task-statuses.ts';

/** What one event or published meta tells the index about a task ('' / null: not known from it). */
export interface IndexUpdate {
  readonly id: string;
  readonly status: TaskStatus;
  /** When that state happened, ms since the epoch. */
  readonly at: number;
  readonly name: string | null;
  readonly worker: string | null;
  readonly queue: string | null;
  readonly rootId: string | null;
  readonly parentId: string | null;
  readonly exceptionType: string | null;
  /** Seconds. */
  readonly runtime: number | null;
  /** Indexed kwargs: key → the value's JSON text. */
  readonly kwargs: Readonly<Record<string, string>>;
  /** Who told it: a worker's event, a client's task-sent, or a stored state (meta). */
  readonly source: 'worker' | 'client' | 'meta';
  /** An unfinished stored state's digest (index-updates.ts): the same state heard again is no change. */
  readonly digest: string | null;
}

export interface IndexFilter {
  readonly statuses?: readonly TaskStatus[] | null;
  readonly name?: string | null;
  readonly namePrefix?: string | null;
  readonly worker?: string | null;
  readonly queue?: string | null;
  /** ms since the epoch, inclusive. */
  readonly since?: number | null;
  readonly until?: number | null;
  readonly rootId?: string | null;
  /** key → JSON text of the value. */
  readonly kwargs?: readonly { readonly key: string; readonly value: string }[] | null;
}

export type IndexOrder = 'desc' | 'asc';

export interface IndexEntry {
  readonly id: string;
  /** Time of the task's latest state, ms. */
  readonly at: number;
}

export interface IndexSettings {
  /** Most tasks kept (--index-max-tasks). */
  readonly maxTasks: number;
  /** Tasks whose latest state is older are dropped (--index-days), in seconds. */
  readonly retentionSeconds: number;
}

/** One cell's tasks within a time window. */
export interface CellStats {
  readonly status: TaskStatus;
  readonly name: string;
  readonly worker: string;
  readonly queue: string;
  readonly exceptionType: string;
  readonly count: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly lastId: string;
  /** Seconds, of its latest tasks that have one. */
  readonly runtimes: readonly number[];
}

/**
 * Whether an end told by a stored result waits for its worker's event:
 * 'always' (the worker sends task events), 'worked' (when a worker's event
 * about the task was heard), 'never' (a backfill: no one releases it).
 */
export type HoldEnds = 'always' | 'worked' | 'never';

/** A task as the index describes it ('' for what it does not know). */
export interface IndexedTask {
  readonly id: string;
  readonly status: TaskStatus;
  /** Time of its latest state, ms. */
  readonly at: number;
  readonly name: string;
  readonly worker: string;
  readonly queue: string;
  readonly rootId: string;
  /** key → JSON text. */
  readonly kwargs: Readonly<Record<string, string>>;
}

/**
 * How long an end told by a stored result waits for its worker's
 * task-succeeded/-failed event (which follows within a second) before
 * taskEvents hears it without that event's finishedAt and runtime (and
 * hears it again, with them, should the event come later).
 */
export const HOLD_MS = 5000;
