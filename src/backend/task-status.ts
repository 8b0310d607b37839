/**
 * Celery answers PENDING for a queued task, an unknown id and an expired
 * result alike. celery-lens weighs every piece of evidence it has, in this
 * order, and says which one decided:
 *
 *   1. the result backend's state (the truth while the key lives);
 *   2. a tombstone: celery-lens saw a final state, Celery's key is gone → EXPIRED;
 *   3. the event timeline (worker_send_task_events / task_send_sent_event);
 *   4. the task's message in a broker queue → QUEUED;
 *   5. nothing anywhere → UNKNOWN.
 */
import { CeleryStates, isBuiltinState } from '../celery/states.ts';
import type { TaskHistory } from './history-store.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

export const TaskStatuses = {
  UNKNOWN: 'UNKNOWN',
  QUEUED: 'QUEUED',
  RUNNING: 'RUNNING',
  RETRYING: 'RETRYING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  REVOKED: 'REVOKED',
  EXPIRED: 'EXPIRED',
} as const;
export type TaskStatus = keyof typeof TaskStatuses;

export interface StatusDecision {
  readonly status: TaskStatus;
  /** Which evidence decided, in words a person can act on. */
  readonly reason: string;
}

// Maps, not object literals: a custom state may be named "constructor" or
// "__proto__", which an object lookup would find on Object.prototype.
const FROM_STATE: ReadonlyMap<string, TaskStatus> = new Map([
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

const FROM_EVENT: ReadonlyMap<string, TaskStatus> = new Map([
  ['task-sent', 'QUEUED'],
  ['task-received', 'QUEUED'],
  ['task-started', 'RUNNING'],
  ['task-retried', 'RETRYING'],
]);

const iso = (ms: number) => new Date(ms).toISOString();

export function decideStatus(
  task: TaskSnapshot,
  history: TaskHistory | null,
  queuedIn: string | null,
): StatusDecision {
  const state = task.meta?.state;
  if (state !== undefined) {
    const status = FROM_STATE.get(state) ?? 'RUNNING';
    const custom = isBuiltinState(state) ? '' : ' (a custom state, set while the task runs)';
    return { status, reason: `the result backend says ${state}${custom}` };
  }
  const tombstone = history?.tombstone;
  if (tombstone) {
    return {
      status: 'EXPIRED',
      reason: `Celery's result is gone (result_expires); celery-lens saw it end ${tombstone.state} at ${tombstone.dateDone ?? iso(tombstone.recordedAt)}`,
    };
  }
  const last = history?.timeline.at(-1);
  if (last) {
    const status = FROM_EVENT.get(last.type);
    if (status) return { status, reason: `the last event is ${last.type} at ${iso(last.at)}` };
    return {
      status: 'EXPIRED',
      reason: `the events saw it finish (${last.type} at ${iso(last.at)}) but no result is stored: it expired, or the task ignores results`,
    };
  }
  if (queuedIn !== null) return { status: 'QUEUED', reason: `its message is waiting in the broker queue "${queuedIn}"` };
  return {
    status: 'UNKNOWN',
    reason: 'no result, no tombstone, no event and no queued message: never sent, sent elsewhere, or forgotten',
  };
}
