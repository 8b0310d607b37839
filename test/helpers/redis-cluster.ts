/**
 * Starts a private Redis Cluster for a test file: three primaries on free
 * ports, each owning a third of the 16,384 slots, and with `replicas` one
 * replica each (failover() promotes one, kill() crashes a primary), their
 * cluster state in a temporary folder removed by stop(). `create: 'redis-cli'`
 * builds it as an operator does, with `redis-cli --cluster create …
 * --cluster-replicas 1` (which replica follows which primary is then read
 * from CLUSTER NODES).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
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
  /** SIGKILL of the primary at ports[index], as in a crash; resolves once its process is gone. */
  kill(index: number): Promise<void>;
  /** Resolves once the replica of ports[index] is a primary and the cluster says cluster_state:ok again. */
  promoted(index: number, timeoutMs?: number): Promise<void>;
  /** An ioredis Cluster client, closed by stop(). */
  client(): Cluster;
  stop(): Promise<void>;
}

const SLOTS = 16_384;

export async function startRedisCluster(
  size = 3,
  { replicas = false, create = 'commands' }: { replicas?: boolean; create?: 'commands' | 'redis-cli' } = {},
): Promise<RedisCluster> {
  ensureDebianPackages(() => runs('redis-server', ['--version']), ['redis-server']);
  const dir = mkdtempSync(join(tmpdir(), 'lens-cluster-'));
  const children: ChildProcess[] = [];
  const admins: Redis[] = [];
  const clients: Cluster[] = [];
  const ports: number[] = [];
  const replicaPorts: number[] = [];
  /** Every node's port in the order of `children` and `admins`. */
  const started: number[] = [];
  const stop = async () => {
    for (const client of [...clients, ...admins]) client.disconnect();
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
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
    started.push(...ports, ...replicaPorts);
    if (create === 'redis-cli') await createWithRedisCli(admins, ports, replicaPorts, replicas);
    else await createWithCommands(admins, ports, size);
  } catch (error) {
    await stop();
    throw error;
  }
  // By port: redis-cli pairs replicas with primaries itself, so replicaPorts may be reordered.
  const admin = (port: number) => admins[started.indexOf(port)] as Redis;
  const childOf = (port: number) => children[started.indexOf(port)] as ChildProcess;
  return {
    ports,
    replicaPorts,
    async failover(index) {
      const replica = admin(replicaPorts[index] as number);
      await replica.call('CLUSTER', 'FAILOVER');
      await until(async () => ((await replica.info('replication')) as string).includes('role:master'), 30_000);
    },
    async kill(index) {
      const child = childOf(ports[index] as number);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    async promoted(index, timeoutMs = 60_000) {
      const replica = admin(replicaPorts[index] as number);
      try {
        await until(async () => {
          const [role, state] = await Promise.all([replica.info('replication'), replica.call('CLUSTER', 'INFO')]);
          return (role as string).includes('role:master') && (state as string).includes('cluster_state:ok');
        }, timeoutMs);
      } catch (error) {
        // What the replica saw, to tell why it was not promoted.
        const seen = await Promise.all([replica.info('replication'), replica.call('CLUSTER', 'NODES')]);
        throw new Error(`${(error as Error).message}: the replica of ${ports[index]} says\n${seen.join('\n')}`);
      }
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

/**
 * `redis-cli --cluster create` of the nodes (primaries first, then replicas),
 * as an operator builds a cluster; then replicaPorts is reordered so that
 * replicaPorts[i] is the replica of ports[i] (redis-cli pairs them itself).
 */
async function createWithRedisCli(admins: Redis[], ports: number[], replicaPorts: number[], replicas: boolean) {
  const nodes = [...ports, ...replicaPorts].map((port) => `127.0.0.1:${port}`);
  await promisify(execFile)(
    'redis-cli',
    ['--cluster', 'create', ...nodes, '--cluster-replicas', replicas ? '1' : '0', '--cluster-yes'],
    { timeout: 60_000 },
  );
  await until(async () => {
    const infos = await Promise.all(admins.map((admin) => admin.call('CLUSTER', 'INFO') as Promise<string>));
    return infos.every((info) => info.includes('cluster_state:ok'));
  }, 30_000);
  if (!replicas) return;
  // "<id> <ip:port@cport> <flags> <primary id> …": each replica's primary, by port.
  const ids = new Map<string, number>();
  const following = new Map<number, string>();
  await until(async () => {
    const lines = ((await admins[0]?.call('CLUSTER', 'NODES')) as string).trim().split('\n');
    for (const line of lines) {
      const [id, address, flags, primary] = line.split(' ') as [string, string, string, string];
      const port = Number(/:(\d+)@/.exec(address)?.[1]);
      ids.set(id, port);
      if (flags.includes('slave')) following.set(port, primary);
    }
    return following.size === replicaPorts.length;
  }, 30_000);
  const byPrimary = new Map([...following].map(([replica, primary]) => [ids.get(primary), replica]));
  replicaPorts.splice(0, replicaPorts.length, ...ports.map((port) => byPrimary.get(port) as number));
  for (const replica of admins.slice(ports.length))
    await until(async () => ((await replica.info('replication')) as string).includes('master_link_status:up'), 30_000);
}

/** Slots assigned by ADDSLOTSRANGE, nodes met by CLUSTER MEET, replicas set by CLUSTER REPLICATE. */
async function createWithCommands(admins: Redis[], ports: number[], size: number) {
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
    await until(async () => ((await replica.info('replication')) as string).includes('master_link_status:up'), 30_000);
}
