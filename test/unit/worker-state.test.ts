import { describe, expect, it } from 'vitest';
import { WorkerLiveness } from '../../src/read/worker-liveness.ts';
import type { WorkerEvent } from '../../src/celery/events.ts';
import { nextWorkerState } from '../../src/celery/worker-state.ts';

const event = (type: WorkerEvent['type'], extra: Partial<WorkerEvent> = {}): WorkerEvent => ({
  kind: 'worker',
  type,
  hostname: 'w@h',
  at: 1_000,
  active: null,
  processed: null,
  freq: null,
  loadAverage: null,
  software: null,
  ...extra,
});

/** A liveness that has listened since 0 and heard `events` at the times given: online is what Worker.online answers. */
function heard(...events: [WorkerEvent, number][]) {
  const liveness = new WorkerLiveness();
  liveness.listening(0);
  for (const [one, at] of events) liveness.heard(one, at);
  return {
    isOnline: (now: number) => liveness.silence('w@h', null, now) === null,
    expiresAt: () => liveness.expiresAt('w@h'),
  };
}

describe("a worker's state, as celery.events.state.Worker keeps it", () => {
  it("online until two intervals (+ 1 s) after the heartbeat received last, by our clock, not the worker's", () => {
    const state = nextWorkerState(undefined, event('worker-heartbeat', { freq: 2, at: 5 }), 10_000);
    const worker = heard([event('worker-heartbeat', { freq: 2, at: 5 }), 10_000]);
    expect(state.heartbeatAt).toBe(10_000);
    expect(worker.expiresAt()).toBe(15_000);
    expect(worker.isOnline(15_000)).toBe(true);
    expect(worker.isOnline(15_001)).toBe(false);
  });

  it("assumes Celery's 2 s heartbeat until an event gives the interval, and keeps fields an event lacks", () => {
    const first = nextWorkerState(
      undefined,
      event('worker-online', { freq: 5, processed: 3, software: 'py-celery 5.2.6' }),
      0,
    );
    const next = nextWorkerState(first, event('worker-heartbeat', { active: 1 }), 1000);
    expect(next).toMatchObject({ freq: 5, processed: 3, active: 1, software: 'py-celery 5.2.6', heartbeatAt: 1000 });
    expect(heard([event('worker-heartbeat'), 0]).expiresAt()).toBe(5_000);
  });

  it('offline at once on worker-offline, keeping its last heartbeat; online again on the next one', () => {
    const beat = nextWorkerState(undefined, event('worker-heartbeat', { freq: 2 }), 1000);
    const gone = nextWorkerState(beat, event('worker-offline'), 1500);
    expect(gone.heartbeatAt).toBe(1000);
    const offline = heard([event('worker-heartbeat', { freq: 2 }), 1000], [event('worker-offline'), 1500]);
    expect(offline.isOnline(1600)).toBe(false);
    expect(offline.expiresAt()).toBeNull();
    const back = heard(
      [event('worker-heartbeat', { freq: 2 }), 1000],
      [event('worker-offline'), 1500],
      [event('worker-online'), 2000],
    );
    expect(back.isOnline(2100)).toBe(true);
  });
});
