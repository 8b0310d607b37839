import { describe, expect, it } from 'vitest';
import type { WorkerEvent } from '../../src/celery/events.ts';
import { isOnline, nextWorkerState } from '../../src/celery/worker-state.ts';

const event = (type: WorkerEvent['type'], extra: Partial<WorkerEvent> = {}): WorkerEvent => ({
  kind: 'worker', type, hostname: 'w@h', at: 1_000, active: null, processed: null, freq: null, loadAverage: null, software: null, ...extra,
});

describe("a worker's state, as celery.events.state.Worker keeps it", () => {
  it('online until two intervals after the heartbeat received last, by our clock, not the worker\'s', () => {
    const state = nextWorkerState(undefined, event('worker-heartbeat', { freq: 2, at: 5 }), 10_000);
    expect(isOnline(state, 13_999)).toBe(true);
    expect(isOnline(state, 14_000)).toBe(false);
  });

  it("assumes Celery's 60 s until an event gives the interval, and keeps fields an event lacks", () => {
    const first = nextWorkerState(undefined, event('worker-online', { freq: 5, processed: 3, software: 'py-celery 5.2.6' }), 0);
    const next = nextWorkerState(first, event('worker-heartbeat', { active: 1 }), 1000);
    expect(next).toMatchObject({ freq: 5, processed: 3, active: 1, software: 'py-celery 5.2.6', heartbeatAt: 1000 });
    expect(isOnline(nextWorkerState(undefined, event('worker-heartbeat'), 0), 119_999)).toBe(true);
  });

  it('offline at once on worker-offline, keeping its last heartbeat; online again on the next one', () => {
    const beat = nextWorkerState(undefined, event('worker-heartbeat', { freq: 2 }), 1000);
    const gone = nextWorkerState(beat, event('worker-offline'), 1500);
    expect(isOnline(gone, 1600)).toBe(false);
    expect(gone.heartbeatAt).toBe(1000);
    expect(isOnline(nextWorkerState(gone, event('worker-online'), 2000), 2100)).toBe(true);
  });
});
