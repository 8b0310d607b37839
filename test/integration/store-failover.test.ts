/**
 * A store on a Redis Cluster with replicas: a manual failover of a primary
 * holding shards of the task index (its replica promoted) while the consumer records a
 * stream of tasks loses no index entry; celery-lens follows the new primary
 * (MOVED) without a restart.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot, SLOTS } from '../../src/redis/key-slot.ts';
import { graphql } from '../gql/index.js';
import type { startApp } from '../helpers/app.ts';
import { publishEvents, writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import type { RedisCluster } from '../helpers/redis-cluster.ts';
import { CLUSTER_SHARDS, type ClusterStore, heldEntries, startClusterStore } from '../helpers/cluster-store.ts';
import type { RedisServer } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const Count = graphql(`
  query FailoverCount { taskStats(by: NAME) { groups { key total byStatus { status count } } } }
`);

let cluster: RedisCluster;
let backend: RedisServer;
let app: Awaited<ReturnType<typeof startApp>>;

let store: ClusterStore | undefined;
beforeAll(async () => {
  store = await startClusterStore({ replicas: true });
  ({ cluster, backend, app } = store);
}, 120_000);
afterAll(() => store?.stop());

describe('--store on a Redis Cluster, failover', () => {
  it("loses no index entry when the index' primary fails over to its replica", async () => {
    const admin = backend.client();
    // The primary serving the index' first shard's slot (the helper gives each primary a contiguous third), and its shards.
    const shards = CLUSTER_SHARDS;
    const nodeOf = (prefix: string) => Math.floor((keySlot(`${prefix}all`) * 3) / SLOTS);
    const indexNode = nodeOf(shards[0] as string);
    const held = shards.flatMap((prefix, s) => (nodeOf(prefix) === indexNode ? [s] : []));
    const ids: string[] = [];
    const batch = async () => {
      const batchIds = Array.from({ length: 10 }, () => randomUUID());
      ids.push(...batchIds);
      const at = Date.now() / 1000;
      await publishEvents(
        admin,
        0,
        batchIds.map((uuid) => ({ type: 'task-received', uuid, name: 'failover.job', timestamp: at, hostname: 'w@h' })),
      );
      for (const id of batchIds) await writeMeta(admin, { status: 'SUCCESS', result: 1, name: 'failover.job' }, { id });
    };
    for (let i = 0; i < 5; i += 1) await batch();
    const failingOver = cluster.failover(indexNode);
    for (let i = 0; i < 15; i += 1) await batch();
    await failingOver;
    for (let i = 0; i < 5; i += 1) await batch();
    const total = async () => {
      const { data } = await execute(app, Count);
      return data?.taskStats.groups.find((group) => group.key === 'failover.job');
    };
    await until(async () => (await total())?.total === ids.length, 20_000).catch(() => {});
    expect(await total()).toEqual({
      key: 'failover.job',
      total: ids.length,
      byStatus: [{ status: 'SUCCEEDED', count: ids.length }],
    });
    // The promoted replica holds its shards now, every entry of theirs in them: written there after the failover, or replicated before.
    const promoted = await heldEntries(cluster.replicaPorts[indexNode] as number, held, ids);
    expect(promoted.role).toBe('master');
    expect(promoted.entries).toBe(promoted.expected);
    console.info(`failover: ${app.consumer?.failed ?? 0} consumer batches failed, ${ids.length} tasks indexed`);
  });
});
