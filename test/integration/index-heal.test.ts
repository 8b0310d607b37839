/**
 * The index heals itself after the consumer's pub/sub connection is dropped:
 * tasks that finish while it is down (their published states and Celery's
 * events are lost) are found in the result backend once it is back, those
 * the index held as unfinished and those it never heard of, and recorded
 * with their final states, without a restart. On the default store, a
 * separate --store, and a Redis Cluster store. The drop is a CLIENT KILL of
 * the consumer's connection in the same MULTI as the tasks' ends, so none of
 * them reaches it (Redis frees a killed client before the next command runs).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { publishEvents } from '../helpers/celery-meta.ts';
import { celeryDate } from '../helpers/clock.ts';
import { execute } from '../helpers/graphql.ts';
import { type ClusterStore, startClusterStore } from '../helpers/cluster-store.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const Heal = graphql(`
  query HealState($name: String!) {
    taskStats(by: NAME) { groups { key total byStatus { status count } } }
    searchTasks(filter: { name: $name }, first: 500) { edges { node { id status } } }
  }
`);

type App = Awaited<ReturnType<typeof startApp>>;
const KEEP = 86_400; // Celery's default result_expires, as --result-expires says.
const key = (id: string) => `celery-task-meta-${id}`;
const failure = { exc_type: 'ValueError', exc_message: ['bad'], exc_module: 'builtins' };

const meta = (id: string, name: string, status: string) =>
  JSON.stringify({
    status,
    result: status === 'STARTED' ? { pid: 1, hostname: 'w@h' } : status === 'FAILURE' ? failure : 42,
    traceback: status === 'FAILURE' ? 'Traceback (most recent call last):\nValueError: bad' : null,
    children: [],
    date_done: status === 'STARTED' ? null : celeryDate(),
    name,
    worker: 'w@h',
    queue: 'celery',
    task_id: id,
  });

async function metric(app: App, name: string): Promise<number> {
  const text = await (await app.yoga.fetch('http://yoga/metrics')).text();
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
}

/** The consumer's connection (celery-lens-events) on the backend, by CLIENT LIST. */
async function consumerClient(admin: Redis): Promise<string> {
  const list = (await admin.client('LIST')) as string;
  const line = list.split('\n').find((entry) => / name=celery-lens-events /.test(entry));
  const id = line && /^id=(\d+) /.exec(line)?.[1];
  if (!id) throw new Error(`no celery-lens-events connection in\n${list}`);
  return id;
}

/**
 * 40 tasks the index holds as running, then in one MULTI: the consumer's
 * connection killed, those 40 finished, and 40 more sent and finished that
 * it never heard of. Resolves once the index shows all 80 with their final state.
 */
async function dropWhileTasksFinish(app: App, admin: Redis): Promise<{ ids: string[]; name: string }> {
  const name = `heal.job.${randomUUID().slice(0, 8)}`;
  const running = Array.from({ length: 40 }, () => randomUUID());
  const unheard = Array.from({ length: 40 }, () => randomUUID());
  const at = Date.now() / 1000;
  await publishEvents(
    admin,
    0,
    running.map((uuid) => ({ type: 'task-started', uuid, timestamp: at, hostname: 'w@h' })),
  );
  const started = admin.multi();
  for (const id of running)
    started.setex(key(id), KEEP, meta(id, name, 'STARTED')).publish(key(id), meta(id, name, 'STARTED'));
  await started.exec();
  const count = async () => (await execute(app, Heal, { name })).data?.searchTasks.edges.length ?? 0;
  await until(async () => (await count()) === running.length);
  const drops = await metric(app, 'celery_lens_subscriber_disconnects_total\\{connection="events"\\}');

  const ends = admin.multi().client('KILL', 'ID', await consumerClient(admin));
  for (const [position, id] of [...running, ...unheard].entries()) {
    const value = meta(id, name, position % 4 === 3 ? 'FAILURE' : 'SUCCESS');
    ends.setex(key(id), KEEP, value).publish(key(id), value);
  }
  await ends.exec();
  await until(
    async () => (await metric(app, 'celery_lens_subscriber_disconnects_total\\{connection="events"\\}')) === drops + 1,
  );
  return { ids: [...running, ...unheard], name };
}

async function expectHealed(app: App, ids: readonly string[], name: string): Promise<void> {
  const healedBefore = await metric(app, 'celery_lens_index_healed_total');
  const state = async () => (await execute(app, Heal, { name })).data;
  await until(async () => {
    const edges = (await state())?.searchTasks.edges ?? [];
    return edges.length === ids.length && edges.every(({ node }) => ['SUCCEEDED', 'FAILED'].includes(node.status));
  }, 20_000).catch(() => {});
  const data = await state();
  const statuses = new Map(data?.searchTasks.edges.map(({ node }) => [node.id, node.status]));
  expect(ids.map((id) => statuses.get(id) ?? 'missing')).toEqual(
    ids.map((_, position) => (position % 4 === 3 ? 'FAILED' : 'SUCCEEDED')),
  );
  expect(data?.taskStats.groups.find((group) => group.key === name)).toEqual({
    key: name,
    total: ids.length,
    byStatus: expect.arrayContaining([
      { status: 'SUCCEEDED', count: (ids.length * 3) / 4 },
      { status: 'FAILED', count: ids.length / 4 },
    ]),
  });
  await until(() => app.logs.some((line) => line.includes('"msg":"index heal: done"')));
  const done = app.logs
    .filter((line) => line.includes('"msg":"index heal: done"'))
    .map((line) => JSON.parse(line) as { healed: number; unfinished: number; read: number });
  expect(done.reduce((sum, report) => sum + report.healed, 0)).toBeGreaterThanOrEqual(ids.length);
  expect(await metric(app, 'celery_lens_index_healed_total')).toBeGreaterThanOrEqual(
    Math.max(healedBefore, ids.length),
  );
  expect(
    app.logs.some((line) => line.includes('"msg":"index heal: re-reading final states from the result backend"')),
  ).toBe(true);
  app.logs.length = 0;
}

describe('the index heals after a pub/sub drop', () => {
  let backend: RedisServer;
  let store: RedisServer;
  beforeAll(async () => {
    [backend, store] = await Promise.all([startRedis(), startRedis()]);
  });
  afterAll(async () => {
    await Promise.all([backend?.stop(), store?.stop()]);
  });

  it('on the default store (the backend): unfinished and unheard tasks get their final states, counted and logged', async () => {
    const app = await startApp(backend.url());
    try {
      await until(async () => (await app.yoga.fetch('http://yoga/readyz')).status === 200);
      const { ids, name } = await dropWhileTasksFinish(app, backend.client());
      await expectHealed(app, ids, name);
      // /healthz answered meanwhile and after.
      expect((await app.yoga.fetch('http://yoga/healthz')).status).toBe(200);
    } finally {
      await app.stop();
    }
  });

  it('on a --store apart: healed there, nothing written to the backend but Celery', async () => {
    const app = await startApp(backend.url(), ['--store', store.url(), '--lens-prefix', 'apart:']);
    try {
      await until(async () => (await app.yoga.fetch('http://yoga/readyz')).status === 200);
      const { ids, name } = await dropWhileTasksFinish(app, backend.client());
      await expectHealed(app, ids, name);
      expect(await backend.client().keys('apart:*')).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

describe('the index heals after a pub/sub drop, on a Redis Cluster store', () => {
  let backend: RedisServer;
  let app: App;
  let store: ClusterStore | undefined;
  beforeAll(async () => {
    store = await startClusterStore();
    ({ backend, app } = store);
  }, 90_000);
  afterAll(() => store?.stop());

  it('records the final states in the cluster', async () => {
    const { ids, name } = await dropWhileTasksFinish(app, backend.client());
    await expectHealed(app, ids, name);
  });
});
