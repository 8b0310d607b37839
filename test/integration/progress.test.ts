/**
 * Group and workflow progress, and LOST, on metas and worker events written
 * the way Celery writes them (the interop suite runs them on real workers).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { publishEvent, publishWorkerEvent } from '../helpers/worker-events.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';
import { celeryDate } from '../helpers/clock.ts';

const GroupCounts = graphql(`
  query GroupCounts($id: ID!) {
    group(id: $id) { size progress { total queued running succeeded failed revoked expired unknown lost ready percent } }
  }
`);
const GraphCounts = graphql(`
  query GraphCounts($rootId: ID!) {
    taskGraph(rootId: $rootId) { progress { total running succeeded failed ready percent } }
  }
`);
const FollowGroup = graphql(`
  subscription FollowGroup($id: ID!) {
    groupProgress(id: $id) { total queued running succeeded failed lost unknown ready percent }
  }
`);
const FollowWorkflow = graphql(`
  subscription FollowWorkflow($rootId: ID!) {
    workflowProgress(rootId: $rootId) { total running succeeded ready }
  }
`);
const FollowTask = graphql(`
  subscription FollowTaskStatus($id: ID!) {
    task(id: $id) { rawState status }
  }
`);
const Status = graphql(`
  query LostStatus($id: ID!) {
    task(id: $id) { status statusReason }
  }
`);

const INTERVAL_MS = 200;
/** How late an event may reach the client here (same process, busy machine), in ms. */
const LAG_MS = 300;
const lens = useLens(['--progress-interval-ms', String(INTERVAL_MS), '--stall-after', 'lens.sleep=1,*=3600']);
let client: Redis;
beforeAll(() => {
  client = lens.redis.client();
});

const started = (group: string, hostname = 'w@h') => ({
  status: 'STARTED',
  result: { pid: 1, hostname },
  group_id: group,
});
const success = (group: string) => ({
  status: 'SUCCESS',
  result: 1,
  date_done: `${celeryDate()}+00:00`,
  group_id: group,
});
const counts = async (id: string) => (await execute(lens.app, GroupCounts, { id })).data!.group!.progress;

describe('Group.progress and groupProgress', () => {
  it("counts a running chord's members by status; its size counts the ones not seen yet as unknown", async () => {
    const group = randomUUID();
    await client.set(`celery-taskset-meta-${group}.s`, '5');
    const ids = [randomUUID(), randomUUID()];
    await writeMeta(client, started(group), { id: ids[0] });
    await writeMeta(client, success(group), { id: ids[1] });
    // Members come from what the consumer saw published with the group id.
    await until(async () => (await counts(group)).total === 5 && (await counts(group)).running === 1);
    expect(await counts(group)).toEqual({
      total: 5,
      queued: 0,
      running: 1,
      succeeded: 1,
      failed: 0,
      revoked: 0,
      expired: 0,
      unknown: 3,
      lost: 0,
      ready: false,
      percent: 20,
    });
  });

  it('streams coalesced counts, at most one per interval, and completes when all are ready', async () => {
    const group = randomUUID();
    const ids = Array.from({ length: 40 }, () => randomUUID());
    for (const id of ids) await writeMeta(client, started(group), { id });
    await until(async () => (await counts(group)).total === 40);
    const ws = wsClient(lens.app.url);
    try {
      const times: number[] = [];
      const sub = subscribe(ws, FollowGroup, { id: group });
      await sub.waitFor(1);
      times.push(Date.now());
      expect(sub.events[0]!.groupProgress).toMatchObject({ total: 40, running: 40, ready: false, percent: 0 });
      const arrivals: number[] = [];
      const watch = setInterval(() => {
        while (arrivals.length < sub.events.length - 1) arrivals.push(Date.now());
      }, 5);
      // 40 changes over about a second (the pace of the workers, not a wait for a condition):
      // several intervals, each with several changes.
      const began = Date.now();
      for (const [index, id] of ids.entries()) {
        await writeMeta(
          client,
          index % 10 === 0
            ? {
                ...success(group),
                status: 'FAILURE',
                result: { exc_type: 'ValueError', exc_message: ['x'], exc_module: 'builtins' },
              }
            : success(group),
          { id },
        );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await sub.done;
      const span = Date.now() - began;
      clearInterval(watch);
      const last = sub.events.at(-1)!.groupProgress;
      expect(last).toEqual({
        total: 40,
        queued: 0,
        running: 0,
        succeeded: 36,
        failed: 4,
        lost: 0,
        unknown: 0,
        ready: true,
        percent: 100,
      });
      // More than one step, far fewer events than changes: coalesced, not dropped.
      // (At most one per interval over however long the writes took: a loaded machine writes slower.)
      expect(sub.events.length).toBeGreaterThan(2);
      expect(sub.events.length).toBeLessThan(40);
      expect(sub.events.length).toBeLessThanOrEqual(Math.ceil(span / INTERVAL_MS) + 2);
      const counted = sub.events.map((e) => e.groupProgress.succeeded + e.groupProgress.failed);
      expect([...counted].sort((a, b) => a - b)).toEqual(counted);
      // Sent at least an interval apart (timed exactly in test/unit/progress-stream.test.ts); through
      // the transport on a busy machine one may arrive late, so bound the count over the whole span.
      const all = [...times, ...arrivals];
      expect((all.length - 1) * INTERVAL_MS).toBeLessThanOrEqual(all.at(-1)! - all[0]! + LAG_MS);
    } finally {
      await ws.dispose();
    }
  });

  it('a group already done: one event, ready, then complete', async () => {
    const group = randomUUID();
    const id = await writeMeta(client, success(group));
    await until(async () => (await counts(group)).total === 1);
    const ws = wsClient(lens.app.url);
    try {
      const sub = subscribe(ws, FollowGroup, { id: group });
      await sub.done;
      expect(sub.events.map((e) => e.groupProgress)).toEqual([
        expect.objectContaining({ total: 1, succeeded: 1, ready: true, percent: 100 }),
      ]);
      expect(id).toBeTruthy();
    } finally {
      await ws.dispose();
    }
  });

  it('a bad id is INVALID_TASK_ID', async () => {
    const ws = wsClient(lens.app.url);
    try {
      const sub = subscribe(ws, FollowGroup, { id: 'nope' });
      await sub.done.catch(() => {});
      expect(sub.errors[0]?.extensions?.code).toBe('INVALID_TASK_ID');
    } finally {
      await ws.dispose();
    }
  });
});

describe('TaskGraph.progress and workflowProgress', () => {
  it('counts every task of the workflow and follows it to ready', async () => {
    const [root, a, b] = [randomUUID(), randomUUID(), randomUUID()];
    const tuple = (id: string) => [[id, null], null];
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w@h' } }, { id: a });
    await writeMeta(
      client,
      { status: 'SUCCESS', result: 1, date_done: celeryDate(), children: [tuple(a), tuple(b)] },
      { id: root },
    );
    const graph = (await execute(lens.app, GraphCounts, { rootId: root })).data!.taskGraph.progress;
    expect(graph).toEqual({ total: 3, running: 1, succeeded: 1, failed: 0, ready: false, percent: 33.3 });
    const ws = wsClient(lens.app.url);
    try {
      const sub = subscribe(ws, FollowWorkflow, { rootId: root });
      await sub.waitFor(1);
      await writeMeta(client, { status: 'SUCCESS', result: 2, date_done: celeryDate() }, { id: a });
      await writeMeta(client, { status: 'SUCCESS', result: 3, date_done: celeryDate() }, { id: b });
      await sub.done;
      expect(sub.events.at(-1)!.workflowProgress).toEqual({ total: 3, running: 0, succeeded: 3, ready: true });
    } finally {
      await ws.dispose();
    }
  });
});

describe('LOST from worker heartbeats', () => {
  it('a worker that stops beating: its task LOST, naming it; its group counts it lost at once; a late result is the truth', async () => {
    const worker = `w-${randomUUID().slice(0, 8)}@host`;
    const group = randomUUID();
    const id = await writeMeta(client, started(group, worker));
    // freq 0.2 s: offline after 0.4 s + 1 s of slack. It beats until the test is ready for its silence
    // (reading RUNNING and subscribing can take longer than 1.4 s on a loaded machine).
    await publishWorkerEvent(client, worker, 'worker-online', { freq: 0.2 });
    const beat = setInterval(
      () => publishWorkerEvent(client, worker, 'worker-heartbeat', { freq: 0.2 }).catch(() => {}),
      100,
    );
    const status = async () => (await execute(lens.app, Status, { id })).data!.task!;
    const ws = wsClient(lens.app.url);
    try {
      await until(async () => (await counts(group)).total === 1);
      expect(await status()).toMatchObject({ status: 'RUNNING' });
      const sub = subscribe(ws, FollowGroup, { id: group });
      const one = subscribe(ws, FollowTask, { id });
      await sub.waitFor(1);
      await one.waitFor(1);
      expect(sub.events[0]!.groupProgress).toMatchObject({ running: 1, lost: 0 });
      expect(one.events[0]!.task).toEqual({ rawState: 'STARTED', status: 'RUNNING' });
      clearInterval(beat);
      const silentAt = Date.now();
      // Nothing is written to Redis: the worker's silence alone turns the count.
      await sub.waitFor(2, 5000);
      expect(Date.now() - silentAt).toBeLessThan(2500);
      expect(sub.events[1]!.groupProgress).toMatchObject({ running: 0, lost: 1, ready: false });
      // The task's own subscription hears it too, though its stored state did not change.
      await one.waitFor(2, 5000);
      expect(one.events[1]!.task).toEqual({ rawState: 'STARTED', status: 'LOST' });
      const lost = await status();
      expect(lost.status).toBe('LOST');
      expect(lost.statusReason).toContain(`on worker ${worker}, last heard at`);
      // The worker's pool process finishes after all and stores its result.
      await writeMeta(client, success(group), { id });
      await sub.done;
      expect(sub.events.at(-1)!.groupProgress).toMatchObject({ succeeded: 1, lost: 0, ready: true });
      await one.done;
      expect(one.events.map((e) => e.task.status)).toEqual(['RUNNING', 'LOST', 'SUCCEEDED']);
      expect(await status()).toMatchObject({ status: 'SUCCEEDED' });
    } finally {
      clearInterval(beat);
      await ws.dispose();
    }
  });

  it('worker-offline: LOST at once, for a running task and for one it had only received', async () => {
    const worker = `w-${randomUUID().slice(0, 8)}@host`;
    const id = await writeMeta(client, { status: 'PROGRESS', result: { current: 1 }, worker });
    await publishWorkerEvent(client, worker, 'worker-heartbeat');
    const status = async () => (await execute(lens.app, Status, { id })).data!.task!;
    await until(async () =>
      (await execute(lens.app, graphql(`query HeardWorkers { workers { hostname } }`))).data!.workers.some(
        (w) => w.hostname === worker,
      ),
    );
    expect((await status()).status).toBe('RUNNING');
    // Received (prefetched) by the same worker, no stored state: QUEUED until the worker goes.
    const prefetched = randomUUID();
    await publishEvent(client, {
      type: 'task-received',
      uuid: prefetched,
      hostname: worker,
      timestamp: Date.now() / 1000,
      name: 'lens.add',
      retries: 0,
    });
    await until(async () => (await execute(lens.app, Status, { id: prefetched })).data!.task!.status === 'QUEUED');
    await publishWorkerEvent(client, worker, 'worker-offline');
    await until(async () => (await status()).status === 'LOST');
    expect((await status()).statusReason).toMatch(
      /^the result backend says PROGRESS, on worker .*it said worker-offline/,
    );
    expect((await execute(lens.app, Status, { id: prefetched })).data!.task).toMatchObject({
      status: 'LOST',
      statusReason: expect.stringMatching(
        new RegExp(
          `^the last event is task-received at .*, on worker ${worker}, last heard at .*it said worker-offline`,
        ),
      ),
    });
  });
});

describe('STALLED (--stall-after lens.sleep=1,*=3600)', () => {
  it('RUNNING past its name’s limit reads STALLED, a hint counted as running; other names keep the * limit; the result ends it', async () => {
    const group = randomUUID();
    const startedAt = Date.now() - 1500;
    const slow = randomUUID();
    const other = randomUUID();
    for (const [id, name] of [
      [slow, 'lens.sleep'],
      [other, 'lens.add'],
    ] as const) {
      await publishEvent(client, {
        type: 'task-started',
        uuid: id,
        hostname: 'busy@h',
        timestamp: startedAt / 1000,
        pid: 1,
      });
      await until(async () => (await execute(lens.app, Status, { id })).data!.task!.status === 'RUNNING');
      await writeMeta(client, { ...started(group, 'busy@h'), name }, { id });
    }
    await until(async () => (await counts(group)).total === 2);
    const stalled = (await execute(lens.app, Status, { id: slow })).data!.task!;
    expect(stalled.status).toBe('STALLED');
    expect(stalled.statusReason).toMatch(
      /^the result backend says STARTED; running since .*, \d+ s, longer than --stall-after lens\.sleep=1 s \(a hint: it may still finish\)$/,
    );
    expect((await execute(lens.app, Status, { id: other })).data!.task!.status).toBe('RUNNING');
    expect(await counts(group)).toMatchObject({ total: 2, running: 2, ready: false });
    await writeMeta(client, { ...success(group), name: 'lens.sleep' }, { id: slow });
    expect((await execute(lens.app, Status, { id: slow })).data!.task!.status).toBe('SUCCEEDED');
  });
});
