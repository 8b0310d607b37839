import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApp } from '../helpers/app.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';

const lens = useLens();
let app: Awaited<ReturnType<typeof startApp>>;
beforeAll(async () => {
  app = await startApp(lens.redis.url(), [
    '--max-body-bytes',
    '2048',
    '--max-ws-connections',
    '2',
    '--max-subscriptions-per-connection',
    '2',
  ]);
});
afterAll(() => app.stop());

/** A raw graphql-transport-ws connection: sends, records messages and the close code. */
function connect(options: { answerPings?: boolean; url?: string } = {}) {
  const socket = new WebSocket((options.url ?? app.url).replace('http', 'ws'), 'graphql-transport-ws', {
    autoPong: options.answerPings ?? true,
  });
  const messages: { id?: string; type: string; payload?: unknown }[] = [];
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const acked = new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string };
      messages.push(message);
      if (message.type === 'connection_ack') resolve();
    });
  });
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
  socket.on('error', () => {});
  const subscribe = (id: string) =>
    socket.send(
      JSON.stringify({
        id,
        type: 'subscribe',
        payload: { query: `subscription { task(id: "${randomUUID()}", untilReady: false) { state } }` },
      }),
    );
  return { socket, messages, closed, acked, subscribe };
}

describe('transport limits', () => {
  it('batches only with --max-batch, up to it (413 BAD_REQUEST past it)', async () => {
    const post = async (target: Pick<typeof app, 'yoga'>, body: unknown) =>
      target.yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const op = { query: '{ backend { up } }' };
    expect((await post(app, [op, op])).status).toBe(400);
    const batching = await startApp(lens.redis.url(), ['--max-batch', '2']);
    try {
      expect(await (await post(batching, [op, op])).json()).toEqual([
        { data: { backend: { up: true } } },
        { data: { backend: { up: true } } },
      ]);
      const refused = await post(batching, [op, op, op]);
      expect(refused.status).toBe(413);
      expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    } finally {
      await batching.stop();
    }
  });

  it('refuses a body over --max-body-bytes with 413 REQUEST_TOO_LARGE', async () => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ backend { up } }', pad: 'x'.repeat(4096) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      errors: [{ extensions: { code: 'REQUEST_TOO_LARGE', limit: 2048 } }],
    });
  });

  it('caps subscriptions per connection with TOO_MANY_SUBSCRIPTIONS, and frees the slot when one completes', async () => {
    const c = connect();
    await c.acked;
    c.subscribe('1');
    c.subscribe('2');
    c.subscribe('3');
    await until(() => c.messages.some((m) => m.id === '3'));
    expect(c.messages.find((m) => m.id === '3')).toMatchObject({
      type: 'error',
      payload: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 2 } }],
    });
    c.socket.send(JSON.stringify({ id: '1', type: 'complete' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    c.subscribe('4');
    await until(() => c.messages.some((m) => m.id === '4'));
    expect(c.messages.find((m) => m.id === '4')?.type).toBe('next');
    c.socket.close();
  });

  it('answers a syntax error over WebSocket as an error of that operation; the connection stays', async () => {
    const c = connect();
    await c.acked;
    c.socket.send(JSON.stringify({ id: 'bad', type: 'subscribe', payload: { query: 'subscription { task(' } }));
    await until(() => c.messages.some((m) => m.id === 'bad'));
    expect(c.messages.find((m) => m.id === 'bad')).toMatchObject({
      type: 'error',
      payload: [{ message: expect.stringMatching(/Syntax Error/) }],
    });
    c.subscribe('good');
    await until(() => c.messages.some((m) => m.id === 'good'));
    expect(c.messages.find((m) => m.id === 'good')?.type).toBe('next');
    c.socket.close();
  });

  it('closes connections past --max-ws-connections with 4403', async () => {
    await until(() => app.wsServer.clients.size === 0);
    const [a, b] = [connect(), connect()];
    await Promise.all([a.acked, b.acked]);
    const third = connect();
    expect(await third.closed).toBe(4403);
    a.socket.close();
    b.socket.close();
  });

  it('counts only initialised connections against --max-ws-connections: raw sockets that never init keep no client out', async () => {
    await until(() => app.wsServer.clients.size === 0);
    const idle = Array.from({ length: 2 }, () => new WebSocket(app.url.replace('http', 'ws'), 'graphql-transport-ws'));
    await Promise.all(idle.map((socket) => new Promise((resolve) => socket.once('open', resolve))));
    const [a, b] = [connect(), connect()];
    const refused = (closed: Promise<number>) =>
      closed.then((code) => Promise.reject(new Error(`closed with ${code}`)));
    await Promise.race([Promise.all([a.acked, b.acked]), refused(a.closed), refused(b.closed)]);
    // The cap still holds for initialised ones.
    expect(await connect().closed).toBe(4403);
    for (const socket of [a.socket, b.socket, ...idle]) socket.close();
  });

  it("pings at --ws-idle-timeout-ms' pace, not graphql-ws' default 12 s (one keepalive)", async () => {
    const slow = await startApp(lens.redis.url(), ['--ws-idle-timeout-ms', '28000']);
    try {
      const socket = new WebSocket(slow.url.replace('http', 'ws'), 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
      const opened = Date.now();
      // Pinged every half timeout (14 s): a ping at 12 s would be a second keepalive running.
      await new Promise((resolve) => socket.once('ping', resolve));
      expect(Date.now() - opened).toBeGreaterThan(13_000);
      socket.close();
    } finally {
      await slow.stop();
    }
  }, 20_000);

  it('drops a connection that answers no ping within --ws-idle-timeout-ms', async () => {
    // An app of its own: with a 400 ms timeout, the other tests' sockets could be dropped by a stall of a loaded machine.
    const strict = await startApp(lens.redis.url(), ['--ws-idle-timeout-ms', '400']);
    try {
      const silent = connect({ answerPings: false, url: strict.url });
      await silent.acked;
      const started = Date.now();
      expect(await silent.closed).toBe(1006);
      // Pinged every 200 ms, terminated when a pong is 200 ms late: about the timeout after it fell silent
      // (far from graphql-ws' default of 12 s; the upper bound leaves room for a loaded machine).
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await strict.stop();
    }
  });
});
