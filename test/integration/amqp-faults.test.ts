/**
 * The RabbitMQ broker when RabbitMQ goes away: its connections closed by
 * `rabbitmqctl close_connection`, or the broker unreachable for a while (a
 * proxy in front of it stopped and started again on the same port, as a
 * restart looks from here). It reconnects, declares its event queue again,
 * hears events again (and says it may have missed some), and answers
 * BROKER_UNAVAILABLE meanwhile; nothing throws out of the process.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpBroker } from '../../src/broker/amqp/amqp-broker.ts';
import { AmqpConnection } from '../../src/broker/amqp/amqp-connection.ts';
import { AmqpEvents } from '../../src/broker/amqp/amqp-events.ts';
import { parseAmqpUrl } from '../../src/broker/amqp/amqp-url.ts';
import type { EventSink } from '../../src/broker/broker.ts';
import { type CeleryEvent, decodeEvents } from '../../src/celery/events.ts';
import type { TaskCall } from '../../src/celery/outgoing-messages.ts';
import { type AmqpTap, startAmqpTap } from '../helpers/amqp-tap.ts';
import { type Vhost, createVhost } from '../helpers/rabbitmq.ts';
import { until } from '../helpers/until.ts';

const IDLE = 'faults-idle';
let vhost: Vhost;
const leftovers: (() => Promise<unknown>)[] = [];

function listener() {
  const events: CeleryEvent[] = [];
  const states: boolean[] = [];
  const counts = { gaps: 0 };
  const sink: EventSink = {
    deliver(batch) {
      for (const message of batch.messages) events.push(...decodeEvents(message));
      batch.ack();
    },
    gap: () => {
      counts.gaps += 1;
    },
    state: (up) => states.push(up),
    refused: () => {},
  };
  return {
    sink,
    events,
    states,
    counts,
    sent: (id: string) => events.some((e) => e.kind === 'task' && e.taskId === id),
  };
}

async function open(url: string) {
  const connection = new AmqpConnection(parseAmqpUrl(url), {
    connectionName: 'lens-faults',
    timeoutMs: 2000,
    maxDelayMs: 500,
  });
  leftovers.push(() => connection.close());
  await connection.start();
  const events = new AmqpEvents(connection, { retryMs: 200 });
  const heard = listener();
  leftovers.push(async () => events.subscribe(heard.sink)());
  events.subscribe(heard.sink);
  const broker = new AmqpBroker(connection, { queues: [IDLE] }, events);
  await until(() => connection.up, 10_000);
  // A send declares celeryev when no worker has yet, as Celery's client does: the stream can then bind.
  await broker.sendTask(call(), async () => {});
  await until(() => heard.states.at(-1) === true, 10_000); // consuming, not only waiting for celeryev
  return { connection, events, heard, broker };
}

const call = (): TaskCall => ({
  id: randomUUID(),
  name: 'lens.add',
  args: [1, 2],
  kwargs: {},
  queue: IDLE,
  eta: null,
  expires: null,
  priority: null,
});

beforeAll(async () => {
  vhost = await createVhost();
}, 60_000);
afterAll(async () => {
  for (const dispose of leftovers.reverse()) await dispose().catch(() => {});
  await vhost?.delete();
});

describe('RabbitMQ closing the connections', () => {
  it('reconnects, declares its queue again, and hears events again', async () => {
    const { events, heard, broker } = await open(vhost.url());
    const second = call();
    await broker.sendTask(second, async () => {});
    await until(() => heard.sent(second.id));
    const queue = events.queue;
    expect(await vhost.closeConnections('celery-lens fault test')).toBeGreaterThan(0);
    await until(() => heard.states.includes(false));
    await until(() => events.health().up, 15_000);
    expect((await vhost.queues()).has(queue)).toBe(true);
    const third = call();
    await broker.sendTask(third, async () => {});
    await until(() => heard.sent(third.id));
    expect(heard.counts.gaps).toBeGreaterThanOrEqual(1);
    expect((await broker.readQueues())[0]).toMatchObject({ name: IDLE, lists: [{ length: 3 }] }); // open()'s, and two here
  });
});

describe('RabbitMQ unreachable for a while', () => {
  let tap: AmqpTap;

  it('answers BROKER_UNAVAILABLE while down, and works again once it is back', async () => {
    tap = await startAmqpTap();
    const port = tap.port;
    const { connection, events, heard, broker } = await open(vhost.url().replace(':5672/', `:${port}/`));
    await tap.close();
    await until(() => !connection.up);
    expect(broker.health()).toMatchObject({ up: false, reason: expect.stringContaining('RabbitMQ') });
    expect(events.health().up).toBe(false);
    let released = 0;
    const refusals = await Promise.all([
      broker.readQueues().catch((error: unknown) => error),
      broker.revoke([randomUUID()], false, 'SIGTERM').catch((error: unknown) => error),
      broker
        .sendTask(call(), async () => {
          released += 1;
        })
        .catch((error: unknown) => error),
    ]);
    for (const refusal of refusals) expect(refusal).toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    // Nothing was written while down: the reservation is given back.
    expect(released).toBe(1);
    tap = await startAmqpTap(port);
    leftovers.push(() => tap.close());
    await until(() => connection.up && events.health().up, 15_000);
    const back = call();
    await broker.sendTask(back, async () => {});
    await until(() => heard.sent(back.id));
    expect(await broker.revoke([back.id], false, 'SIGTERM')).toBe(0); // no worker: no pidbox exchange
  });
});
