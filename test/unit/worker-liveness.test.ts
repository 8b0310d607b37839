/**
 * Celery's liveness rule (celery/events/state.py: offline once the last
 * heartbeat is older than freq × 200 %), as celery-lens applies it to the
 * worker events it hears, and the worker a task is on.
 */
import { describe, expect, it } from 'vitest';
import type { WorkerEvent } from '../../src/celery/events.ts';
import { holderOf } from '../../src/read/task-status.ts';
import { WorkerLiveness } from '../../src/read/worker-liveness.ts';
import type { TaskHistory } from '../../src/store/history-store.ts';
import type { TaskSnapshot } from '../../src/read/task-snapshot.ts';
import { decodeTaskMeta } from '../../src/celery/meta.ts';
import { loadConfig } from '../../src/config/config.ts';

const beat = (type: WorkerEvent['type'], at: number, freq: number | null = 2, hostname = 'w@h'): WorkerEvent => ({
  kind: 'worker',
  type,
  hostname,
  at,
  active: 0,
  processed: 0,
  freq,
  loadAverage: null,
  software: null,
});

describe('WorkerLiveness', () => {
  it("offline after two of the worker's own intervals plus 1 s; not before", () => {
    const live = new WorkerLiveness();
    live.listening(0);
    live.heard(beat('worker-heartbeat', 1_000, 2), 1_000);
    expect(live.silence('w@h', null, 5_999)).toBeNull();
    expect(live.silence('w@h', null, 6_001)).toMatchObject({
      hostname: 'w@h',
      lastHeardAt: 1_000,
      why: expect.stringMatching(/no heartbeat since .* \(offline after 5 s: two heartbeat intervals of 2 s/),
    });
    // A heartbeat with freq 10: the window grows to 21 s.
    live.heard(beat('worker-heartbeat', 7_000, 10), 7_000);
    expect(live.silence('w@h', null, 27_000)).toBeNull();
    expect(live.silence('w@h', null, 28_001)).not.toBeNull();
  });

  it('a fixed --worker-timeout replaces the rule', () => {
    const live = new WorkerLiveness({ timeoutMs: 30_000 });
    live.listening(0);
    live.heard(beat('worker-heartbeat', 0, 1), 0);
    expect(live.silence('w@h', null, 29_000)).toBeNull();
    expect(live.silence('w@h', null, 30_001)?.why).toMatch(/--worker-timeout/);
  });

  it('worker-offline: gone at once', () => {
    const live = new WorkerLiveness();
    live.listening(0);
    live.heard(beat('worker-offline', 100), 100);
    expect(live.silence('w@h', null, 101)?.why).toMatch(/said worker-offline/);
  });

  it('silence is not judged while deaf, and counts again only from the reconnect', () => {
    const live = new WorkerLiveness();
    live.heard(beat('worker-heartbeat', 0), 0);
    expect(live.silence('w@h', null, 60_000)).toBeNull(); // never listening
    live.listening(50_000);
    expect(live.silence('w@h', null, 54_000)).toBeNull();
    expect(live.silence('w@h', null, 55_001)).not.toBeNull();
    live.deaf();
    expect(live.silence('w@h', null, 90_000)).toBeNull();
  });

  it('a worker never heard from is not judged', () => {
    const live = new WorkerLiveness();
    live.listening(0);
    expect(live.silence('other@h', null, 1e9)).toBeNull();
  });

  it('a restart (worker-online, or a beat after a silence) loses what it took before, not what it took after', () => {
    const live = new WorkerLiveness();
    live.listening(0);
    live.heard(beat('worker-heartbeat', 1_000), 1_000);
    // Joined mid-session: no restart known, whatever the task's time.
    expect(live.silence('w@h', 500, 2_000)).toBeNull();
    live.heard(beat('worker-online', 3_000), 3_000);
    expect(live.silence('w@h', 2_500, 3_100)?.why).toMatch(/came back online at 1970-01-01T00:00:03.000Z/);
    expect(live.silence('w@h', 3_050, 3_100)).toBeNull();
    live.heard(beat('worker-heartbeat', 20_000), 20_000); // after a 17 s silence
    expect(live.silence('w@h', 10_000, 20_100)?.why).toMatch(/came back online/);
  });
});

const snapshot = (meta: Record<string, unknown> | null, id = 't'): TaskSnapshot => ({
  id,
  meta:
    meta === null
      ? null
      : decodeTaskMeta(
          id,
          `celery-task-meta-${id}`,
          Buffer.from(JSON.stringify({ result: null, traceback: null, children: [], date_done: null, ...meta })),
        ),
  ttlMs: null,
  readAt: new Date(0),
});
const history = (timeline: { type: string; at: number; hostname: string | null }[], startedAt: number | null = null) =>
  ({ timeline, startedAt, receivedAt: null }) as unknown as TaskHistory;

describe('holderOf: the worker a task is on', () => {
  it('from the last receipt or start event, else a STARTED meta, else result_extended worker', () => {
    expect(holderOf(snapshot(null), history([{ type: 'task-received', at: 5, hostname: 'a@h' }]))).toEqual({
      hostname: 'a@h',
      since: 5,
    });
    expect(holderOf(snapshot(null), history([{ type: 'task-sent', at: 5, hostname: 'client' }]))).toBeNull();
    expect(holderOf(snapshot({ status: 'STARTED', result: { pid: 1, hostname: 'b@h' } }), history([], 9))).toEqual({
      hostname: 'b@h',
      since: 9,
    });
    expect(holderOf(snapshot({ status: 'PROGRESS', result: { current: 1 }, worker: 'c@h' }), null)).toEqual({
      hostname: 'c@h',
      since: null,
    });
    expect(holderOf(snapshot({ status: 'PROGRESS', result: { current: 1 } }), null)).toBeNull();
    for (const status of ['SUCCESS', 'FAILURE', 'REVOKED', 'RETRY']) {
      expect(
        holderOf(snapshot({ status, worker: 'c@h' }), history([{ type: 'task-started', at: 5, hostname: 'a@h' }])),
      ).toBeNull();
    }
  });
});

describe('--worker-timeout', () => {
  it('auto (Celery’s rule) by default, or seconds; anything else stops the process', () => {
    expect(loadConfig([], {}).workerTimeoutMs).toBeNull();
    expect(loadConfig(['--worker-timeout', '7.5'], {}).workerTimeoutMs).toBe(7500);
    expect(loadConfig([], { LENS_WORKER_TIMEOUT: '30' }).workerTimeoutMs).toBe(30_000);
    for (const bad of ['0', '-1', 'soon', '100000']) {
      expect(() => loadConfig([`--worker-timeout=${bad}`], {})).toThrow(
        /--worker-timeout \(LENS_WORKER_TIMEOUT\) must be auto or a number of seconds/,
      );
    }
  });
});

describe('--stall-after', () => {
  it('name=seconds pairs, * for the rest; off by default; anything else stops the process', () => {
    expect(loadConfig([], {}).stallAfter.size).toBe(0);
    expect([...loadConfig(['--stall-after', 'tasks.report=600, *=3600'], {}).stallAfter]).toEqual([
      ['tasks.report', 600_000],
      ['*', 3_600_000],
    ]);
    for (const bad of ['tasks.report', 'tasks.report=0', 'x=soon', '=5', 'a b=5']) {
      expect(() => loadConfig([`--stall-after=${bad}`], {})).toThrow(
        /^--stall-after \(LENS_STALL_AFTER\): ".*" is not name=seconds/,
      );
    }
  });
});
