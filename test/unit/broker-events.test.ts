/**
 * The event consumer through the broker seam (broker/broker.ts' BrokerEvents):
 * a broker of its own written here (as an AMQP one would deliver: bodies with
 * their content type, acks) feeds it with no Redis at all. What the seam
 * promises: every event of a batch recorded, then the batch acked once;
 * several gaps of one turn told once; a stream going down makes the worker
 * liveness deaf; a refusal reported.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BrokerEvents, EventSink } from '../../src/broker/broker.ts';
import type { EventMessage, TaskEvent } from '../../src/celery/events.ts';
import { celeryKeys } from '../../src/celery/keys.ts';
import { EventConsumer } from '../../src/intake/event-consumer.ts';
import { WorkerLiveness } from '../../src/read/worker-liveness.ts';
import type { HistoryStorage } from '../../src/store/store.ts';
import { until } from '../helpers/until.ts';

class TestBroker implements BrokerEvents {
  sink: EventSink | null = null;
  up = true;
  subscribe(sink: EventSink): () => void {
    this.sink = sink;
    return () => {
      this.sink = null;
    };
  }
  health() {
    return { up: this.up, reason: this.up ? null : 'test broker down' };
  }
}

/** Records what it is told; a real store would write it. */
function history(): HistoryStorage & { events: TaskEvent[] } {
  const events: TaskEvent[] = [];
  return {
    events,
    recordEvents: async (batch) => {
      events.push(...batch);
    },
    recordMeta: async () => {},
    recordMetas: async () => {},
    onChildren: () => () => {},
    readChildren: async (ids) => ids.map(() => []),
    readGroupMembers: async (ids) => ids.map(() => []),
    readHistory: async () => [],
  };
}

const seconds = () => Date.now() / 1000;
const taskEvent = (type: string, id: string) => ({
  type,
  uuid: id,
  hostname: 'w1@test',
  timestamp: seconds(),
  utcoffset: 0,
  pid: 1,
  clock: 1,
});
/** An event as RabbitMQ delivers it: kombu's json serializer, the properties beside the body. */
const amqp = (body: unknown): EventMessage => ({
  body: Buffer.from(JSON.stringify(body)),
  contentType: 'application/json',
  contentEncoding: 'utf-8',
});
/** An event as kombu's Redis transport PUBLISHes it: the envelope with a base64 body. */
const envelope = (body: unknown): EventMessage => ({
  envelope: JSON.stringify({
    body: Buffer.from(JSON.stringify(body)).toString('base64'),
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers: {},
    properties: { body_encoding: 'base64', delivery_info: { exchange: 'celeryev', routing_key: 'task.multi' } },
  }),
});

describe('the event consumer on a BrokerEvents', () => {
  it('records every event of a batch, whichever transport shaped it, then acks the batch once', async () => {
    const broker = new TestBroker();
    const store = history();
    const consumer = new EventConsumer({ results: null, events: broker }, store, celeryKeys());
    const [a, b] = [randomUUID(), randomUUID()];
    let acks = 0;
    broker.sink?.deliver({
      messages: [
        amqp(taskEvent('task-received', a)),
        envelope([taskEvent('task-started', a), taskEvent('task-started', b)]),
        // Another serializer (pickle): no events, still acked with the batch.
        { body: Buffer.from('x'), contentType: 'application/x-python-serialize', contentEncoding: 'binary' },
      ],
      receivedAt: Date.now(),
      ack: () => {
        acks += 1;
      },
    });
    await until(() => acks > 0);
    expect(store.events.map((event) => [event.type, event.taskId])).toEqual([
      ['task-received', a],
      ['task-started', a],
      ['task-started', b],
    ]);
    expect(acks).toBe(1);
    expect(consumer.handled).toBe(3);
    expect(consumer.lastEventAt).not.toBeNull();
  });

  it('tells gaps once a turn, goes deaf while the stream is down, and reports a refused subscription', async () => {
    const broker = new TestBroker();
    const calls: string[] = [];
    const liveness = new (class extends WorkerLiveness {
      override listening(): void {
        calls.push('listening');
      }
      override deaf(): void {
        calls.push('deaf');
      }
    })();
    const reported: string[] = [];
    const consumer = new EventConsumer(
      { results: null, events: broker },
      history(),
      celeryKeys(),
      (what, error) => reported.push(`${what}: ${(error as Error).message}`),
      liveness,
    );
    let gaps = 0;
    consumer.onResubscribed = () => {
      gaps += 1;
    };
    const sink = broker.sink as EventSink;
    broker.up = false;
    sink.state(false);
    expect(consumer.connected).toBe(false);
    broker.up = true;
    sink.state(true);
    expect(consumer.connected).toBe(true);
    expect(calls).toEqual(['deaf', 'listening']);
    sink.gap();
    sink.gap();
    await until(() => gaps > 0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(gaps).toBe(1);
    sink.refused(new Error('ACCESS_REFUSED'));
    expect(reported).toEqual(['subscribe: ACCESS_REFUSED']);
  });
});
