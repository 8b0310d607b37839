/**
 * The Redis broker's event stream (broker/redis/redis-events.ts) on a real
 * redis-server: one read's messages as one batch in publishing order, the
 * published states' pattern on the same connection routed apart, a dropped
 * connection told as down then as one gap once subscribed again, the reason
 * a stopped server gives in health(), and a PSUBSCRIBE the ACL refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatch, EventSink } from '../../src/broker/broker.ts';
import { RedisEventStream } from '../../src/broker/redis/redis-events.ts';
import { decodeEvents } from '../../src/celery/events.ts';
import { type LensRedis, createRedis } from '../../src/redis/connection.ts';
import { type PatternMessage, PatternSubscriber } from '../../src/redis/pattern-subscriber.ts';
import { parseRedisUrl } from '../../src/redis/redis-url.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

/** A kombu envelope of one event, as a worker's dispatcher PUBLISHes it. */
const envelope = (type: string, uuid: string) =>
  JSON.stringify({
    body: Buffer.from(JSON.stringify({ type, uuid, hostname: 'w1@test', timestamp: Date.now() / 1000 })).toString(
      'base64',
    ),
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers: {},
    properties: { body_encoding: 'base64' },
  });

interface Heard {
  batches: EventBatch[];
  states: boolean[];
  gaps: number;
  refusals: string[];
}

function sink(): EventSink & Heard {
  const heard: Heard = { batches: [], states: [], gaps: 0, refusals: [] };
  return Object.assign(heard, {
    deliver: (batch: EventBatch) => heard.batches.push(batch),
    gap: () => {
      heard.gaps += 1;
    },
    state: (up: boolean) => heard.states.push(up),
    refused: (error: unknown) => heard.refusals.push((error as Error).message),
  });
}

describe('the Redis event stream', () => {
  let redis: RedisServer;
  const opened: LensRedis[] = [];
  const connect = async (url: string) => {
    const connection = createRedis(parseRedisUrl(url), { commandTimeoutMs: 2000, connectionName: 'test-events' });
    connection.on('error', () => {});
    opened.push(connection);
    const subscriber = new PatternSubscriber(connection);
    return { connection, subscriber };
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const connection of opened) connection.disconnect();
    await redis.stop();
  });

  it('hands over a read as one batch, routes the results pattern apart, and tells a drop as down, then one gap', async () => {
    const { connection, subscriber } = await connect(redis.url(3));
    const events = new RedisEventStream(subscriber, 3);
    const heard = sink();
    events.subscribe(heard);
    const metas: PatternMessage[] = [];
    subscriber.add('celery-task-meta-*', {
      messages: (messages) => metas.push(...messages),
      resubscribed: () => {},
      state: () => {},
      refused: () => {},
    });
    await connection.connect();
    const client = redis.client();
    await until(async () => Number(await client.call('PUBSUB', 'NUMPAT')) === 2);
    expect(events.health()).toEqual({ up: true, reason: null });

    const published = client.pipeline();
    for (let n = 0; n < 50; n += 1) published.publish('/3.celeryev/task.started', envelope('task-started', `t${n}`));
    published.publish('celery-task-meta-t0', '{"status": "STARTED"}');
    // Another db's events: not this broker's.
    published.publish('/4.celeryev/task.started', envelope('task-started', 'elsewhere'));
    await published.exec();
    await until(() => heard.batches.flatMap((batch) => batch.messages).length === 50 && metas.length === 1);
    const decoded = heard.batches.flatMap((batch) => batch.messages.flatMap(decodeEvents));
    // In publishing order.
    expect(decoded.map((event) => (event.kind === 'task' ? event.taskId : null))).toEqual(
      Array.from({ length: 50 }, (_, n) => `t${n}`),
    );
    // One reply chunk or a few, never a call per message.
    expect(heard.batches.length).toBeLessThan(10);
    expect(metas[0]?.channel).toBe('celery-task-meta-t0');

    heard.states.length = 0;
    await client.client('KILL', 'TYPE', 'pubsub');
    await until(() => heard.gaps === 1);
    expect(heard.states).toEqual([false, true]);
    await client.publish('/3.celeryev/task.succeeded', envelope('task-succeeded', 'after'));
    const last = () => heard.batches.at(-1)?.messages.flatMap(decodeEvents)[0];
    await until(() => {
      const event = last();
      return event?.kind === 'task' && event.taskId === 'after';
    });
    expect(heard.gaps).toBe(1);
  });

  it('says why it is down, and tells a gap once the server is back', async () => {
    const { connection, subscriber } = await connect(redis.url());
    const events = new RedisEventStream(subscriber, 0);
    const heard = sink();
    events.subscribe(heard);
    await connection.connect();
    await until(() => events.health().up);
    await redis.kill();
    try {
      await until(() => !events.health().up);
      // In the user's words, whichever socket error the kill gave (lost, refused, reset).
      expect(events.health().reason).toMatch(new RegExp(`^cannot reach Redis at 127\\.0\\.0\\.1:${redis.port}: \\w`));
      expect(events.health().reason).not.toMatch(/ECONN|Stream isn't writeable/);
    } finally {
      await redis.restart();
    }
    await until(() => heard.gaps === 1, 20_000);
    expect(events.health()).toEqual({ up: true, reason: null });
  });

  it('reports a PSUBSCRIBE the ACL refuses', async () => {
    const client = redis.client();
    await client.acl('SETUSER', 'no-events', 'on', '>pw', 'resetchannels', '&celery-task-meta-*', '+@all');
    const { connection, subscriber } = await connect(`redis://no-events:pw@127.0.0.1:${redis.port}/0`);
    const heard = sink();
    new RedisEventStream(subscriber, 0).subscribe(heard);
    await connection.connect();
    await until(() => heard.refusals.length > 0);
    expect(heard.refusals[0]).toMatch(/NOPERM/);
  });
});
