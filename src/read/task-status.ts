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
 *
 * A task the first or the third says is running (or received) on a worker
 * that has since gone silent (worker-liveness.ts) is LOST, unless a newer
 * state says otherwise: a late result turns it back into the truth.
 */
import { CeleryStates, READY_STATES, isBuiltinState } from '../celery/states.ts';
import { FROM_STATE, type TaskStatus } from '../store/task-statuses.ts';
import type { TaskHistory } from '../store/history-types.ts';
import type { TaskSnapshot } from './task-snapshot.ts';
import type { WorkerSilence } from './worker-liveness.ts';

export interface StatusDecision {
  readonly status: TaskStatus;
  /** Which evidence decided, in words a person can act on. */
  readonly reason: string;
}

const FROM_EVENT: ReadonlyMap<string, TaskStatus> = new Map([
  ['task-sent', 'QUEUED'],
  ['task-received', 'QUEUED'],
  ['task-started', 'RUNNING'],
  ['task-retried', 'RETRYING'],
]);

const iso = (ms: number) => new Date(ms).toISOString();

/** The worker a task is on (received or running), and since when on the worker's clock (null: unknown). */
export interface TaskHolder {
  readonly hostname: string;
  readonly since: number | null;
}

const HELD_BY_EVENT: ReadonlySet<string> = new Set(['task-received', 'task-started']);
const hostnameIn = (value: unknown): string | null =>
  typeof value === 'object' && value !== null && typeof (value as { hostname?: unknown }).hostname === 'string'
    ? (value as { hostname: string }).hostname
    : null;

/**
 * Which worker holds the task now, from the latest evidence: the last event
 * when it is a receipt or a start (it names the attempt's worker and when),
 * else a stored STARTED (`{pid, hostname}`), custom or RECEIVED state and its
 * `worker` (result_extended). Null for a task no worker holds (ready,
 * waiting for a retry, queued) or whose worker nothing names.
 */
export function holderOf(task: TaskSnapshot, history: TaskHistory | null): TaskHolder | null {
  const state = task.meta?.state;
  if (runsOnAfterRevoke(task, history)) {
    const started = history?.timeline.at(-1);
    return started?.hostname ? { hostname: started.hostname, since: started.at } : null;
  }
  const status = state === undefined ? null : (FROM_STATE.get(state) ?? 'RUNNING');
  if (status !== null && status !== 'RUNNING' && state !== CeleryStates.RECEIVED) return null;
  const last = history?.timeline.at(-1);
  if (last && HELD_BY_EVENT.has(last.type) && last.hostname) return { hostname: last.hostname, since: last.at };
  if (!task.meta) return null;
  const hostname = (state === CeleryStates.STARTED ? hostnameIn(task.meta.result) : null) ?? task.meta.worker;
  return hostname === null ? null : { hostname, since: history?.startedAt ?? history?.receivedAt ?? null };
}

/** Evidence that a task's worker is gone: LOST. */
export interface LostEvidence {
  readonly silence: WorkerSilence;
  /** The broker queue that holds its message again (task_acks_late redelivery), or null. */
  readonly requeuedIn: string | null;
}

function lost({ silence, requeuedIn }: LostEvidence, before: string): StatusDecision {
  const again =
    requeuedIn === null
      ? ''
      : `; its message is in the broker queue "${requeuedIn}" again (unacknowledged when the worker went: task_acks_late, or not started yet): a worker will run it again`;
  return {
    status: 'LOST',
    reason: `${before}, on worker ${silence.hostname}, last heard at ${iso(silence.lastHeardAt)}, which is gone: ${silence.why}${again}`,
  };
}

/**
 * Celery ≥ 5.6.2 (celery #9869) stores REVOKED as soon as a worker hears the
 * revoke, with no request: no name, no worker, even with result_extended.
 * When the events show the task sent but never received, say so; a worker
 * that gets the message later discards it (and stores REVOKED again, with
 * its request).
 */
function revokedEarly(task: TaskSnapshot, history: TaskHistory | null): string {
  const meta = task.meta;
  if (meta?.state !== CeleryStates.REVOKED || meta.worker !== null || meta.name !== null || !history) return '';
  if (history.timeline.length === 0 || history.timeline.some((entry) => HELD_BY_EVENT.has(entry.type))) return '';
  return ', stored by the revoke before any worker received the task (Celery ≥ 5.6.2 stores REVOKED when a worker hears the revoke); a worker that gets its message discards it';
}

/**
 * Celery 5.6.2 to 5.6.x stores REVOKED, with no request, from every worker
 * that hears a revoke, also for a task another worker is running; without
 * `terminate` that task runs on and stores its own end later. Celery 5.7
 * (celery #10922) no longer stores it. When the events show the task started
 * and no worker reported it revoked since (a terminated or discarded task
 * sends task-revoked), it is still running: RUNNING, or LOST when its worker
 * is gone, as on 5.2 and 5.7. Without events celery-lens cannot tell: REVOKED.
 */
export function runsOnAfterRevoke(task: TaskSnapshot, history: TaskHistory | null): boolean {
  const meta = task.meta;
  if (meta?.state !== CeleryStates.REVOKED || meta.worker !== null || meta.name !== null) return false;
  return history?.timeline.at(-1)?.type === 'task-started';
}

/** A stored state no worker holds (ready, or waiting for a retry): neither LOST nor STALLED can apply. */
export const isSettled = (state: string) => READY_STATES.has(state) || state === CeleryStates.RETRY;

/** Whether a stored state needs the task's history to explain it (see revokedEarly). */
export const needsHistory = (task: TaskSnapshot) =>
  task.meta?.state === CeleryStates.REVOKED && task.meta.worker === null && task.meta.name === null;

export function decideStatus(
  task: TaskSnapshot,
  history: TaskHistory | null,
  queuedIn: string | null,
  gone: LostEvidence | null = null,
  /** Why no queue was searched (broker/broker.ts' QueuedTasks.unsearched), said with UNKNOWN. */
  unsearched?: string,
): StatusDecision {
  const state = task.meta?.state;
  if (state !== undefined && runsOnAfterRevoke(task, history)) {
    const started = history?.timeline.at(-1);
    const on = `it started on ${started?.hostname ?? 'a worker'} at ${iso(started?.at ?? 0)} and no worker reported it revoked since`;
    const before = `the result backend says REVOKED (stored by a worker that heard a revoke without terminate: Celery 5.6.2 to 5.6.x does so for a running task, 5.7 no longer does), but ${on}`;
    if (gone) return lost(gone, before);
    return { status: 'RUNNING', reason: `${before}: it runs on and stores its own end` };
  }
  if (state !== undefined) {
    const status = FROM_STATE.get(state) ?? 'RUNNING';
    const custom = isBuiltinState(state) ? '' : ' (a custom state, set while the task runs)';
    if (gone && (status === 'RUNNING' || state === CeleryStates.RECEIVED))
      return lost(gone, `the result backend says ${state}`);
    return { status, reason: `the result backend says ${state}${custom}${revokedEarly(task, history)}` };
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
    if (gone && HELD_BY_EVENT.has(last.type)) return lost(gone, `the last event is ${last.type} at ${iso(last.at)}`);
    if (status) return { status, reason: `the last event is ${last.type} at ${iso(last.at)}` };
    // Not an end seen: the worker refused the message (task.Reject, an unknown task); it never ran there.
    if (last.type === 'task-rejected') {
      return {
        status: 'FAILED',
        reason: `a worker rejected its message (task-rejected at ${iso(last.at)}) and no result is stored; rejected with requeue, it waits in a queue again`,
      };
    }
    // EXPIRED only for an end celery-lens saw: the tombstone above, or a finishing event.
    return {
      status: 'EXPIRED',
      reason: `the events saw it finish (${last.type} at ${iso(last.at)}) but no result is stored: it expired, or the task ignores results`,
    };
  }
  if (queuedIn !== null)
    return { status: 'QUEUED', reason: `its message is waiting in the broker queue "${queuedIn}"` };
  if (unsearched !== undefined)
    return {
      status: 'UNKNOWN',
      reason: `no result, no tombstone and no event: never sent, sent elsewhere, forgotten, or queued without a task-sent event (${unsearched})`,
    };
  return {
    status: 'UNKNOWN',
    reason: 'no result, no tombstone, no event and no queued message: never sent, sent elsewhere, or forgotten',
  };
}
