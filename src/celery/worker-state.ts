/**
 * A worker as its events describe it, kept the way Celery's own monitor does
 * (celery/events/state.py, `Worker`, 5.2.6): each event updates the fields it
 * carries, a worker-online or worker-heartbeat is a heartbeat stamped with the
 * time the monitor *received* it (not the worker's clock, which may drift),
 * and worker-offline forgets the heartbeats.
 *
 * Whether it is online is not judged here: src/read/worker-liveness.ts
 * holds the one rule (Celery's `Worker.alive`, + 1 s), for `online`,
 * `heartbeatExpires` and LOST alike.
 */
import type { WorkerEvent } from './events.ts';

/** Its latest event's fields (`type` and `at`: the latest event's own type and timestamp, the worker's clock). */
export interface WorkerState extends Omit<WorkerEvent, 'kind'> {
  /** When celery-lens received its latest worker-online or worker-heartbeat (our clock), ms since the epoch. */
  readonly heartbeatAt: number | null;
}

/** `previous` updated by `event`, received at `receivedAt` (ms since the epoch). */
export function nextWorkerState(
  previous: WorkerState | undefined,
  event: WorkerEvent,
  receivedAt: number,
): WorkerState {
  const heartbeat = event.type !== 'worker-offline';
  return {
    hostname: event.hostname,
    type: event.type,
    at: event.at,
    // A field an event does not carry keeps its value, as Celery's Worker.update does.
    active: event.active ?? previous?.active ?? null,
    processed: event.processed ?? previous?.processed ?? null,
    freq: event.freq ?? previous?.freq ?? null,
    loadAverage: event.loadAverage ?? previous?.loadAverage ?? null,
    software: event.software ?? previous?.software ?? null,
    heartbeatAt: heartbeat ? Math.max(receivedAt, previous?.heartbeatAt ?? 0) : (previous?.heartbeatAt ?? null),
  };
}
