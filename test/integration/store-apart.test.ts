/**
 * celery-lens with --store on another Redis: everything it writes (timelines,
 * the index, goals, the resume log, rollups) lands there, under least-privilege
 * users on both servers (`celery-lens acl` prints both rules), and the result
 * backend sees reads only (MONITOR and a key scan show no key of celery-lens').
 * The store's outage is STORE_UNAVAILABLE and /healthz says so, the backend
 * still up.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aclRule, storeAclRule } from '../../src/redis/acl.ts';
import { loadConfig } from '../../src/config/config.ts';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { publishEvents, writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const Read = graphql(`
  query StoreApartRead($id: ID!, $goal: ID!) {
    task(id: $id) { state status timeline { type } lastOutcome { state } }
    goal(key: $goal) { status currentTask { id } }
    searchTasks(filter: { name: "store.apart" }, first: 10) { edges { node { id status } } }
  }
`);
const MakeGoal = graphql(`
  mutation StoreApartGoal($key: ID!, $taskId: ID!) {
    createGoal(key: $key) { key }
    attachTask(key: $key, taskId: $taskId) { key }
  }
`);
const ReadGoal = graphql(`
  query StoreApartGoalRead($key: ID!) { goal(key: $key) { status } }
`);

const PASSWORD = randomUUID();
let backend: RedisServer;
let store: RedisServer;
let app: Awaited<ReturnType<typeof startApp>>;
let monitor: Redis;
/** Every command the backend ran since the app started, as its words. */
const ran: string[][] = [];

const userUrl = (server: RedisServer) => `redis://celery-lens:${PASSWORD}@127.0.0.1:${server.port}/0`;

beforeAll(async () => {
  [backend, store] = await Promise.all([startRedis(), startRedis()]);
  const config = loadConfig(['--store', store.url()], {});
  const [command, ...args] = aclRule(config, 'celery-lens', PASSWORD);
  await backend.client().call(command as string, ...args);
  const [storeCommand, ...storeArgs] = storeAclRule(config, 'celery-lens', PASSWORD);
  await store.client().call(storeCommand as string, ...storeArgs);
  monitor = await backend.client().monitor();
  monitor.on('monitor', (_time: string, words: string[]) => ran.push(words));
  app = await startApp(userUrl(backend), ['--store', userUrl(store)]);
});
afterAll(async () => {
  monitor?.disconnect();
  await app?.stop();
  await Promise.all([backend?.stop(), store?.stop()]);
});

async function health(path: '/healthz' | '/readyz') {
  const response = await app.yoga.fetch(`http://yoga${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('--store on another Redis', () => {
  it('keeps timelines, the index, goals and the resume log there, and writes nothing to the backend', async () => {
    const admin = backend.client();
    const [id, goal] = [randomUUID(), `job:${randomUUID()}`];
    const at = Date.now() / 1000;
    await publishEvents(admin, 0, [
      {
        type: 'task-received',
        uuid: id,
        name: 'store.apart',
        timestamp: at,
        hostname: 'w1@h',
        args: '()',
        kwargs: '{}',
      },
      { type: 'task-succeeded', uuid: id, timestamp: at + 0.1, hostname: 'w1@h', result: '1', runtime: 0.1 },
    ]);
    await writeMeta(admin, { status: 'SUCCESS', result: 1, name: 'store.apart' }, { id });
    expect((await execute(app, MakeGoal, { key: goal, taskId: id })).errors).toBeUndefined();
    await until(async () => {
      const { data } = await execute(app, Read, { id, goal });
      return data?.searchTasks.edges.length === 1 && data.task?.lastOutcome !== null;
    });
    const { data, errors } = await execute(app, Read, { id, goal });
    expect(errors).toBeUndefined();
    expect(data).toMatchObject({
      task: { state: 'SUCCESS', status: 'SUCCEEDED', timeline: [{ type: 'RECEIVED' }, { type: 'SUCCEEDED' }] },
      goal: { status: 'PENDING', currentTask: { id } },
      searchTasks: { edges: [{ node: { id, status: 'SUCCEEDED' } }] },
    });
    expect(app.consumer?.failed).toBe(0);
    const storeKeys = await store.client().keys('celery-lens:*');
    expect(storeKeys).toEqual(expect.arrayContaining([`celery-lens:t:${id}`, `celery-lens:goal:${goal}`]));
    expect(storeKeys.some((key) => key.startsWith('celery-lens:{ix}:'))).toBe(true);
    expect(storeKeys.some((key) => key.startsWith('celery-lens:{states}:'))).toBe(true);
    // The backend holds Celery's keys only, and never heard a command naming one of celery-lens'.
    expect(await admin.keys('celery-lens*')).toEqual([]);
    const ours = ran.filter((words) => words.some((word) => word.includes('celery-lens:')));
    expect(ours).toEqual([]);
    expect(ran.length).toBeGreaterThan(0);
    expect(app.logs.filter((line) => line.includes('NOPERM'))).toEqual([]);
  });

  it("says the store's outage apart from the backend's (STORE_UNAVAILABLE, /healthz), and heals", async () => {
    expect((await health('/readyz')).body).toMatchObject({ backend: 'up', store: 'up', storeSubscriber: 'up' });
    await store.kill();
    try {
      const down = await execute(app, ReadGoal, { key: `job:${randomUUID()}` });
      expect(down.errors?.[0]?.extensions?.code).toBe('STORE_UNAVAILABLE');
      expect(down.errors?.[0]?.message).toMatch(/^celery-lens' store is unavailable: /);
      const ready = await health('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'degraded', backend: 'up', store: 'down' });
      expect(String(ready.body.storeError)).toContain(`127.0.0.1:${store.port}`);
      expect((await health('/healthz')).body).toMatchObject({ backend: 'up', store: 'down' });
      expect(app.logs.some((line) => line.includes("celery-lens' store is down"))).toBe(true);
    } finally {
      await store.restart();
    }
    // A restarted store is empty: the ACL user is set again, as an operator's persisted ACL file would.
    const [command, ...args] = storeAclRule({ lensPrefix: 'celery-lens:' }, 'celery-lens', PASSWORD);
    await store.client().call(command as string, ...args);
    await until(async () => (await health('/readyz')).status === 200, 15_000);
    const back = await execute(app, ReadGoal, { key: `job:${randomUUID()}` });
    expect(back.errors).toBeUndefined();
  });
});
