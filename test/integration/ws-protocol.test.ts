/**
 * graphql-ws' protocol (graphql-transport-ws) as celery-lens speaks it,
 * message by message, on a raw socket: subscribe messages run in
 * src/transport/ws-operations.ts, everything else in graphql-ws' makeServer.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { released, watching } from '../helpers/watching.ts';

const lens = useLens();

interface Message {
  readonly id?: string;
  readonly type: string;
  readonly payload?: { data?: { task?: { state: string } | null }; errors?: unknown[] } & unknown[];
}

/** A raw socket: what it was sent, in order, and its close code. */
function open(init = true) {
  const socket = new WebSocket(lens.app.url.replace('http', 'ws'), 'graphql-transport-ws');
  const messages: Message[] = [];
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const acked = new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message;
      messages.push(message);
      if (message.type === 'connection_ack') resolve();
    });
    socket.once('close', (code) => reject(new Error(`closed with ${code}`)));
  });
  acked.catch(() => {});
  const opened = new Promise((resolve) => socket.once('open', resolve));
  if (init) opened.then(() => socket.send(JSON.stringify({ type: 'connection_init' }))).catch(() => {});
  const send = async (message: object) => {
    await opened;
    socket.send(JSON.stringify(message));
  };
  const subscribe = (id: string, query: string, variables?: Record<string, unknown>) =>
    send({ id, type: 'subscribe', payload: { query, ...(variables ? { variables } : {}) } });
  const of = (id: string) => messages.filter((message) => message.id === id);
  return { socket, messages, closed, acked, send, subscribe, of };
}

const WATCH = 'subscription Watch($id: ID!) { task(id: $id, untilReady: false) { state } }';

describe('graphql-ws protocol', () => {
  it('closes with 4401 on a subscribe before the connection is acknowledged', async () => {
    const client = open(false);
    await client.subscribe('1', WATCH, { id: randomUUID() });
    expect(await client.closed).toBe(4401);
  });

  it('closes with 4409 on a subscribe whose id is in use', async () => {
    const client = open();
    await client.acked;
    await client.subscribe('same', WATCH, { id: randomUUID() });
    await until(() => client.of('same').length > 0);
    await client.subscribe('same', WATCH, { id: randomUUID() });
    expect(await client.closed).toBe(4409);
  });

  it('closes with 4400 on a message that is not graphql-ws', async () => {
    const client = open();
    await client.acked;
    await client.send({ id: 'x', type: 'subscribe', payload: { query: 42 } });
    expect(await client.closed).toBe(4400);
  });

  it('answers a query with one next, then complete', async () => {
    const client = open();
    await client.acked;
    await client.subscribe('q', 'query Q($id: ID!) { task(id: $id) { state } }', { id: randomUUID() });
    await until(() => client.of('q').some((message) => message.type === 'complete'));
    expect(client.of('q').map((message) => message.type)).toEqual(['next', 'complete']);
    expect(client.of('q')[0]?.payload?.data?.task?.state).toBe('PENDING');
    client.socket.close();
  });

  it('answers a syntax error with an error message for that id alone; the socket stays open', async () => {
    const client = open();
    await client.acked;
    await client.subscribe('bad', 'subscription {');
    await until(() => client.of('bad').length > 0);
    expect(client.of('bad').map((message) => message.type)).toEqual(['error']);
    await client.subscribe('q', 'query Q($id: ID!) { task(id: $id) { state } }', { id: randomUUID() });
    await until(() => client.of('q').some((message) => message.type === 'complete'));
    client.socket.close();
  });

  it('sends each update, then complete when the server ends the subscription', async () => {
    const client = open();
    await client.acked;
    const id = randomUUID();
    await client.subscribe('s', 'subscription Done($id: ID!) { task(id: $id) { state } }', { id });
    await until(() => client.of('s').length === 1);
    const redis = lens.redis.client();
    await writeMeta(redis, { status: 'STARTED' }, { id });
    await until(() => client.of('s').length === 2);
    await writeMeta(redis, { status: 'SUCCESS', result: 1 }, { id });
    await until(() => client.of('s').some((message) => message.type === 'complete'));
    expect(client.of('s').map((message) => [message.type, message.payload?.data?.task?.state])).toEqual([
      ['next', 'PENDING'],
      ['next', 'STARTED'],
      ['next', 'SUCCESS'],
      ['complete', undefined],
    ]);
    await until(() => released(lens.app, [id]));
    client.socket.close();
  });

  it("sends nothing for a subscription after the client's complete, releases its watch, and lets the id be used again", async () => {
    const client = open();
    await client.acked;
    const [first, second] = [randomUUID(), randomUUID()];
    await client.subscribe('w', WATCH, { id: first });
    await until(() => client.of('w').length === 1);
    await client.send({ id: 'w', type: 'complete' });
    await until(() => released(lens.app, [first]));
    const redis = lens.redis.client();
    await writeMeta(redis, { status: 'STARTED' }, { id: first });
    // The same id, now for another task: what arrives for it is the new subscription's.
    await client.subscribe('w', WATCH, { id: second });
    await until(() => watching(lens.app, [second]) && client.of('w').length === 2);
    await writeMeta(redis, { status: 'RETRY' }, { id: second });
    await until(() => client.of('w').length === 3);
    expect(client.of('w').map((message) => message.payload?.data?.task?.state)).toEqual([
      'PENDING',
      'PENDING',
      'RETRY',
    ]);
    client.socket.close();
    await until(() => released(lens.app, [second]));
  });

  it('ends every subscription of a socket that closes', async () => {
    const client = open();
    await client.acked;
    const ids = [randomUUID(), randomUUID()];
    await client.subscribe('a', WATCH, { id: ids[0] });
    await client.subscribe('b', WATCH, { id: ids[1] });
    await until(() => watching(lens.app, ids));
    client.socket.terminate();
    await until(() => released(lens.app, ids));
  });
});
