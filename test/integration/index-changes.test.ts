/**
 * What the task index publishes for taskEvents (src/store/index/lua/update.lua): one
 * change per change of a task, and a task's end once, whichever of its two
 * tellings (the stored result, the worker's event) comes first (twice when the
 * event comes after HOLD_MS), with two replicas writing the same messages.
 * Against a real Redis.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskEvent, TaskEventType } from '../../src/celery/events.ts';
import { decodeTaskMeta } from '../../src/celery/meta.ts';
import { HistoryStore } from '../../src/store/history-store.ts';
import { decodeChange } from '../../src/store/index/index-feed.ts';
import type { IndexedTask } from '../../src/store/index/index-types.ts';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { HOLD_MS } from '../../src/store/index/index-types.ts';
import { TaskIndex } from '../../src/store/index/task-index.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { celeryDate } from '../helpers/clock.ts';
import { taskEvent } from '../helpers/task-event.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** Two replicas' stores on one index, and every change published on it, in order. */
async function replicas() {
  const keys = lensKeys(`c-${randomUUID()}:`);
  const settings = { maxTasks: 1_000_000, retentionSeconds: 7 * 86400 };
  const [a, b] = [0, 1].map(() => {
    const index = new TaskIndex(redis.client(), keys.index, settings);
    return new HistoryStore(index.redis, keys, { historyTtlSeconds: 3600, tombstoneTtlSeconds: 3600, index });
  }) as [HistoryStore, HistoryStore];
  const listener: Redis = redis.client();
  const heard: IndexedTask[] = [];
  listener.on('message', (_channel: string, message: string) => {
    for (const change of message.split('\x1d')) heard.push(decodeChange(change) as IndexedTask);
  });
  await listener.subscribe(`${keys.index}changes`);
  /** The changes of `id` heard once a marker task written after everything else came through. */
  const changesOf = async (id: string) => {
    const marker = randomUUID();
    await a.recordEvents([event('task-received', marker, Date.now())]);
    await until(() => heard.some((change) => change.id === marker));
    return heard.filter((change) => change.id === id).map(({ status, at }) => ({ status, at }));
  };
  return { a, b, heard, changesOf, held: (id: string) => a.redis.hexists(`${keys.index}held`, id) };
}

const event = (type: TaskEventType, taskId: string, at: number, extra: Partial<TaskEvent> = {}) =>
  taskEvent(type, taskId, at, { name: 'app.job', ...extra });
const failure = (id: string, at: number) =>
  decodeTaskMeta(
    id,
    `celery-task-meta-${id}`,
    Buffer.from(
      JSON.stringify({
        status: 'FAILURE',
        result: { exc_type: 'ValueError', exc_message: ['x'], exc_module: 'builtins' },
        traceback: 'Traceback…',
        children: [],
        date_done: celeryDate(at),
        task_id: id,
      }),
    ),
  );
const success = (id: string, at: number) =>
  decodeTaskMeta(
    id,
    `celery-task-meta-${id}`,
    Buffer.from(
      JSON.stringify({
        status: 'SUCCESS',
        result: 1,
        traceback: null,
        children: [],
        date_done: celeryDate(at),
        task_id: id,
      }),
    ),
  );
const progress = (id: string, done: number) =>
  decodeTaskMeta(
    id,
    `celery-task-meta-${id}`,
    Buffer.from(
      JSON.stringify({
        status: 'PROGRESS',
        result: { done },
        traceback: null,
        children: [],
        date_done: null,
        task_id: id,
      }),
    ),
  );

describe('the changes the index publishes', () => {
  it('a failure whose result comes first: one FAILED change, when the task-failed event comes, at its time', async () => {
    const { a, b, changesOf, held } = await replicas();
    const id = randomUUID();
    const t0 = Date.now() - 5000;
    // Both replicas hear every message, each in the order Celery sent them (result before event).
    for (const store of [a, b]) await store.recordEvents([event('task-received', id, t0)]);
    for (const store of [a, b]) await store.recordEvents([event('task-started', id, t0 + 1)]);
    for (const store of [a, b]) await store.recordMeta(failure(id, t0 + 2));
    expect(await held(id)).toBe(1);
    for (const store of [a, b])
      await store.recordEvents([event('task-failed', id, t0 + 3, { exception: "ValueError('x')" })]);
    expect(await held(id)).toBe(0);
    expect(await changesOf(id)).toEqual([
      { status: 'QUEUED', at: t0 },
      { status: 'RUNNING', at: t0 + 1 },
      { status: 'FAILED', at: t0 + 3 },
    ]);
  });

  it('a failure whose event comes first: one FAILED change, at once; the result after it is no change', async () => {
    const { a, b, changesOf, held } = await replicas();
    const id = randomUUID();
    const t0 = Date.now() - 5000;
    for (const store of [a, b])
      await store.recordEvents([
        event('task-received', id, t0),
        event('task-started', id, t0 + 1),
        event('task-failed', id, t0 + 3),
      ]);
    for (const store of [a, b]) await store.recordMeta(failure(id, t0 + 2));
    expect(await held(id)).toBe(0);
    expect(await changesOf(id)).toEqual([{ status: 'FAILED', at: t0 + 3 }]);
  });

  it('a quick task whose result comes before all its events (a worker batches them), while workers send events: one change, with the event', async () => {
    const { a, b, changesOf, held } = await replicas();
    const id = randomUUID();
    const t0 = Date.now() - 5000;
    for (const store of [a, b]) await store.recordMeta(success(id, t0 + 2), true);
    expect(await held(id)).toBe(1);
    const batch = [
      event('task-received', id, t0),
      event('task-started', id, t0 + 1),
      event('task-succeeded', id, t0 + 3, { runtime: 0.002 }),
    ];
    for (const store of [a, b]) await store.recordEvents(batch);
    expect(await changesOf(id)).toEqual([{ status: 'SUCCEEDED', at: t0 + 3 }]);
  });

  it('a replica that has heard no worker event itself holds an end once another replica wrote one (a fresh process)', async () => {
    const { a, b, changesOf, held } = await replicas();
    const [other, id] = [randomUUID(), randomUUID()];
    const t0 = Date.now() - 5000;
    await a.recordEvents([event('task-started', other, t0)]);
    // b's own memory says nothing of worker events (workerEvents false): the index knows they are sent.
    await b.recordMeta(success(id, t0 + 2), false);
    expect(await held(id)).toBe(1);
    await b.recordEvents([event('task-succeeded', id, t0 + 3, { runtime: 0.002 })]);
    expect(await changesOf(id)).toEqual([{ status: 'SUCCEEDED', at: t0 + 3 }]);
  });

  it('a success told by its result alone, no event of it heard: published at once', async () => {
    const { a, b, changesOf } = await replicas();
    const id = randomUUID();
    const t0 = Date.now() - 5000;
    for (const store of [a, b]) await store.recordMeta(success(id, t0));
    expect(await changesOf(id)).toEqual([{ status: 'SUCCEEDED', at: t0 }]);
  });

  it('an end held for a worker event that does not come in time: published HOLD_MS later, and once more if it comes after all', async () => {
    const { a, b, heard, changesOf, held } = await replicas();
    const id = randomUUID();
    const t0 = Date.now() - 5000;
    for (const store of [a, b]) await store.recordEvents([event('task-received', id, t0)]);
    const resultAt = Date.now();
    for (const store of [a, b]) await store.recordMeta(success(id, t0 + 2));
    await until(() => heard.some((change) => change.id === id && change.status === 'SUCCEEDED'), HOLD_MS + 10_000);
    expect(Date.now() - resultAt).toBeGreaterThanOrEqual(HOLD_MS - 50);
    // Marked told without its event: the event, late (a loaded worker or consumer), brings finishedAt and runtime.
    expect(await held(id)).toBe(1);
    for (const store of [a, b]) await store.recordEvents([event('task-succeeded', id, t0 + 3, { runtime: 0.5 })]);
    expect(await held(id)).toBe(0);
    expect(await changesOf(id)).toEqual([
      { status: 'QUEUED', at: t0 },
      { status: 'SUCCEEDED', at: t0 + 2 },
      { status: 'SUCCEEDED', at: t0 + 3 },
    ]);
  });

  it('an unfinished task: each newer state is a change (each PROGRESS update), the same state heard by another replica is not', async () => {
    const { a, b, changesOf } = await replicas();
    const id = randomUUID();
    const t0 = Date.now() - 5000;
    for (const store of [a, b]) await store.recordEvents([event('task-sent', id, t0, { hostname: 'client@h' })]);
    for (const store of [a, b]) await store.recordEvents([event('task-received', id, t0 + 1)]);
    for (const done of [1, 2]) {
      // An unfinished state is stamped on receipt, to the millisecond: the next update comes a millisecond later.
      const heardAt = Date.now();
      await until(() => Date.now() > heardAt);
      for (const store of [a, b]) await store.recordMeta(progress(id, done));
    }
    const changes = await changesOf(id);
    expect(changes.map((change) => change.status)).toEqual(['QUEUED', 'QUEUED', 'RUNNING', 'RUNNING']);
    // Each later than the one before: the time the list orders by moves with each.
    expect(changes.slice(0, 2).map((change) => change.at)).toEqual([t0, t0 + 1]);
    expect(changes[2]!.at).toBeGreaterThan(t0 + 1);
    expect(changes[3]!.at).toBeGreaterThan(changes[2]!.at);
  });
});
