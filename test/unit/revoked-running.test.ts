/**
 * The REVOKED Celery 5.6.2–5.6.x stores for a running task a revoke without
 * terminate does not stop (test/fixtures/celery-5.7): RUNNING while the
 * events show it started and no worker reported it revoked, LOST when its
 * worker is gone, REVOKED once a worker did report it (or without events).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTaskMeta } from '../../src/celery/meta.ts';
import type { TimelineEntry } from '../../src/celery/timeline-order.ts';
import { decideStatus, holderOf } from '../../src/read/task-status.ts';
import type { TaskHistory } from '../../src/store/history-store.ts';

const { scenarios } = JSON.parse(
  readFileSync(new URL('../fixtures/celery-5.7/revoke-and-chord.json', import.meta.url), 'utf8'),
) as { scenarios: Record<string, { id: string; steps: { meta?: string }[] }> };
const scenario = scenarios.revoke_running_5_6!;
const revoked = {
  id: scenario.id,
  meta: decodeTaskMeta(scenario.id, `celery-task-meta-${scenario.id}`, Buffer.from(scenario.steps[3]!.meta!)),
  ttlMs: null,
  readAt: new Date(),
};
const at = Date.now() - 5000;
const history = (...types: TimelineEntry['type'][]): TaskHistory => ({
  id: scenario.id,
  sentAt: null,
  receivedAt: at,
  startedAt: at + 100,
  finishedAt: null,
  worker: 'celery@vm',
  name: 'lens.sleep',
  queue: 'celery',
  parentId: null,
  rootId: null,
  retries: 0,
  runtime: null,
  timeline: types.map((type, index) => ({ type, at: at + index * 100, hostname: 'celery@vm' })),
  childIds: [],
  tombstone: null,
});

describe('REVOKED stored for a task that runs on (Celery 5.6.2–5.6.x)', () => {
  it('is RUNNING while the events show it started, held by its worker', () => {
    const started = history('task-received', 'task-started');
    expect(decideStatus(revoked, started, null).status).toBe('RUNNING');
    expect(holderOf(revoked, started)).toEqual({ hostname: 'celery@vm', since: at + 100 });
  });

  it('is LOST when that worker is gone', () => {
    const silence = { hostname: 'celery@vm', lastHeardAt: at, why: 'no heartbeat' };
    const decision = decideStatus(revoked, history('task-received', 'task-started'), null, {
      silence,
      requeuedIn: null,
    });
    expect(decision.status).toBe('LOST');
    expect(decision.reason).toContain('the result backend says REVOKED');
  });

  it('is REVOKED once a worker reported it revoked, before it started, or without events', () => {
    expect(decideStatus(revoked, history('task-received', 'task-started', 'task-revoked'), null).status).toBe(
      'REVOKED',
    );
    expect(decideStatus(revoked, history('task-received'), null).status).toBe('REVOKED');
    expect(decideStatus(revoked, null, null).status).toBe('REVOKED');
    expect(holderOf(revoked, history('task-received', 'task-started', 'task-revoked'))).toBeNull();
  });
});
