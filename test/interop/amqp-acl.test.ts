/**
 * The RabbitMQ permissions `celery-lens acl` prints (broker/amqp/amqp-permissions.ts)
 * are enough, and no more: a user with exactly them, in a vhost of this
 * file's own where a real Celery worker runs, hears every event and reads the
 * queues' lengths; with --control false it cannot publish anything, with
 * --control true it sends tasks the worker runs and revokes them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpBroker } from '../../src/broker/amqp/amqp-broker.ts';
import { AmqpConnection } from '../../src/broker/amqp/amqp-connection.ts';
import { AmqpEvents } from '../../src/broker/amqp/amqp-events.ts';
import { amqpPermissions } from '../../src/broker/amqp/amqp-permissions.ts';
import { parseAmqpUrl } from '../../src/broker/amqp/amqp-url.ts';
import { type CeleryEvent, decodeEvents } from '../../src/celery/events.ts';
import type { TaskCall } from '../../src/celery/outgoing-messages.ts';
import { type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { type Vhost, createUser, createVhost } from '../helpers/rabbitmq.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const QUEUES = ['celery', 'acl-idle'];
let vhost: Vhost;
let redis: RedisServer;
let worker: CeleryWorker;
const leftovers: (() => Promise<unknown>)[] = [];
const env = () => ({ brokerUrl: vhost.url(), backendUrl: redis.url(0) });

async function asUser(control: boolean) {
  const { configure, write, read } = amqpPermissions({ queues: QUEUES, control });
  const user = await createUser(vhost.name, [configure, write, read]);
  leftovers.push(() => user.drop());
  const connection = new AmqpConnection(parseAmqpUrl(vhost.url(user.name, user.password)), {
    connectionName: 'lens-acl',
    timeoutMs: 3000,
  });
  leftovers.push(() => connection.close());
  await connection.start();
  await until(() => connection.up, 10_000);
  const events = new AmqpEvents(connection);
  const heard: CeleryEvent[] = [];
  const refused: unknown[] = [];
  const stop = events.subscribe({
    deliver(batch) {
      for (const message of batch.messages) heard.push(...decodeEvents(message));
      batch.ack();
    },
    gap: () => {},
    state: () => {},
    refused: (error) => refused.push(error),
  });
  leftovers.push(async () => stop());
  await until(() => events.health().up, 10_000);
  return { broker: new AmqpBroker(connection, { queues: QUEUES }, events), heard, refused };
}

const call = (queue = 'celery'): TaskCall => ({
  id: randomUUID(),
  name: 'lens.add',
  args: [1, 2],
  kwargs: {},
  queue,
  eta: null,
  expires: null,
  priority: null,
});

beforeAll(async () => {
  await ensureCelery();
  [vhost, redis] = await Promise.all([createVhost(), startRedis()]);
  worker = await startWorker({ ...env(), pool: 'threads', concurrency: 2 });
  // The idle queue as a Python client leaves it: declared by sending to it, one message waiting.
  await celery('send', [{ task: 'add', args: [0, 0], queue: 'acl-idle' }], env());
}, 90_000);
afterAll(async () => {
  for (const dispose of leftovers.reverse()) await dispose().catch(() => {});
  await worker?.stop();
  await redis?.stop();
  await vhost?.delete();
});

describe('with --control false: its own event queue and read on celeryev only', () => {
  it('hears every event and reads queue lengths, and can publish nothing', async () => {
    const { broker, heard, refused } = await asUser(false);
    const [sent] = await celery<{ id: string }[]>('send', [{ task: 'add', args: [1, 1] }], env());
    const id = sent?.id;
    await until(() => heard.some((e) => e.kind === 'task' && e.taskId === id && e.type === 'task-succeeded'));
    expect(refused).toEqual([]);
    const lengths = await broker.readQueues();
    expect(lengths.map(({ name, lists }) => [name, lists[0]?.length])).toEqual([
      ['celery', 0],
      ['acl-idle', 1],
    ]);
    await expect(broker.revoke([randomUUID()], false, 'SIGTERM')).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    let released = 0;
    await expect(
      broker.sendTask(call(), async () => {
        released += 1;
      }),
    ).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE', message: expect.stringMatching(/ACCESS_REFUSED|403/) });
    expect(released).toBe(1);
  });
});

describe('with --control true', () => {
  it('sends a task the worker runs, and revokes one the worker then lists', async () => {
    const { broker } = await asUser(true);
    const task = call();
    await broker.sendTask(task, async () => {});
    const [view] = await celery<{ state: string; result: unknown }[]>('wait', { ids: [task.id] }, env());
    expect(view).toMatchObject({ state: 'SUCCESS', result: 3 });
    const revoked = randomUUID();
    expect(await broker.revoke([revoked], false, 'SIGTERM')).toBe(1);
    await until(async () => {
      const answer = await celery<Record<string, string[]>>('inspect_revoked', { timeout: 1 }, env());
      return Object.values(answer).some((ids) => ids.includes(revoked));
    }, 20_000);
    // A queue outside --queues is none of its business: RabbitMQ refuses to declare it.
    const fresh = call(`acl-new-${randomUUID().slice(0, 4)}`);
    await expect(broker.sendTask(fresh, async () => {})).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
  });
});
