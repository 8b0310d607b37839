/**
 * Progress of many tasks (a group, a chord's header, a workflow) as counts
 * per status: what a page shows for a 1,000-task chord instead of 1,000
 * subscriptions (task-status.ts decides each status).
 */
import type { TaskStatus } from '../store/task-statuses.ts';

export interface Progress {
  readonly total: number;
  /** QUEUED, and RETRYING (waiting for its next attempt). */
  readonly queued: number;
  /** RUNNING, and STALLED (running longer than --stall-after: a hint). */
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly revoked: number;
  /** Finished, then forgotten by Celery (result_expires): ended, outcome in its tombstone. */
  readonly expired: number;
  /** Nothing known of it, or a member whose id celery-lens has not seen yet. */
  readonly unknown: number;
  /** On a worker that is gone (LOST): not ready, it may still be redelivered. */
  readonly lost: number;
  /** Every task is SUCCEEDED, FAILED, REVOKED or EXPIRED: nothing will change any more. */
  readonly ready: boolean;
  /** Finished tasks (those four) in percent of total, one decimal; 100 for no task. */
  readonly percent: number;
}

const BUCKET: Readonly<Record<TaskStatus, keyof Omit<Progress, 'total' | 'ready' | 'percent'>>> = {
  QUEUED: 'queued',
  RETRYING: 'queued',
  RUNNING: 'running',
  STALLED: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  REVOKED: 'revoked',
  EXPIRED: 'expired',
  UNKNOWN: 'unknown',
  LOST: 'lost',
};

/**
 * Counts `statuses`, plus `unseen` members known only by number (a running
 * chord's size beyond the members celery-lens saw) as unknown.
 */
export function countProgress(statuses: Iterable<TaskStatus>, unseen = 0): Progress {
  const counts = { queued: 0, running: 0, succeeded: 0, failed: 0, revoked: 0, expired: 0, unknown: unseen, lost: 0 };
  let total = unseen;
  for (const status of statuses) {
    counts[BUCKET[status]] += 1;
    total += 1;
  }
  const finished = counts.succeeded + counts.failed + counts.revoked + counts.expired;
  return {
    total,
    ...counts,
    ready: finished === total,
    percent: total === 0 ? 100 : Math.floor((finished * 1000) / total) / 10,
  };
}

export const sameProgress = (a: Progress | null, b: Progress): boolean =>
  a !== null && (Object.keys(b) as (keyof Progress)[]).every((field) => a[field] === b[field]);
