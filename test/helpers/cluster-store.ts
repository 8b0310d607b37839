/**
 * celery-lens with its store on a private Redis Cluster (`--store
 * redis+cluster://…`) and its result backend on a private redis-server,
 * ready (/readyz 200) when it resolves.
 */
import { Redis } from 'ioredis';
import { CLUSTER_INDEX_SHARDS } from '../../src/config/config.ts';
import { shardOf, shardPrefixes } from '../../src/store/index/index-shards.ts';
import type { startApp } from './app.ts';
import { startApp as start } from './app.ts';
import { type RedisCluster, startRedisCluster } from './redis-cluster.ts';
import { type RedisServer, startRedis } from './redis-server.ts';
import { until } from './until.ts';

export interface ClusterStore {
  readonly cluster: RedisCluster;
  readonly backend: RedisServer;
  readonly app: Awaited<ReturnType<typeof startApp>>;
  stop(): Promise<void>;
}

export async function startClusterStore(
  options: Parameters<typeof startRedisCluster>[1] = {},
  flags: readonly string[] = [],
): Promise<ClusterStore> {
  const [cluster, backend] = await Promise.all([startRedisCluster(3, options), startRedis()]);
  const nodes = cluster.ports.map((port) => `127.0.0.1:${port}`).join(',');
  const app = await start(backend.url(), ['--store', `redis+cluster://${nodes}`, ...flags]);
  await until(async () => (await app.yoga.fetch('http://yoga/readyz')).status === 200, 20_000);
  return {
    cluster,
    backend,
    app,
    stop: async () => {
      await app.stop();
      await Promise.all([cluster.stop(), backend.stop()]);
    },
  };
}

/** The index' shards on a cluster store (--index-shards auto), by their key prefixes. */
export const CLUSTER_SHARDS = shardPrefixes('celery-lens:{ix}:', CLUSTER_INDEX_SHARDS);

/**
 * What the node at `port` holds of the index' shards `held` (their numbers in
 * CLUSTER_SHARDS): its entries, the entries of `ids` those shards should hold,
 * and its replication role.
 */
export async function heldEntries(
  port: number,
  held: readonly number[],
  ids: readonly string[],
): Promise<{ entries: number; expected: number; role: string }> {
  const node = new Redis({ port, host: '127.0.0.1' });
  try {
    let entries = 0;
    for (const s of held) entries += await node.zcard(`${CLUSTER_SHARDS[s]}all`);
    const expected = ids.filter((id) => held.includes(shardOf(id, CLUSTER_SHARDS.length))).length;
    const role = /^role:(\w+)/m.exec((await node.info('replication')) as string)?.[1] ?? '';
    return { entries, expected, role };
  } finally {
    node.disconnect();
  }
}
