/**
 * The RabbitMQ broker (src/broker/amqp/) against the machine's RabbitMQ, in a
 * vhost of this file's own, and a real Celery 5.2.6 worker on it: what
 * celery-lens publishes is what Celery's own client publishes through py-amqp
 * (compared byte for byte through a frame tap, where the bytes are not the
 * sender's own), workers act on it, and Celery's events come in as Celery's
 * EventReceiver hears them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpBroker } from '../../src/broker/amqp/amqp-broker.ts';
import { AmqpConnection } from '../../src/broker/amqp/amqp-connection.ts';
import { AmqpEvents } from '../../src/broker/amqp/amqp-events.ts';
import { parseAmqpUrl } from '../../src/broker/amqp/amqp-url.ts';
import type { EventBatch, EventSink } from '../../src/broker/broker.ts';
import { type CeleryEvent, decodeEvents } from '../../src/celery/events.ts';
import type { Sender, TaskCall } from '../../src/celery/outgoing-messages.ts';
import { type AmqpTap, type TappedPublish, splitProperties, startAmqpTap } from '../helpers/amqp-tap.ts';
import { type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { type Vhost, createVhost } from '../helpers/rabbitmq.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const IDLE = 'amqp-idle'; // a queue no worker consumes
let vhost: Vhost;
let redis: RedisServer;
let worker: CeleryWorker;
let tap: AmqpTap;
const leftovers: (() => Promise<unknown>)[] = [];
const env = (port?: number) => ({
  brokerUrl: port === undefined ? vhost.url() : vhost.url().replace(':5672/', `:${port}/`),
  backendUrl: redis.url(0),
});

async function open(url = vhost.url()) {
  const connection = new AmqpConnection(parseAmqpUrl(url), { connectionName: 'celery-lens-test', timeoutMs: 3000 });
  leftovers.push(() => connection.close());
  await connection.start();
  await until(() => connection.up);
  return connection;
}

/** A sink that decodes and keeps every event, acking each batch. */
function collector() {
  const events: CeleryEvent[] = [];
  const states: boolean[] = [];
  let gaps = 0;
  const sink: EventSink = {
    deliver(batch: EventBatch) {
      for (const message of batch.messages) events.push(...decodeEvents(message));
      batch.ack();
    },
    gap: () => {
      gaps += 1;
    },
    state: (up) => states.push(up),
    refused: () => {},
  };
  return { sink, events, states, gaps: () => gaps };
}

const call = (overrides: Partial<TaskCall> = {}): TaskCall => ({
  id: randomUUID(),
  name: 'lens.add',
  args: [2, 3],
  kwargs: {},
  queue: 'celery',
  eta: null,
  expires: null,
  priority: null,
  ...overrides,
});

beforeAll(async () => {
  await ensureCelery();
  [vhost, redis] = await Promise.all([createVhost(), startRedis()]);
  tap = await startAmqpTap();
  worker = await startWorker({ ...env(), pool: 'prefork', concurrency: 1 });
}, 90_000);
afterAll(async () => {
  for (const dispose of leftovers.reverse()) await dispose().catch(() => {});
  await worker?.stop();
  await tap?.close();
  await redis?.stop();
  await vhost?.delete();
});

describe('messages as Celery publishes them through py-amqp', () => {
  /** Celery's publishes of one send_task, and ours of the same call with Celery's process fields. */
  async function both(request: Record<string, unknown>, overrides: Partial<TaskCall>) {
    const before = tap.publishes.length;
    await celery('send_task', request, env(tap.port));
    const python = tap.publishes.slice(before);
    const task = python.find((p) => p.exchange === '') as TappedPublish;
    const sentEvent = python.find((p) => p.routingKey === 'task.sent') as TappedPublish;
    const event = JSON.parse(sentEvent.body.toString()) as Record<string, unknown>;
    const sender: Sender = {
      nodename: event.hostname as string,
      pid: event.pid as number,
      replyTo: splitProperties(task.properties).replyTo as string,
      deliveryTag: randomUUID,
      tick: () => event.clock as number,
      now: () => new Date((event.timestamp as number) * 1000),
    };
    const connection = await open(vhost.url().replace(':5672/', `:${tap.port}/`));
    const broker = new AmqpBroker(connection, { queues: ['celery'] }, null, sender);
    const ours = tap.publishes.length;
    await broker.sendTask(call({ id: request.task_id as string, ...overrides }), async () => {});
    const lens = tap.publishes.slice(ours);
    await connection.close();
    return { python: [task, sentEvent], lens, event };
  }

  it('a task message: the same exchange, routing key, properties and body bytes', async () => {
    const id = randomUUID();
    const { python, lens } = await both(
      { name: 'lens.add', args: [2, 3], kwargs: { a: 'b' }, task_id: id, queue: IDLE },
      { args: [2, 3], kwargs: { a: 'b' }, queue: IDLE },
    );
    expect(lens).toHaveLength(2);
    const [task, ours] = [python[0] as TappedPublish, lens[0] as TappedPublish];
    expect({ exchange: ours.exchange, routingKey: ours.routingKey }).toEqual({ exchange: '', routingKey: IDLE });
    expect(ours.properties.toString('hex')).toBe(task.properties.toString('hex'));
    expect(ours.body.toString()).toBe(task.body.toString());
  });

  it('with expires and a priority: the same bytes but the ms left in `expiration`', async () => {
    const id = randomUUID();
    const expires = new Date(Date.now() + 60_000);
    const { python, lens } = await both(
      {
        name: 'lens.add',
        args: [1],
        kwargs: {},
        task_id: id,
        queue: IDLE,
        expires: expires.toISOString(),
        priority: 5,
      },
      { args: [1], queue: IDLE, expires, priority: 5 },
    );
    const [task, ours] = [python[0] as TappedPublish, lens[0] as TappedPublish];
    // expiration (ms left, as a string) is the last property: all before it is the same.
    const [mine, theirs] = [splitProperties(ours.properties), splitProperties(task.properties)];
    expect(mine).toEqual({ ...theirs, expiration: mine.expiration });
    expect(Number(mine.expiration)).toBeGreaterThan(50_000);
    const cut = (bytes: Buffer, p: typeof mine) =>
      bytes.subarray(0, bytes.length - 1 - (p.expiration as string).length);
    expect(cut(ours.properties, mine).toString('hex')).toBe(cut(task.properties, theirs).toString('hex'));
    expect(ours.body.toString()).toBe(task.body.toString());
  });

  it('its task-sent event: the same properties, and the same body but for when and who', async () => {
    const { python, lens } = await both(
      { name: 'lens.add', args: [4, 5], task_id: randomUUID(), queue: IDLE },
      { args: [4, 5], queue: IDLE },
    );
    const [event, ours] = [python[1] as TappedPublish, lens[1] as TappedPublish];
    expect({ exchange: ours.exchange, routingKey: ours.routingKey }).toEqual({
      exchange: 'celeryev',
      routingKey: 'task.sent',
    });
    expect(ours.properties.toString('hex')).toBe(event.properties.toString('hex'));
    expect(ours.body.toString()).toBe(
      event.body
        .toString()
        .replace(/"timestamp": [0-9.]+/, `"timestamp": ${JSON.parse(ours.body.toString()).timestamp}`),
    );
  });

  it('a revoke broadcast: the same bytes but the expiry time', async () => {
    const id = randomUUID();
    const before = tap.publishes.length;
    await celery('revoke', { ids: [id] }, env(tap.port));
    const python = tap.publishes.slice(before).find((p) => p.exchange === 'celery.pidbox') as TappedPublish;
    const clock = python.properties.readUInt32BE(python.properties.indexOf('clock') + 6);
    const connection = await open(vhost.url().replace(':5672/', `:${tap.port}/`));
    const sender: Sender = {
      nodename: 'x',
      pid: 1,
      replyTo: 'x',
      deliveryTag: randomUUID,
      tick: () => clock,
      now: () => new Date(),
    };
    const ours = tap.publishes.length;
    expect(await new AmqpBroker(connection, { queues: [] }, null, sender).revoke([id], false, 'SIGTERM')).toBe(1);
    const lens = tap.publishes[ours] as TappedPublish;
    await connection.close();
    expect({ exchange: lens.exchange, routingKey: lens.routingKey }).toEqual({
      exchange: 'celery.pidbox',
      routingKey: '',
    });
    // The expiry is the double after "expires" and its 'd' tag.
    const masked = (bytes: Buffer) => {
      const at = bytes.indexOf('expires') + 8;
      return Buffer.concat([bytes.subarray(0, at), Buffer.alloc(8), bytes.subarray(at + 8)]).toString('hex');
    };
    expect(masked(lens.properties)).toBe(masked(python.properties));
    expect(lens.body.toString()).toBe(python.body.toString());
  });
});

describe('a worker on RabbitMQ', () => {
  it('runs what celery-lens sends, and its events come in as the EventReceiver hears them', async () => {
    const connection = await open();
    const events = new AmqpEvents(connection);
    const heard = collector();
    leftovers.push(async () => events.subscribe(heard.sink)());
    events.subscribe(heard.sink);
    await until(() => events.health().up, 10_000);
    const queues = await vhost.queues();
    expect([...queues.keys()]).toContain(events.queue);
    const broker = new AmqpBroker(connection, { queues: ['celery'] }, events);
    const task = call({ args: [20, 22] });
    await broker.sendTask(task, async () => {});
    const [view] = await celery<{ state: string; result: unknown }[]>('wait', { ids: [task.id] }, env());
    expect(view).toMatchObject({ state: 'SUCCESS', result: 42 });
    const types = () => heard.events.filter((e) => e.kind === 'task' && e.taskId === task.id).map((e) => e.type);
    await until(() => types().includes('task-succeeded'), 10_000);
    // Its task-sent follows the confirmed message; the worker's events may come first (the timeline orders by time).
    expect(types().sort()).toEqual(['task-received', 'task-sent', 'task-started', 'task-succeeded']);
    await until(() =>
      heard.events.some((e) => e.kind === 'worker' && e.hostname.startsWith(worker.hostname.split('@')[0] as string)),
    );
  });

  it('several replicas each hear every event, each on a queue of its own', async () => {
    const replicas = await Promise.all(
      [1, 2].map(async () => {
        const events = new AmqpEvents(await open());
        const heard = collector();
        leftovers.push(async () => events.subscribe(heard.sink)());
        events.subscribe(heard.sink);
        await until(() => events.health().up, 10_000);
        return { events, heard };
      }),
    );
    expect(new Set(replicas.map(({ events }) => events.queue)).size).toBe(2);
    const [sent] = await celery<{ id: string }[]>('send', [{ task: 'add', args: [1, 1] }], env());
    const ended = (heard: ReturnType<typeof collector>) =>
      heard.events.some((e) => e.kind === 'task' && e.taskId === sent?.id && e.type === 'task-succeeded');
    await until(() => replicas.every(({ heard }) => ended(heard)), 20_000);
  });

  it("declares its event queue with Celery's event_queue_ttl and event_queue_expires, auto-deleted", async () => {
    const { rabbitmqctl } = await import('../helpers/rabbitmq.ts');
    const connection = await open();
    const events = new AmqpEvents(connection);
    const stop = events.subscribe(collector().sink);
    await until(() => events.health().up, 10_000);
    const row = (
      await rabbitmqctl(
        '-q',
        'list_queues',
        '-p',
        vhost.name,
        '--no-table-headers',
        'name',
        'auto_delete',
        'durable',
        'arguments',
      )
    )
      .split('\n')
      .find((line) => line.startsWith(events.queue));
    expect(row).toMatch(/\ttrue\tfalse\t/);
    expect(row).toMatch(/x-message-ttl.*5000/);
    expect(row).toMatch(/x-expires.*60000/);
    stop();
    await connection.close();
    await until(async () => !(await vhost.queues()).has(events.queue), 10_000);
  });
});

describe('queue lengths', () => {
  it('counts what kombu counts, a queue with x-max-priority once, and a missing queue as empty', async () => {
    const connection = await open();
    // As a worker with task_queue_max_priority = 10 declares its queue: one queue on RabbitMQ, whatever the priorities.
    await connection.withChannel(async (channel) => {
      await channel.assertQueue('amqp-prio', { durable: true, maxPriority: 10 });
    }, 'declare');
    const broker = new AmqpBroker(connection, { queues: ['amqp-prio', IDLE, 'amqp-missing'] });
    for (const priority of [0, 5, 9, null])
      await broker.sendTask(call({ queue: 'amqp-prio', priority }), async () => {});
    const lengths = await broker.readQueues();
    const sizes = await celery<Record<string, number>>('sizes', { queues: ['amqp-prio', IDLE] }, env());
    expect(lengths.map(({ name, lists }) => [name, lists.map((list) => list.length)])).toEqual([
      ['amqp-prio', [sizes['amqp-prio']]],
      [IDLE, [sizes[IDLE]]],
      ['amqp-missing', [0]],
    ]);
    expect(sizes['amqp-prio']).toBe(4);
    expect((await vhost.queues()).has('amqp-missing')).toBe(false);
  });
});
