/**
 * What the history store (store.ts' HistoryStorage) answers: shapes only,
 * plain data, so that readers and another implementation name them without
 * the Redis one (history-store.ts).
 */
import type { TimelineEntry } from '../celery/timeline-order.ts';

export type { TimelineEntry } from '../celery/timeline-order.ts';

export interface Tombstone {
  readonly state: string;
  readonly dateDone: string | null;
  readonly errorType: string | null;
  readonly errorMessage: string | null;
  readonly name: string | null;
  /** When celery-lens saw this outcome (ms since the epoch). */
  readonly recordedAt: number;
}

export interface TaskHistory {
  readonly id: string;
  readonly sentAt: number | null;
  readonly receivedAt: number | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly worker: string | null;
  readonly name: string | null;
  readonly queue: string | null;
  readonly parentId: string | null;
  readonly rootId: string | null;
  readonly retries: number | null;
  /** Seconds, from task-succeeded. */
  readonly runtime: number | null;
  /** Events in time order. */
  readonly timeline: readonly TimelineEntry[];
  readonly childIds: readonly string[];
  readonly tombstone: Tombstone | null;
}

/** Events kept per task: about 250 attempts of a retried task. */
export const MAX_TIMELINE = 1000;

/** A task and a child celery-lens just recorded it sent; or a group and a member it just saw (parentId the group's id). */
export interface ChildLink {
  readonly parentId: string;
  readonly childId: string;
}
export type ChildrenListener = (links: readonly ChildLink[]) => void;
