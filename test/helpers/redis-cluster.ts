/**
 * Starts a private Redis Cluster for a test file: three primaries on free
 * ports, each owning a third of the 16,384 slots, and with `replicas` one
 * replica each (failover() promotes one), their cluster state in a temporary
 * folder removed by stop().
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { ensureDebianPackages, runs } from './debian.ts';
import { freePort } from './redis-server.ts';
import { until } from './until.ts';

export interface RedisCluster {
  /** The primaries' ports, as started. */
  readonly ports: readonly number[];
  /** The replicas' ports, ports[i]'s at replicaPorts[i]; [] without replicas. */
  readonly replicaPorts: readonly number[];
  /**
   * CLUSTER FAILOVER on the replica of ports[index] (a manual failover: the
   * primary stops taking writes until the replica has caught up); resolves
   * once the replica is a primary.
   */
  failover(index: number): Promise<void>;
  /** An ioredis Cluster client, closed by stop(). */
  client(): Cluster;
  stop(): Promise<void>;
}

const SLOTS = 16_384;

export async function startRedisCluster(
  size = 3,
  { replicas = false }: { replicas?: boolean } = {},
): Promise<RedisCluster> {
  ensureDebianPackages(() => runs('redis-server', ['--version']), ['redis-server']);
  const dir = mkdtempSync(join(tmpdir(), 'lens-cluster-'));
  const children: ChildProcess[] = [];
  const admins: Redis[] = [];
  const clients: Cluster[] = [];
  const ports: number[] = [];
  const replicaPorts: number[] = [];
  const stop = async () => {
    for (const client of [...clients, ...admins]) client.disconnect();
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null) return Promise.resolve();
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < (replicas ? 2 * size : size); index += 1) {
      const port = await freePort();
      (index < size ? ports : replicaPorts).push(port);
      children.push(
        spawn(
          'redis-server',
          [
            ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
            ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
            ...['--cluster-node-timeout', '5000'],
          ],
          { stdio: 'ignore', cwd: dir },
        ),
      );
      const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
      admin.on('error', () => {});
      admins.push(admin);
    }
    await until(async () => {
      try {
        await Promise.all(admins.map((admin) => (admin.status === 'ready' ? admin.ping() : admin.connect())));
        return true;
      } catch {
        return false;
      }
    });
    // Each node a contiguous third of the slots, then every node meets the first.
    await Promise.all(
      admins
        .slice(0, size)
        .map((admin, index) =>
          admin.call(
            'CLUSTER',
            'ADDSLOTSRANGE',
            String(Math.floor((index * SLOTS) / size)),
            String(Math.floor(((index + 1) * SLOTS) / size) - 1),
          ),
        ),
    );
    for (const admin of admins.slice(1)) await admin.call('CLUSTER', 'MEET', '127.0.0.1', String(ports[0]));
    await until(async () => {
      const infos = await Promise.all(admins.map((admin) => admin.call('CLUSTER', 'INFO') as Promise<string>));
      return infos.every(
        (info) => info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${admins.length}`),
      );
    }, 30_000);
    // Each replica follows its primary, once it knows it.
    for (const [index, replica] of admins.slice(size).entries()) {
      const primaryId = (await admins[index]?.call('CLUSTER', 'MYID')) as string;
      await until(async () => {
        try {
          await replica.call('CLUSTER', 'REPLICATE', primaryId);
          return true;
        } catch {
          return false;
        }
      }, 30_000);
    }
    for (const replica of admins.slice(size))
      await until(
        async () => ((await replica.info('replication')) as string).includes('master_link_status:up'),
        30_000,
      );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ports,
    replicaPorts,
    async failover(index) {
      const replica = admins[size + index] as Redis;
      await replica.call('CLUSTER', 'FAILOVER');
      await until(async () => ((await replica.info('replication')) as string).includes('role:master'), 30_000);
    },
    client: () => {
      const client = new Cluster(
        ports.map((port) => ({ host: '127.0.0.1', port })),
        { redisOptions: { maxRetriesPerRequest: 1 } },
      );
      client.on('error', () => {});
      clients.push(client);
      return client;
    },
    stop,
  };
}
