/**
 * celery-lens with its store on a private Redis Cluster (`--store
 * redis+cluster://…`) and its result backend on a private redis-server,
 * ready (/readyz 200) when it resolves.
 */
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
