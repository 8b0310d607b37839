/**
 * celery-lens with `--broker amqp://…` (RabbitMQ, a vhost of this file's
 * own) and a private Redis as result backend, against real Celery 5.2.6
 * prefork workers on the same broker: what the Redis-broker suites check
 * works the same here (timeline, search, workers, queue lengths, QUEUED,
 * sendTask, revoke of a queued task, LOST), and events come in again after
 * RabbitMQ drops celery-lens' connections.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryEnv, type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { type Vhost, createVhost } from '../helpers/rabbitmq.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const Look = graphql(`
  query AmqpLook($id: ID!) {
    task(id: $id) { state status statusReason name timeline { type } }
  }
`);
const Overview = graphql(`
  query AmqpOverview($prefix: String!) {
    workers { hostname online }
    queues { name length }
    searchTasks(filter: { namePrefix: $prefix }) { totalCount }
  }
`);
const Send = graphql(`
  mutation AmqpSend($name: String!, $args: JSON, $queue: String) {
    sendTask(name: $name, args: $args, queue: $queue) { id status }
  }
`);
const Revoke = graphql(`
  mutation AmqpRevoke($id: ID!) { revokeTask(id: $id) { id } }
`);

const IDLE = 'amqp-app-idle'; // no worker consumes it
const HEARTBEAT_S = 1;
let vhost: Vhost;
let redis: RedisServer;
let worker: CeleryWorker;
const others: CeleryWorker[] = [];
let app: Awaited<ReturnType<typeof startApp>>;
const env = (): CeleryEnv => ({ brokerUrl: vhost.url(), backendUrl: redis.url(0) });

async function look(id: string) {
  const { data, errors } = await execute(app, Look, { id });
  expect(errors).toBeUndefined();
  return data!.task!;
}

beforeAll(async () => {
  await ensureCelery();
  [vhost, redis] = await Promise.all([createVhost(), startRedis()]);
  // The worker first: it declares celeryev and the celery queue, as in most deployments.
  worker = await startWorker({ ...env(), pool: 'prefork', concurrency: 1, heartbeatInterval: HEARTBEAT_S });
  app = await startApp(redis.url(0), [
    '--broker',
    vhost.url(),
    '--queues',
    `celery,${IDLE}`,
    '--control',
    'true',
    '--send-allow',
    'lens.*',
  ]);
  await until(async () => (await (await app.yoga.fetch('http://yoga/readyz')).json()).status === 'ok', 20_000);
}, 90_000);
afterAll(async () => {
  await app?.stop();
  await Promise.all([worker, ...others].map((w) => w?.stop()));
  await redis?.stop();
  await vhost?.delete();
});

describe('celery-lens on a RabbitMQ broker', () => {
  it('records the timeline from the events, indexes the task, lists the worker, says the broker is up', async () => {
    const [sent] = await celery<{ id: string }[]>('send', [{ task: 'add', args: [2, 3] }], env());
    const id = sent?.id as string;
    await until(async () => (await look(id)).timeline.some((entry) => entry.type === 'SUCCEEDED'), 20_000);
    expect(await look(id)).toMatchObject({
      state: 'SUCCESS',
      status: 'SUCCEEDED',
      name: 'lens.add',
      timeline: [{ type: 'SENT' }, { type: 'RECEIVED' }, { type: 'STARTED' }, { type: 'SUCCEEDED' }],
    });
    await until(
      async () => ((await execute(app, Overview, { prefix: 'lens.add' })).data?.searchTasks.totalCount ?? 0) >= 1,
    );
    // The worker started first: its worker-online went out before celery-lens' event queue was bound, so
    // RabbitMQ routed it nowhere (as Redis pub/sub drops it with no subscriber). It is listed from its next
    // heartbeat, up to one interval after celery-lens began consuming, which may be after the task is done.
    const prefix = `${worker.hostname.split('@')[0]}@`;
    const listed = async () => (await execute(app, Overview, { prefix: 'lens.add' })).data?.workers ?? [];
    await until(async () => (await listed()).some((w) => w.hostname.startsWith(prefix)), HEARTBEAT_S * 3000);
    expect(await listed()).toContainEqual({ hostname: expect.stringMatching(`^${prefix}`), online: true });
    const health = (await (await app.yoga.fetch('http://yoga/healthz')).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', backend: 'up', broker: 'up', brokerError: null });
  });

  it('sends a task the worker runs, and one to an idle queue: QUEUED and counted', async () => {
    const { data: run } = await execute(app, Send, { name: 'lens.add', args: [20, 22] });
    await until(async () => (await look(run!.sendTask.id)).state === 'SUCCESS', 20_000);
    const { data: waiting, errors } = await execute(app, Send, { name: 'lens.add', args: [1, 1], queue: IDLE });
    expect(errors).toBeUndefined();
    const id = waiting!.sendTask.id;
    await until(async () => (await look(id)).status === 'QUEUED');
    expect((await execute(app, Overview, { prefix: 'x' })).data?.queues).toEqual([
      { name: 'celery', length: 0 },
      { name: IDLE, length: 1 },
    ]);
  });

  it('revokes a task waiting behind a busy worker: it never runs, REVOKED, and the worker lists it', async () => {
    const [busy] = await celery<{ id: string }[]>('send', [{ task: 'sleep', args: [2] }], env());
    await until(async () => (await look(busy?.id as string)).status === 'RUNNING', 20_000);
    const { data } = await execute(app, Send, { name: 'lens.add', args: [5, 5] });
    const id = data!.sendTask.id;
    expect((await execute(app, Revoke, { id })).errors).toBeUndefined();
    await until(async () => (await look(id)).state === 'REVOKED', 20_000);
    expect((await look(id)).timeline.map((entry) => entry.type)).not.toContain('STARTED');
    const revoked = await celery<Record<string, string[]>>('inspect_revoked', { timeout: 1 }, env());
    expect(Object.values(revoked).flat()).toContain(id);
  });

  it('says why a task nobody knows is UNKNOWN: RabbitMQ queues are not searched', async () => {
    expect(await look(randomUUID())).toMatchObject({
      status: 'UNKNOWN',
      statusReason: expect.stringContaining('task-sent event'),
    });
  });

  it('hears events again after RabbitMQ closes its connections', async () => {
    expect(await vhost.closeConnections('celery-lens test')).toBeGreaterThan(0);
    await until(async () => (await (await app.yoga.fetch('http://yoga/readyz')).json()).status === 'ok', 20_000);
    const [sent] = await celery<{ id: string }[]>('send', [{ task: 'add', args: [4, 4] }], env());
    await until(async () => (await look(sent?.id as string)).timeline.some((e) => e.type === 'SUCCEEDED'), 20_000);
  });

  it('says LOST when a worker dies mid-task', async () => {
    const doomed = await startWorker({
      ...env(),
      pool: 'prefork',
      concurrency: 1,
      queues: ['amqp-app-lost'],
      heartbeatInterval: HEARTBEAT_S,
    });
    others.push(doomed);
    const [sent] = await celery<{ id: string }[]>(
      'send',
      [{ task: 'sleep', args: [30], queue: 'amqp-app-lost' }],
      env(),
    );
    const id = sent?.id as string;
    await until(async () => (await look(id)).status === 'RUNNING', 20_000);
    await doomed.kill();
    await until(async () => (await look(id)).status === 'LOST', 15_000);
    expect((await look(id)).statusReason).toContain(doomed.hostname.split('@')[0]);
  });
});
