/**
 * The statuses celery-lens answers, and the one a stored Celery state reads
 * as. Below read/ because the store files tasks by status (store/index/);
 * which status applies to a task, from all the evidence, is decided in
 * read/task-status.ts.
 */
import { CeleryStates } from '../celery/states.ts';

export const TaskStatuses = {
  UNKNOWN: 'UNKNOWN',
  QUEUED: 'QUEUED',
  RUNNING: 'RUNNING',
  RETRYING: 'RETRYING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  REVOKED: 'REVOKED',
  EXPIRED: 'EXPIRED',
  LOST: 'LOST',
  STALLED: 'STALLED',
} as const;
export type TaskStatus = keyof typeof TaskStatuses;

// Maps, not object literals: a custom state may be named "constructor" or
// "__proto__", which an object lookup would find on Object.prototype.
/** The status a stored built-in state reads as; a custom state (PROGRESS) is RUNNING. The task index files by it too. */
export const FROM_STATE: ReadonlyMap<string, TaskStatus> = new Map([
  [CeleryStates.SUCCESS, 'SUCCEEDED'],
  [CeleryStates.FAILURE, 'FAILED'],
  [CeleryStates.REVOKED, 'REVOKED'],
  [CeleryStates.REJECTED, 'FAILED'],
  [CeleryStates.RETRY, 'RETRYING'],
  [CeleryStates.STARTED, 'RUNNING'],
  [CeleryStates.RECEIVED, 'QUEUED'],
  [CeleryStates.PENDING, 'QUEUED'],
  [CeleryStates.IGNORED, 'SUCCEEDED'],
]);
