/** The task index' store: writes from events and metas, searches, counts, retention, against a real Redis. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskEvent, TaskEventType } from '../../src/celery/events.ts';
import { decodeTaskMeta } from '../../src/celery/meta.ts';
import { HistoryStore } from '../../src/store/history-store.ts';
import { decodeChange } from '../../src/store/index/index-feed.ts';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { TaskIndex } from '../../src/store/index/task-index.ts';
import type { IndexFilter } from '../../src/store/index/index-types.ts';
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

/** A HistoryStore writing an index under its own prefix, as the consumer does. */
function stores(options: { maxTasks?: number; days?: number; kwargs?: string[] } = {}) {
  const keys = lensKeys(`t-${randomUUID()}:`);
  const client = redis.client();
  const index = new TaskIndex(client, keys.index, {
    maxTasks: options.maxTasks ?? 1_000_000,
    retentionSeconds: (options.days ?? 7) * 86400,
  });
  const history = new HistoryStore(client, keys, {
    historyTtlSeconds: 3600,
    tombstoneTtlSeconds: 3600,
    index,
    indexKwargs: options.kwargs ?? [],
  });
  return { keys, client, index, history };
}

const event = (type: TaskEventType, taskId: string, at: number, extra: Partial<TaskEvent> = {}) =>
  taskEvent(type, taskId, at, { ...extra });

const meta = (id: string, fields: Record<string, unknown>) =>
  decodeTaskMeta(
    id,
    `celery-task-meta-${id}`,
    Buffer.from(JSON.stringify({ result: null, traceback: null, children: [], date_done: null, ...fields })),
  );

const ids = async (index: TaskIndex, filter: IndexFilter, order: 'desc' | 'asc' = 'desc', limit = 100) =>
  (await index.search(filter, order, limit, null)).entries.map((entry) => entry.id);

describe('the task index', () => {
  it('follows a task through its states: one entry, in the cell of its latest state', async () => {
    const { index, history } = stores();
    const id = randomUUID();
    const t0 = Date.now() - 10_000;
    await history.recordEvents([
      event('task-sent', id, t0, { name: 'app.add', queue: 'q1', hostname: 'client@h' }),
      event('task-received', id, t0 + 5, { name: 'app.add' }),
    ]);
    expect(await ids(index, { statuses: ['QUEUED'] })).toEqual([id]);
    await history.recordEvents([event('task-started', id, t0 + 10)]);
    expect(await ids(index, { statuses: ['QUEUED'] })).toEqual([]);
    expect(await ids(index, { statuses: ['RUNNING'], name: 'app.add', worker: 'w1@h', queue: 'q1' })).toEqual([id]);
    await history.recordEvents([event('task-succeeded', id, t0 + 20, { runtime: 0.01 })]);
    // A late, older event does not take a finished task back.
    await history.recordEvents([event('task-started', id, t0 + 15)]);
    expect(await ids(index, { statuses: ['SUCCEEDED'] })).toEqual([id]);
    expect(await ids(index, { statuses: ['RUNNING', 'QUEUED'] })).toEqual([]);
    expect(await index.count({}, 1000)).toEqual({ count: 1, capped: false });
    const [cell] = await index.cells(t0, t0 + 1000, 10);
    expect(cell).toMatchObject({
      status: 'SUCCEEDED',
      name: 'app.add',
      worker: 'w1@h',
      queue: 'q1',
      count: 1,
      runtimes: [0.01],
    });
  });

  it('applies the same events in any order, any number of times, to the same entries', async () => {
    const a = stores();
    const id = randomUUID();
    const t0 = Date.now() - 5000;
    const events = [
      event('task-sent', id, t0, { name: 'app.x', queue: 'celery' }),
      event('task-received', id, t0 + 1, { name: 'app.x' }),
      event('task-started', id, t0 + 2),
      event('task-failed', id, t0 + 3, { exception: "KeyError('k')" }),
    ];
    for (const order of [events, [...events].reverse(), events])
      for (const e of order) await a.history.recordEvents([e]);
    expect(await ids(a.index, {})).toEqual([id]);
    expect(await ids(a.index, { statuses: ['FAILED'] })).toEqual([id]);
    expect(await a.client.zcard(`${a.keys.index}all`)).toBe(1);
    const [failure] = await a.index.cells(0, Date.now(), 0, 'FAILED');
    expect(failure).toMatchObject({ exceptionType: 'KeyError', count: 1, lastId: id });
  });

  it('indexes metas: status from the stored state, exception type, kwargs, and the parent as root', async () => {
    const { index, history } = stores({ kwargs: ['tenant', 'user_id'] });
    const [root, child] = [randomUUID(), randomUUID()];
    const done = celeryDate(Date.now() - 60_000);
    await history.recordMeta(
      meta(root, { status: 'SUCCESS', date_done: done, name: 'app.root', kwargs: { tenant: 'acme', user_id: 7 } }),
    );
    await history.recordMeta(
      meta(child, {
        status: 'FAILURE',
        date_done: done,
        name: 'app.child',
        parent_id: root,
        result: { exc_type: 'ValueError', exc_message: ['x'], exc_module: 'builtins' },
        kwargs: { tenant: 'acme' },
      }),
    );
    expect(await ids(index, { rootId: root }, 'asc')).toEqual([root, child].sort());
    expect(await ids(index, { kwargs: [{ key: 'tenant', value: '"acme"' }] })).toHaveLength(2);
    expect(
      await ids(index, {
        kwargs: [
          { key: 'tenant', value: '"acme"' },
          { key: 'user_id', value: '7' },
        ],
      }),
    ).toEqual([root]);
    expect(await ids(index, { kwargs: [{ key: 'tenant', value: '"other"' }] })).toEqual([]);
    const [failure] = await index.cells(0, Date.now(), 0, 'FAILED');
    expect(failure).toMatchObject({ name: 'app.child', exceptionType: 'ValueError' });
    const minute = Math.floor(Date.parse(`${done}Z`) / 60_000);
    expect(await index.minutes(minute * 60_000, minute * 60_000)).toEqual([{ minute, succeeded: 1, failed: 1 }]);
  });

  it('pages by (time, id) in both orders, with the filters of each dimension', async () => {
    const { index, history } = stores();
    const t0 = Date.now() - 100_000;
    const sent: { id: string; at: number; name: string; worker: string }[] = [];
    for (let i = 0; i < 60; i += 1) {
      // Pairs at the same millisecond: the id orders them.
      const at = t0 + Math.floor(i / 2) * 10;
      const task = {
        id: randomUUID(),
        at,
        name: i % 3 === 0 ? 'app.a' : 'app.b',
        worker: i % 2 === 0 ? 'w1@h' : 'w2@h',
      };
      sent.push(task);
      await history.recordEvents([event('task-received', task.id, at, { name: task.name, hostname: task.worker })]);
    }
    const newest = [...sent].sort((x, y) => y.at - x.at || (y.id > x.id ? 1 : -1));
    for (const [filter, expected] of [
      [{}, newest],
      [{ name: 'app.a' }, newest.filter((t) => t.name === 'app.a')],
      [{ namePrefix: 'app.', worker: 'w2@h' }, newest.filter((t) => t.worker === 'w2@h')],
      [{ since: t0 + 100, until: t0 + 200 }, newest.filter((t) => t.at >= t0 + 100 && t.at <= t0 + 200)],
    ] as const) {
      for (const order of ['desc', 'asc'] as const) {
        const want = (order === 'desc' ? expected : [...expected].reverse()).map((t) => t.id);
        const got: string[] = [];
        let after = null;
        for (;;) {
          const page = await index.search(filter, order, 7, after);
          got.push(...page.entries.map((e) => e.id));
          if (page.entries.length < 7) break;
          after = page.entries.at(-1) ?? null;
        }
        expect(got).toEqual(want);
      }
      expect((await index.count(filter, 1000)).count).toBe(expected.length);
    }
  });

  it('writes and publishes a task once per batch, in its latest state; an unchanged task not at all', async () => {
    const { index, history } = stores();
    const listener = redis.client();
    const heard: string[] = [];
    listener.on('message', (_channel: string, message: string) => heard.push(message));
    await listener.subscribe(index.changesChannel);
    const id = randomUUID();
    const t0 = Date.now() - 1000;
    const life = [
      event('task-received', id, t0, { name: 'app.one' }),
      event('task-started', id, t0 + 1),
      event('task-succeeded', id, t0 + 2, { runtime: 0.5 }),
    ];
    await history.recordEvents(life);
    await history.recordEvents(life);
    await until(() => heard.length >= 1);
    const [m1, m2] = [randomUUID(), randomUUID()];
    await history.recordEvents([
      event('task-received', m1, t0, { name: 'app.marker' }),
      event('task-received', m2, t0, { name: 'app.marker' }),
    ]);
    await until(() => heard.length >= 2);
    expect(decodeChange(heard[0] as string)).toMatchObject({ id, status: 'SUCCEEDED', at: t0 + 2, name: 'app.one' });
    // One message a batch, one change a task.
    expect(heard[1]?.split('\x1d').map((change) => decodeChange(change)?.id)).toEqual([m1, m2]);
  });

  it('keeps at most --index-max-tasks, and none older than --index-days, dropping the oldest', async () => {
    const { index, history, client, keys } = stores({ maxTasks: 5, days: 1 });
    const now = Date.now();
    const old = randomUUID();
    await history.recordEvents([event('task-received', old, now - 2 * 86_400_000, { name: 'app.old' })]);
    // Written and dropped by the same batch: older than a day.
    expect(await ids(index, {})).toEqual([]);
    const tasks = Array.from({ length: 8 }, (_, i) => ({ id: randomUUID(), at: now - 1000 + i }));
    for (const task of tasks)
      await history.recordEvents([event('task-received', task.id, task.at, { name: 'app.new' })]);
    expect(await ids(index, {}, 'asc')).toEqual(tasks.slice(3).map((t) => t.id));
    expect(await client.hlen(`${keys.index}rec`)).toBe(5);
    expect(await index.count({ name: 'app.new' }, 100)).toEqual({ count: 5, capped: false });
    expect(await index.trim(now + 86_400_000 + 10_000)).toBe(5);
    expect(await client.hlen(`${keys.index}rec`)).toBe(0);
  });
});
