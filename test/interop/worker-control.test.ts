/**
 * Worker inspection and control against a real Celery 5.2.6 prefork worker on
 * a Redis broker: what the worker answers through the pidbox shows on its
 * Worker fields, one broadcast per command shared by every field and caller;
 * the control mutations change the worker (its pool, its queues) and shut it
 * down; the reply queue's binding and list are gone once nobody waits.
 */
import { createHash, randomUUID } from 'node:crypto';
import { type DocumentNode, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { aclRule } from '../../src/redis/acl.ts';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryEnv, type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const Inspect = graphql(`
  query WorkerInspect($hostname: String!) {
    worker(hostname: $hostname) {
      hostname online inspectedAt
      activeTasks { id } reservedTasks { id } scheduledTasks { id }
      registered queues stats conf
      pool { implementation maxConcurrency processes }
    }
  }
`);
const Hostnames = graphql(`
  query WorkerHostnames { workers { hostname online } }
`);
const Active = graphql(`
  query WorkerActive($hostname: String!) { worker(hostname: $hostname) { activeTasks { id name } } }
`);
const Pool = graphql(`
  query WorkerPool($hostname: String!) { worker(hostname: $hostname) { pool { processes } queues } }
`);
const Grow = graphql(`
  mutation WorkerGrow($hostname: String, $n: Int! = 1) { growPool(hostname: $hostname, n: $n) { hostname ok message } }
`);
const Shrink = graphql(`
  mutation WorkerShrink($hostname: String) { shrinkPool(hostname: $hostname) { hostname ok message } }
`);
const AddConsumer = graphql(`
  mutation WorkerAddConsumer($hostname: String, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }
`);
const CancelConsumer = graphql(`
  mutation WorkerCancelConsumer($hostname: String, $queue: String!) { cancelConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }
`);
const RateLimit = graphql(`
  mutation WorkerRateLimit($taskName: String!, $rateLimit: String!, $hostname: String) { setRateLimit(taskName: $taskName, rateLimit: $rateLimit, hostname: $hostname) { hostname ok message } }
`);
const TimeLimit = graphql(`
  mutation WorkerTimeLimit($taskName: String!, $soft: Float, $hard: Float, $hostname: String) { setTimeLimit(taskName: $taskName, soft: $soft, hard: $hard, hostname: $hostname) { hostname ok message } }
`);
const Autoscale = graphql(`
  mutation WorkerAutoscale($hostname: String, $max: Int!, $min: Int!) { autoscale(hostname: $hostname, max: $max, min: $min) { hostname ok message } }
`);
const RestartPool = graphql(`
  mutation WorkerRestartPool($hostname: String) { restartPool(hostname: $hostname) { hostname ok message } }
`);
const Shutdown = graphql(`
  mutation WorkerShutdown($hostname: String!) { shutdownWorker(hostname: $hostname) { hostname ok message } }
`);

const BROKER_DB = 15;
let redis: RedisServer;
let worker: CeleryWorker;
let app: Awaited<ReturnType<typeof startApp>>;
let hostname: string;
const env = (): CeleryEnv => ({ brokerUrl: redis.url(BROKER_DB), backendUrl: redis.url(0) });

/** Calls of a Redis command since the server started (INFO commandstats). */
async function calls(command: string): Promise<number> {
  const stats = (await redis.client().info('commandstats')) as string;
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? '0');
}

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
  [worker, app] = await Promise.all([
    startWorker({ ...env(), pool: 'prefork', concurrency: 1, heartbeatInterval: 1 }),
    startApp(redis.url(0), ['--broker', redis.url(BROKER_DB), '--control', 'true']),
  ]);
  const prefix = `${worker.hostname.split('@')[0]}@`;
  await until(async () => {
    const { data } = await execute(app, Hostnames);
    hostname = data?.workers.find((w) => w.hostname.startsWith(prefix) && w.online)?.hostname ?? '';
    return hostname !== '';
  }, 15_000);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await worker?.stop();
  await redis?.stop();
});

describe('worker inspection', () => {
  it('shows a running task in activeTasks, and the pool, queues, registered names, stats and conf', async () => {
    const [sent] = await celery<{ id: string }[]>('send', [{ task: 'sleep', args: [3] }], env());
    await until(async () => {
      const { data } = await execute(app, Active, { hostname });
      return data?.worker?.activeTasks?.some((task) => task.id === sent!.id) ?? false;
    }, 10_000);
    const { data, errors } = await execute(app, Inspect, { hostname });
    expect(errors).toBeUndefined();
    const inspected = data!.worker!;
    expect(inspected.activeTasks).toEqual([{ id: sent!.id }]);
    expect(inspected.reservedTasks).toEqual([]);
    expect(inspected.scheduledTasks).toEqual([]);
    expect(inspected.registered).toEqual(expect.arrayContaining(['lens.add', 'lens.sleep']));
    expect(inspected.registered!.some((name) => name.startsWith('celery.'))).toBe(false);
    expect(inspected.queues).toEqual(['celery']);
    // Celery 5.2.6's stats do not name the pool's class (5.3 adds `implementation`).
    expect(inspected.pool).toMatchObject({ implementation: null, maxConcurrency: 1 });
    expect(inspected.pool!.processes).toHaveLength(1);
    expect(inspected.stats).toMatchObject({ total: expect.any(Object), prefetch_count: expect.any(Number) });
    expect(inspected.conf).toMatchObject({ task_track_started: true });
    expect(Date.now() - Date.parse(inspected.inspectedAt!)).toBeLessThan(5000);
    await celery('wait', { ids: [sent!.id] }, env());
  });

  it('asks each command once for every field and caller while its answers are kept', async () => {
    // Past the kept answers of the test before.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const before = await calls('sadd');
    await Promise.all([1, 2, 3].map(() => execute(app, Inspect, { hostname })));
    // Seven commands (active, reserved, scheduled, registered, stats, active_queues, conf): one reply-queue binding each.
    expect((await calls('sadd')) - before).toBe(7);
  });

  it('says WORKER_NO_REPLY for a worker that does not answer, and CONTROL_DISABLED without --control', async () => {
    const response = await app.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(Grow as DocumentNode), variables: { hostname: 'nobody@nowhere' } }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('WORKER_NO_REPLY');
    const off = await startApp(redis.url(0), ['--broker', redis.url(BROKER_DB)]);
    try {
      await until(async () => (await execute(off, Active, { hostname })).data?.worker != null, 10_000);
      const result = await execute(off, Active, { hostname });
      expect(result.data?.worker?.activeTasks).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('CONTROL_DISABLED');
    } finally {
      await off.stop();
    }
  });

  it('works under the ACL user `celery-lens acl --control true` prints', async () => {
    const password = randomUUID();
    const flags = ['--broker', redis.url(BROKER_DB), '--control', 'true'];
    const [command, ...args] = aclRule(loadConfig(['--backend', redis.url(0), ...flags], {}), 'lens-workers', password);
    await redis.client().call(command as string, ...args);
    const as = (db: number) => `redis://lens-workers:${password}@127.0.0.1:${redis.port}/${db}`;
    const limited = await startApp(as(0), ['--broker', as(BROKER_DB), '--control', 'true']);
    try {
      await until(async () => (await execute(limited, Active, { hostname })).data?.worker != null, 10_000);
      const { data, errors } = await execute(limited, Inspect, { hostname });
      expect(errors).toBeUndefined();
      expect(data!.worker!.registered).toContain('lens.add');
    } finally {
      await limited.stop();
    }
  });

  it('leaves no reply binding or reply list behind once nobody waits', async () => {
    await until(
      async () => (await redis.client(BROKER_DB).smembers('_kombu.binding.reply.celery.pidbox')).length === 0,
    );
    await until(async () => (await redis.client(BROKER_DB).keys('celery-lens:pidbox-replies:*')).length === 0);
  });
});

describe('worker control', () => {
  it('grows and shrinks the pool', async () => {
    const grown = await execute(app, Grow, { hostname, n: 1 });
    expect(grown.errors).toBeUndefined();
    expect(grown.data!.growPool).toEqual([{ hostname, ok: true, message: 'pool will grow' }]);
    await until(
      async () => (await execute(app, Pool, { hostname })).data?.worker?.pool?.processes.length === 2,
      10_000,
    );
    const shrunk = await execute(app, Shrink, { hostname });
    expect(shrunk.data!.shrinkPool).toEqual([{ hostname, ok: true, message: 'pool will shrink' }]);
    await until(
      async () => (await execute(app, Pool, { hostname })).data?.worker?.pool?.processes.length === 1,
      10_000,
    );
    // Logged and counted as the task control mutations are, with the worker it was sent to.
    const line = app.logs
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry.control === 'growPool' && entry.target === hostname);
    expect(line).toMatchObject({ target: hostname, outcome: 'ok', by: expect.any(String) });
    const metrics = await (await app.yoga.fetch('http://yoga/metrics')).text();
    expect(metrics).toContain('celery_lens_control_actions_total{action="shrinkPool",outcome="ok"} 1');
  });

  it('serves a queue added by addConsumer, and stops with cancelConsumer', async () => {
    const queue = `added-${randomUUID().slice(0, 8)}`;
    const added = await execute(app, AddConsumer, { hostname, queue });
    expect(added.data!.addConsumer).toEqual([{ hostname, ok: true, message: `add consumer ${queue}` }]);
    await until(async () => (await execute(app, Pool, { hostname })).data?.worker?.queues?.includes(queue) ?? false);
    const [sent] = await celery<{ id: string }[]>('send', [{ task: 'add', args: [2, 3], queue }], env());
    const [done] = await celery<{ state: string; result: unknown }[]>('wait', { ids: [sent!.id] }, env());
    expect(done).toMatchObject({ state: 'SUCCESS', result: 5 });
    const cancelled = await execute(app, CancelConsumer, { hostname, queue });
    expect(cancelled.data!.cancelConsumer).toEqual([
      { hostname, ok: true, message: `no longer consuming from ${queue}` },
    ]);
    await until(async () => !((await execute(app, Pool, { hostname })).data?.worker?.queues?.includes(queue) ?? true));
  });

  it('sets rate and time limits, and tells what the worker refused', async () => {
    const rate = await execute(app, RateLimit, { taskName: 'lens.add', rateLimit: '10/m', hostname });
    expect(rate.data!.setRateLimit).toEqual([{ hostname, ok: true, message: 'new rate limit set successfully' }]);
    const time = await execute(app, TimeLimit, { taskName: 'lens.add', soft: 5, hard: 10, hostname });
    expect(time.data!.setTimeLimit).toEqual([{ hostname, ok: true, message: 'time limits set successfully' }]);
    const unknown = await execute(app, TimeLimit, { taskName: 'lens.nope', soft: 5, hostname });
    expect(unknown.data!.setTimeLimit).toEqual([{ hostname, ok: false, message: 'unknown task' }]);
    const restart = await execute(app, RestartPool, { hostname });
    expect(restart.data!.restartPool).toEqual([
      { hostname, ok: false, message: expect.stringContaining('Pool restarts not enabled') },
    ]);
    const scale = await execute(app, Autoscale, { hostname, max: 3, min: 1 });
    expect(scale.data!.autoscale).toEqual([
      { hostname, ok: false, message: expect.stringContaining('Autoscale not enabled') },
    ]);
    // To every worker (hostname omitted): the one there answers.
    const everyone = await execute(app, RateLimit, { taskName: 'lens.add', rateLimit: '0' });
    expect(everyone.data!.setRateLimit).toEqual([{ hostname, ok: true, message: 'new rate limit set successfully' }]);
  });

  it('shuts the worker down: it goes offline', async () => {
    const shutdown = await execute(app, Shutdown, { hostname });
    expect(shutdown.data!.shutdownWorker).toEqual([{ hostname, ok: true, message: expect.any(String) }]);
    await until(async () => {
      const { data } = await execute(app, Hostnames);
      return data?.workers.find((w) => w.hostname === hostname)?.online === false;
    }, 15_000);
    expect(worker.output()).toMatch(/Got shutdown from remote/);
  });
});

describe('without the control scope', () => {
  const hash = (key: string) => createHash('sha256').update(key).digest('hex');

  it('every control mutation is FORBIDDEN and nothing is sent', async () => {
    const quiet = await startRedis();
    const guarded = await startApp(quiet.url(0), [
      '--control',
      'true',
      '--auth',
      'true',
      '--api-keys',
      `viewer:${hash('viewer-key')}:status+payload`,
    ]);
    let stopped = false;
    try {
      const writes = async () => {
        const stats = (await quiet.client().info('commandstats')) as string;
        return ['publish', 'sadd', 'lpush'].map((c) => new RegExp(`cmdstat_${c}:calls=(\\d+)`).exec(stats)?.[1] ?? '0');
      };
      const before = await writes();
      const mutations: [DocumentNode, object][] = [
        [Grow, { hostname: 'w@h' }],
        [Shrink, { hostname: 'w@h' }],
        [Autoscale, { hostname: 'w@h', max: 2, min: 1 }],
        [AddConsumer, { hostname: 'w@h', queue: 'q' }],
        [CancelConsumer, { hostname: 'w@h', queue: 'q' }],
        [RateLimit, { taskName: 'lens.add', rateLimit: '1/s' }],
        [TimeLimit, { taskName: 'lens.add', soft: 1 }],
        [RestartPool, {}],
        [Shutdown, { hostname: 'w@h' }],
      ];
      for (const [document, variables] of mutations) {
        const response = await guarded.yoga.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': 'viewer-key' },
          body: JSON.stringify({ query: print(document), variables }),
        });
        const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
        expect(body.errors?.[0]?.extensions?.code, print(document)).toBe('FORBIDDEN');
      }
      expect(await writes()).toEqual(before);
      // Nor at its stop: a process that never asked has no reply binding to remove.
      stopped = true;
      await guarded.stop();
      const srem = (await quiet.client().info('commandstats')) as string;
      expect(srem).not.toMatch(/cmdstat_srem:/);
    } finally {
      if (!stopped) await guarded.stop();
      await quiet.stop();
    }
  });
});
