/**
 * Queue lengths on a RabbitMQ broker (a vhost of this file's own) read
 * through RabbitMQ's management HTTP API (`--broker-api`, as Flower reads
 * them), against the same counts by passive declare; and the oldest waiting
 * message's age, from the task-sent event of the oldest task still queued
 * (sent, not yet received by a worker), with a real Celery 5.2.6 worker.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpBroker } from '../../src/broker/amqp/amqp-broker.ts';
import { AmqpConnection } from '../../src/broker/amqp/amqp-connection.ts';
import { ManagementQueueCounts } from '../../src/broker/amqp/amqp-management.ts';
import { parseAmqpUrl, parseBrokerApi } from '../../src/broker/amqp/amqp-url.ts';
import type { TaskCall } from '../../src/celery/outgoing-messages.ts';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryEnv, type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { type Vhost, createVhost, ensureManagementApi } from '../helpers/rabbitmq.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const Queues = graphql(`
  query AmqpQueueLengths {
    queues { name length oldestTaskId oldestAgeSeconds }
  }
`);
const Timeline = graphql(`
  query AmqpQueuedTimeline($id: ID!) {
    task(id: $id) { sentAt timeline { type } }
  }
`);

const PRIO = 'amqp-q-prio'; // declared with x-max-priority, no worker
const WORK = 'amqp-q-work'; // one worker, one process
const MISSING = 'amqp-q-missing'; // never declared
let api: string;
let vhost: Vhost;
let redis: RedisServer;
let worker: CeleryWorker;
let connection: AmqpConnection;
let app: Awaited<ReturnType<typeof startApp>>;
const env = (): CeleryEnv => ({ brokerUrl: vhost.url(), backendUrl: redis.url(0) });

const call = (queue: string, priority: number): TaskCall => ({
  id: randomUUID(),
  name: 'lens.add',
  args: [1, priority],
  kwargs: {},
  queue,
  eta: null,
  expires: null,
  priority,
});

async function queues() {
  const { data, errors } = await execute(app, Queues);
  expect(errors).toBeUndefined();
  return data!.queues;
}

beforeAll(async () => {
  await ensureCelery();
  [api, vhost, redis] = await Promise.all([ensureManagementApi(), createVhost(), startRedis()]);
  worker = await startWorker({ ...env(), pool: 'prefork', concurrency: 1, queues: [WORK] });
  connection = new AmqpConnection(parseAmqpUrl(vhost.url()), { connectionName: 'celery-lens-test', timeoutMs: 3000 });
  await connection.start();
  await until(() => connection.up);
  app = await startApp(redis.url(0), [
    '--broker',
    vhost.url(),
    '--broker-api',
    api,
    '--queues',
    [PRIO, WORK, MISSING].join(','),
  ]);
  await until(async () => (await (await app.yoga.fetch('http://yoga/readyz')).json()).status === 'ok', 20_000);
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await connection?.close();
  await worker?.stop();
  await redis?.stop();
  await vhost?.delete();
});

describe('queue lengths through the management API', () => {
  it('counts what a passive declare counts, an x-max-priority queue once, a missing queue as empty', async () => {
    // As a worker with task_queue_max_priority = 10 declares its queue: one queue on RabbitMQ.
    await connection.withChannel((channel) => channel.assertQueue(PRIO, { durable: true, maxPriority: 10 }), 'declare');
    const broker = new AmqpBroker(connection, { queues: [PRIO, WORK, MISSING] });
    for (const priority of [0, 5, 9]) await broker.sendTask(call(PRIO, priority), async () => {});
    // RabbitMQ refreshes the API's counts every collect_statistics_interval (5 s).
    await until(async () => (await queues()).find((q) => q.name === PRIO)?.length === 3, 15_000);
    const declared = await broker.readQueues();
    expect((await queues()).map(({ name, length }) => ({ name, length }))).toEqual(
      declared.map(({ name, lists }) => ({ name, length: lists[0]!.length })),
    );
    expect((await queues()).map(({ length }) => length)).toEqual([3, 0, 0]);
    expect((await vhost.queues()).has(MISSING)).toBe(false);
  });

  it('says BROKER_UNAVAILABLE, naming the answer, when the API refuses the credentials', async () => {
    const target = parseAmqpUrl(vhost.url());
    const wrong = parseBrokerApi(api.replace('http://', 'http://guest:wrong@'), target);
    const counts = new ManagementQueueCounts(wrong, target.vhost, 3000);
    await expect(counts.messageCount(PRIO)).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE', message: /401/ });
  });
});

describe("the oldest waiting message's age on RabbitMQ", () => {
  it('is the oldest task sent and not yet received by a worker, then none once the queue is empty', async () => {
    // Busy until terminated below: the queue must keep waiting messages however slow this machine is.
    const [busy] = await celery<{ id: string }[]>('send', [{ task: 'sleep', args: [300], queue: WORK }], env());
    await until(async () => {
      const { data } = await execute(app, Timeline, { id: busy!.id });
      return data!.task!.timeline.some((entry) => entry.type === 'STARTED');
    }, 20_000);
    const before = Date.now();
    // The worker prefetches some (received: held unacked, not counted); the rest wait in the queue until the
    // sleep is terminated, however long the management API's counts lag (collect_statistics_interval, 5 s).
    const sent = await celery<{ id: string }[]>(
      'send',
      Array.from({ length: 8 }, (_, n) => ({ task: 'add', args: [n, n], queue: WORK })),
      env(),
    );
    const look = async (id: string) => (await execute(app, Timeline, { id })).data!.task!;
    let expected: string | null = null;
    await until(async () => {
      const work = (await queues()).find((q) => q.name === WORK)!;
      // Those not received yet, and the earliest send among them: tasks sent in the same millisecond (give or
      // take its rounding) tie, and the index orders a tie by id, not by the order the client sent them in.
      const waiting: { id: string; sentAt: number }[] = [];
      for (const { id } of sent) {
        const task = await look(id);
        if (!task.timeline.some((entry) => entry.type === 'RECEIVED'))
          waiting.push({ id, sentAt: Date.parse(task.sentAt ?? '') });
      }
      const first = Math.min(...waiting.map(({ sentAt }) => sentAt));
      const oldest = waiting.filter(({ sentAt }) => sentAt <= first + 1).map(({ id }) => id);
      expected = work.oldestTaskId;
      return work.length > 0 && expected !== null && oldest.includes(expected);
    }, 60_000);
    const work = (await queues()).find((q) => q.name === WORK)!;
    expect(sent.findIndex(({ id }) => id === expected)).toBeGreaterThan(0); // some were prefetched
    expect(work.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(work.oldestAgeSeconds!).toBeLessThanOrEqual((Date.now() - before) / 1000 + 1);
    // Drained: nothing waits, no oldest.
    await celery('revoke', { ids: [busy!.id], terminate: true }, env());
    await celery('wait', { ids: sent.map(({ id }) => id) }, env());
    await until(async () => (await queues()).find((q) => q.name === WORK)!.length === 0, 15_000);
    expect((await queues()).find((q) => q.name === WORK)).toMatchObject({ oldestTaskId: null, oldestAgeSeconds: null });
  }, 150_000);
});
