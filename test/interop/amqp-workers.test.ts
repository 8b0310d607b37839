/**
 * Worker inspection and control on a RabbitMQ broker (a vhost of this file's
 * own) against a real Celery 5.2.6 prefork worker: the reply queue of each
 * broadcast on `reply.celery.pidbox` brings the worker's answers (its running
 * task, pool, registered names), control commands change it, and no reply
 * queue is left behind.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryEnv, type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { amqpPermissions } from '../../src/broker/amqp/amqp-permissions.ts';
import { type Vhost, createUser, createVhost } from '../helpers/rabbitmq.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const Inspect = graphql(`
  query AmqpWorkerInspect($hostname: String!) {
    worker(hostname: $hostname) { activeTasks { id } registered queues pool { maxConcurrency processes } }
  }
`);
const Names = graphql(`
  query AmqpWorkerNames { workers { hostname online } }
`);
const Grow = graphql(`
  mutation AmqpWorkerGrow($hostname: String!) { growPool(hostname: $hostname) { hostname ok message } }
`);
const Add = graphql(`
  mutation AmqpWorkerAdd($hostname: String!, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }
`);
const Shutdown = graphql(`
  mutation AmqpWorkerShutdown($hostname: String!) { shutdownWorker(hostname: $hostname) { ok } }
`);

let vhost: Vhost;
let redis: RedisServer;
let worker: CeleryWorker;
let app: Awaited<ReturnType<typeof startApp>>;
let hostname = '';
const env = (): CeleryEnv => ({ brokerUrl: vhost.url(), backendUrl: redis.url(0) });

beforeAll(async () => {
  await ensureCelery();
  [vhost, redis] = await Promise.all([createVhost(), startRedis()]);
  worker = await startWorker({ ...env(), pool: 'prefork', concurrency: 1, heartbeatInterval: 1 });
  app = await startApp(redis.url(0), ['--broker', vhost.url(), '--control', 'true']);
  const prefix = `${worker.hostname.split('@')[0]}@`;
  await until(async () => {
    const { data } = await execute(app, Names);
    hostname = data?.workers.find((w) => w.hostname.startsWith(prefix) && w.online)?.hostname ?? '';
    return hostname !== '';
  }, 20_000);
}, 90_000);
afterAll(async () => {
  await app?.stop();
  await worker?.stop();
  await redis?.stop();
  await vhost?.delete();
});

describe('workers on a RabbitMQ broker', () => {
  it('shows a running task, the pool and registered names; grows the pool; serves an added queue; shuts down', async () => {
    const [running] = await celery<{ id: string }[]>('send', [{ task: 'sleep', args: [3] }], env());
    await until(async () => {
      const { data } = await execute(app, Inspect, { hostname });
      return data?.worker?.activeTasks?.some((task) => task.id === running!.id) ?? false;
    }, 15_000);
    const { data, errors } = await execute(app, Inspect, { hostname });
    expect(errors).toBeUndefined();
    expect(data!.worker).toMatchObject({ queues: ['celery'], pool: { maxConcurrency: 1 } });
    expect(data!.worker!.registered).toContain('lens.add');

    const grown = await execute(app, Grow, { hostname });
    expect(grown.data!.growPool).toEqual([{ hostname, ok: true, message: 'pool will grow' }]);
    await until(
      async () => (await execute(app, Inspect, { hostname })).data?.worker?.pool?.processes.length === 2,
      15_000,
    );

    const queue = `added-${randomUUID().slice(0, 8)}`;
    const added = await execute(app, Add, { hostname, queue });
    expect(added.data!.addConsumer).toEqual([{ hostname, ok: true, message: `add consumer ${queue}` }]);
    const [sent] = await celery<{ id: string }[]>('send', [{ task: 'add', args: [4, 5], queue }], env());
    const [done] = await celery<{ state: string; result: unknown }[]>('wait', { ids: [sent!.id] }, env());
    expect(done).toMatchObject({ state: 'SUCCESS', result: 9 });

    // Each broadcast's reply queue went with its channel.
    await until(async () => [...(await vhost.queues()).keys()].every((name) => !name.startsWith('celery-lens.')));

    // Under the permissions `celery-lens acl --control` prints, and no more.
    const { configure, write, read } = amqpPermissions({ queues: ['celery'], control: true });
    const user = await createUser(vhost.name, [configure, write, read]);
    const limited = await startApp(redis.url(0), [
      '--broker',
      vhost.url(user.name, user.password),
      '--control',
      'true',
    ]);
    try {
      await until(async () => (await execute(limited, Inspect, { hostname })).data?.worker != null, 15_000);
      const asked = await execute(limited, Inspect, { hostname });
      expect(asked.errors).toBeUndefined();
      expect(asked.data!.worker!.registered).toContain('lens.add');
    } finally {
      await limited.stop();
      await user.drop();
    }

    expect((await execute(app, Shutdown, { hostname })).data!.shutdownWorker).toEqual([{ ok: true }]);
    await until(async () => {
      const { data: after } = await execute(app, Names);
      return after?.workers.find((w) => w.hostname === hostname)?.online === false;
    }, 15_000);
  });
});
