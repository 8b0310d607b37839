/**
 * celery-lens with --store redis+cluster://… on a real Redis Cluster (three
 * primaries): the consumer's batches touch tasks on every node (pipelines
 * split per node), the index' shards (on every primary), rollups and resume
 * log each run their scripts on their slot, goals' MULTI touches one slot (hash-tagged keys), and the
 * change feeds reach subscribers through the cluster's pub/sub. The backend
 * (a plain Redis) sees none of it.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster } from '../../src/redis/cluster-connection.ts';
import { parseStoreUrl } from '../../src/redis/cluster-url.ts';
import { keySlot } from '../../src/redis/key-slot.ts';
import { storeAclRule } from '../../src/redis/acl.ts';
import { loadConfig } from '../../src/config/config.ts';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { publishEvents, writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import type { RedisCluster } from '../helpers/redis-cluster.ts';
import { type ClusterStore, startClusterStore } from '../helpers/cluster-store.ts';
import type { RedisServer } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';

const Everything = graphql(`
  query ClusterEverything($id: ID!, $goal: ID!) {
    task(id: $id) { state timeline { type } lastOutcome { state } }
    goal(key: $goal) { status attempts { id } currentTask { id } }
    searchTasks(filter: { name: "cluster.job" }, first: 100) { edges { node { id status } } }
    failures(first: 10) { edges { node { name exceptionType count } } }
    taskStats(by: NAME) { groups { key total } }
  }
`);
const Goal = graphql(`
  mutation ClusterGoal($key: ID!, $taskId: ID!) {
    createGoal(key: $key) { key }
    attachTask(key: $key, taskId: $taskId) { key }
  }
`);
const Live = graphql(`
  subscription ClusterLive { taskEvents(filter: { name: "cluster.live" }) { id status } }
`);

const failure = { exc_type: 'ValueError', exc_message: ['bad'], exc_module: 'builtins' };
let cluster: RedisCluster;
let backend: RedisServer;
let app: Awaited<ReturnType<typeof startApp>>;

let store: ClusterStore | undefined;
beforeAll(async () => {
  store = await startClusterStore();
  ({ cluster, backend, app } = store);
}, 90_000);
afterAll(() => store?.stop());

/** Every key celery-lens wrote, by node. */
async function keysByNode(): Promise<string[][]> {
  return Promise.all(
    cluster.ports.map(async (port) => {
      const node = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
      try {
        await node.connect();
        return await node.keys('celery-lens:*');
      } finally {
        node.disconnect();
      }
    }),
  );
}

describe('--store on a Redis Cluster', () => {
  it('records, indexes, counts and searches tasks whose keys live on every node; goals work', async () => {
    const admin = backend.client();
    const ids = Array.from({ length: 30 }, () => randomUUID());
    const at = Date.now() / 1000;
    // One task.multi message of many tasks: one consumer batch, keys on all three nodes.
    await publishEvents(
      admin,
      0,
      ids.flatMap((uuid, i) => [
        { type: 'task-received', uuid, name: 'cluster.job', timestamp: at + i / 1000, hostname: 'w1@h' },
        { type: 'task-started', uuid, timestamp: at + i / 1000 + 0.01, hostname: 'w1@h' },
      ]),
    );
    for (const [i, id] of ids.entries()) {
      const failed = i % 10 === 0;
      await writeMeta(
        admin,
        { status: failed ? 'FAILURE' : 'SUCCESS', result: failed ? failure : i, name: 'cluster.job' },
        { id },
      );
    }
    const goal = `job:${randomUUID()}`;
    expect((await execute(app, Goal, { key: goal, taskId: ids[0] as string })).errors).toBeUndefined();
    await until(async () => {
      const { data } = await execute(app, Everything, { id: ids[29] as string, goal });
      return data?.searchTasks.edges.length === 30 && data.task?.lastOutcome !== null;
    }, 15_000);
    const { data, errors } = await execute(app, Everything, { id: ids[29] as string, goal });
    expect(errors).toBeUndefined();
    expect(data?.task).toMatchObject({ state: 'SUCCESS', timeline: [{ type: 'RECEIVED' }, { type: 'STARTED' }] });
    expect(data?.goal).toEqual({ status: 'PENDING', attempts: [{ id: ids[0] }], currentTask: { id: ids[0] } });
    expect(new Set(data?.searchTasks.edges.map((edge) => edge.node.id))).toEqual(new Set(ids));
    expect(data?.failures.edges).toEqual([{ node: { name: 'cluster.job', exceptionType: 'ValueError', count: 3 } }]);
    expect(data?.taskStats.groups).toEqual([{ key: 'cluster.job', total: 30 }]);
    expect(app.consumer?.failed).toBe(0);
    const byNode = await keysByNode();
    // The timelines spread over the three primaries; the goal's two keys share a slot.
    expect(byNode.map((keys) => keys.some((key) => key.startsWith('celery-lens:t:')))).toEqual([true, true, true]);
    // So does the index, in 8 shards (--index-shards auto on a cluster), each under a tag of its own.
    expect(byNode.map((keys) => keys.some((key) => key.startsWith('celery-lens:{ix:')))).toEqual([true, true, true]);
    // Under the one-shard tag only the shard count the process recorded (store/index/index-layout.ts).
    const unsharded = byNode.flat().filter((key) => key.startsWith('celery-lens:{ix}:'));
    expect(unsharded.filter((key) => key !== 'celery-lens:{ix}:shards')).toEqual([]);
    const goalKeys = byNode.flat().filter((key) => key.includes(goal));
    expect(goalKeys.sort()).toEqual([`celery-lens:goal-attempts:{${goal}}`, `celery-lens:goal:{${goal}}`]);
    expect(new Set(goalKeys.map(keySlot)).size).toBe(1);
    expect(byNode.flat().some((key) => key.startsWith('celery-lens:{states}:'))).toBe(true);
    expect(await admin.keys('celery-lens*')).toEqual([]);
  });

  it('tells taskEvents subscribers through the cluster pub/sub', async () => {
    const client = wsClient(app.url);
    try {
      const sub = subscribe(client, Live, {});
      const id = randomUUID();
      // The feed's subscription may still be on its way: publish until the first change is heard.
      await until(async () => {
        await writeMeta(backend.client(), { status: 'SUCCESS', result: 1, name: 'cluster.live' }, { id });
        return sub.events.length > 0;
      }, 15_000);
      expect(sub.events[0]).toEqual({ taskEvents: { id, status: 'SUCCEEDED' } });
      sub.stop();
    } finally {
      await client.dispose();
    }
  });

  it("works under the least-privilege user 'celery-lens acl' prints for a cluster store", async () => {
    const password = randomUUID();
    const nodes = cluster.ports.map((port) => `127.0.0.1:${port}`).join(',');
    const url = `redis+cluster://celery-lens:${password}@${nodes}`;
    const [command, ...args] = storeAclRule(loadConfig(['--store', url], {}), 'celery-lens', password);
    for (const port of cluster.ports) {
      const node = new Redis({ port, host: '127.0.0.1' });
      await node.call(command as string, ...args);
      node.disconnect();
    }
    const restricted = await startApp(backend.url(), ['--store', url]);
    try {
      await until(async () => (await restricted.yoga.fetch('http://yoga/readyz')).status === 200, 20_000);
      const [id, goal] = [randomUUID(), `job:${randomUUID()}`];
      await writeMeta(backend.client(), { status: 'SUCCESS', result: 1, name: 'cluster.acl' }, { id });
      expect((await execute(restricted, Goal, { key: goal, taskId: id })).errors).toBeUndefined();
      const { data, errors } = await execute(restricted, Everything, { id, goal });
      expect(errors).toBeUndefined();
      expect(data?.goal).toMatchObject({ status: 'PENDING', currentTask: { id } });
      expect(restricted.logs.filter((line) => line.includes('NOPERM'))).toEqual([]);
    } finally {
      await restricted.stop();
    }
  });

  it("answers batches sent while a node's connection is still opening, its first use", async () => {
    const url = `redis+cluster://${cluster.ports.map((port) => `127.0.0.1:${port}`).join(',')}`;
    const settings = { commandTimeoutMs: 5000, connectionName: 'first-use', role: 'store' } as const;
    const client = createCluster(parseStoreUrl(url), settings);
    try {
      await client.connect();
      // ioredis opens a node's connection on its first command: connect() leaves one node at least unopened.
      const fresh = client.nodes('master').find((node) => node.status === 'wait');
      expect(fresh).toBeDefined();
      const on = `127.0.0.1:${fresh?.options.port}`;
      const tag = Array.from({ length: 1000 }, (_, i) => `first-use-${i}`).find(
        (candidate) => client.slots[keySlot(candidate)]?.[0] === on,
      );
      const [a, b] = [`celery-lens:{${tag}}:a`, `celery-lens:{${tag}}:b`];
      // The first batch opens the connection; the others reach the node while it is still connecting.
      const [first, second, transaction, single] = await Promise.all([
        client.pipeline().set(a, '1').get(a).exec(),
        client.pipeline().get(a).get(b).exec(),
        client.multi().set(b, '2').get(b).exec(),
        client.get(a),
      ]);
      const errors = [first, second, transaction].flatMap((replies) =>
        (replies ?? []).map(([error]) => error?.message),
      );
      expect(errors).toEqual(Array(6).fill(undefined));
      expect(first).toEqual([
        [null, 'OK'],
        [null, '1'],
      ]);
      expect(transaction?.[1]).toEqual([null, '2']);
      expect([null, '1']).toContain(single);
    } finally {
      client.disconnect();
    }
  });

  it('computes key slots as Redis does (CLUSTER KEYSLOT), hash tags included', async () => {
    const node = new Redis({ port: cluster.ports[0], host: '127.0.0.1' });
    try {
      for (const key of ['a', 'celery-lens:task:x', 'x{tag}y', '{}', 'foo{}{bar}', 'goal:{k}z'])
        expect(keySlot(key)).toBe(await node.cluster('KEYSLOT', key));
    } finally {
      node.disconnect();
    }
  });
});
