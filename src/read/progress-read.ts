/**
 * The statuses of many tasks at once, for progress counts: the same
 * decision as `Task.status` (task-status.ts), read in as few round trips as
 * the evidence needs: one MGET of every task's result; the history
 * (tombstone, events) only of tasks without a stored state, or running
 * while workers are watched; the broker queues (one shared scan) only of
 * tasks nothing else tells about, or whose worker is gone.
 */
import { LensError } from '../errors/lens-error.ts';
import type { QueuedTasks } from '../broker/broker.ts';
import type { TaskHistory } from '../store/history-types.ts';
import type { HistoryStorage } from '../store/store.ts';
import type { ResultBackend } from './result-backend.ts';
import { decideStatus, holderOf, isSettled, needsHistory } from './task-status.ts';
import type { TaskStatus } from '../store/task-statuses.ts';
import type { TaskSnapshot } from './task-snapshot.ts';
import type { WorkerLiveness, WorkerSilence } from './worker-liveness.ts';
import { type StallRules, withStall } from './stall.ts';

export interface StatusSources {
  readonly backend: ResultBackend;
  readonly history: HistoryStorage;
  readonly queues: QueuedTasks;
  readonly liveness: WorkerLiveness | null;
  /** --stall-after; none: no STALLED. */
  readonly stallAfter?: StallRules;
  /** Messages the event consumer received and has not recorded yet (members it may still add to a group). */
  readonly unrecorded?: () => number;
}

interface Evidence {
  readonly task: TaskSnapshot;
  history: TaskHistory | null;
  silence: WorkerSilence | null;
  needsQueue: boolean;
}

/**
 * For each id, its status; an undecodable result or unreadable history is
 * UNKNOWN. `read`: the tasks when the caller has just read them (a graph
 * walk), so they are not read twice. Throws BACKEND_UNAVAILABLE.
 */
export async function readStatuses(
  ids: readonly string[],
  sources: StatusSources,
  read?: readonly (TaskSnapshot | LensError | null)[],
): Promise<TaskStatus[]> {
  if (ids.length === 0) return [];
  read ??= await sources.backend.readTasks(ids, { ttl: 'none' });
  const evidence = read.map((task): Evidence | null =>
    task instanceof LensError || task === null ? null : { task, history: null, silence: null, needsQueue: false },
  );
  const watchRunning = sources.liveness !== null || (sources.stallAfter?.size ?? 0) > 0;
  const wanted = evidence.filter(
    (e): e is Evidence =>
      e !== null && (e.task.meta === null || needsHistory(e.task) || (watchRunning && !isSettled(e.task.meta.state))),
  );
  const histories = await sources.history.readHistory(wanted.map((e) => e.task.id));
  wanted.forEach((e, index) => {
    const history = histories[index];
    e.history = history instanceof LensError || history === undefined ? null : history;
    const holder = sources.liveness ? holderOf(e.task, e.history) : null;
    e.silence = holder && sources.liveness ? sources.liveness.silence(holder.hostname, holder.since) : null;
    e.needsQueue =
      e.silence !== null || (e.task.meta === null && !e.history?.tombstone && (e.history?.timeline.length ?? 0) === 0);
  });
  const asked = wanted.filter((e) => e.needsQueue);
  const queues = await sources.queues.find(asked.map((e) => e.task.id));
  const queuedIn = new Map(asked.map((e, index) => [e.task.id, queues[index] ?? null]));
  return evidence.map((e) => {
    if (e === null) return 'UNKNOWN';
    const queue = queuedIn.get(e.task.id) ?? null;
    if (e.silence) return decideStatus(e.task, e.history, null, { silence: e.silence, requeuedIn: queue }).status;
    const decision = decideStatus(e.task, e.task.meta && !needsHistory(e.task) ? null : e.history, queue);
    return sources.stallAfter ? withStall(decision, e.task, e.history, sources.stallAfter).status : decision.status;
  });
}
