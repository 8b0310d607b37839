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
    '--max-body-bytes', '2048', '--max-ws-connections', '2', '--max-subscriptions-per-connection', '2', '--ws-idle-timeout-ms', '400',
  ]);
});
afterAll(() => app.stop());

/** A raw graphql-transport-ws connection: sends, records messages and the close code. */
function connect(options: { answerPings?: boolean } = {}) {
  const socket = new WebSocket(app.url.replace('http', 'ws'), 'graphql-transport-ws', { autoPong: options.answerPings ?? true });
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
    socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: `subscription { task(id: "${randomUUID()}", untilReady: false) { state } }` } }));
  return { socket, messages, closed, acked, subscribe };
}

describe('rate limit', () => {
  it('answers RATE_LIMITED past --rate-limit per window, per caller and root field', async () => {
    const limited = await startApp(lens.redis.url(), ['--rate-limit', '3', '--rate-limit-window', '60']);
    try {
      const ask = async (query: string) =>
        (await (await limited.yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as {
          errors?: { extensions?: { code?: string } }[];
        };
      for (let i = 0; i < 3; i += 1) expect((await ask('{ backend { up } }')).errors).toBeUndefined();
      expect((await ask('{ backend { up } }')).errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 3, windowSeconds: 60 });
      // Another root field has its own budget.
      expect((await ask(`{ task(id: "${randomUUID()}") { state } }`)).errors).toBeUndefined();
    } finally {
      await limited.stop();
    }
  });
});

describe('transport limits', () => {
  it('batches only with --max-batch, up to it (413 BAD_REQUEST past it)', async () => {
    const post = async (target: Pick<typeof app, 'yoga'>, body: unknown) =>
      target.yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const op = { query: '{ backend { up } }' };
    expect((await post(app, [op, op])).status).toBe(400);
    const batching = await startApp(lens.redis.url(), ['--max-batch', '2']);
    try {
      expect(await (await post(batching, [op, op])).json()).toEqual([{ data: { backend: { up: true } } }, { data: { backend: { up: true } } }]);
      const refused = await post(batching, [op, op, op]);
      expect(refused.status).toBe(413);
      expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    } finally {
      await batching.stop();
    }
  });

  it('refuses a body over --max-body-bytes with 413 REQUEST_TOO_LARGE', async () => {
    const response = await fetch(app.url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ backend { up } }', pad: 'x'.repeat(4096) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'REQUEST_TOO_LARGE', limit: 2048 } }] });
  });

  it('caps subscriptions per connection with TOO_MANY_SUBSCRIPTIONS, and frees the slot when one completes', async () => {
    const c = connect();
    await c.acked;
    c.subscribe('1');
    c.subscribe('2');
    c.subscribe('3');
    await until(() => c.messages.some((m) => m.id === '3'));
    expect(c.messages.find((m) => m.id === '3')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 2 } }] });
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
    expect(c.messages.find((m) => m.id === 'bad')).toMatchObject({ type: 'error', payload: [{ message: expect.stringMatching(/Syntax Error/) }] });
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

  it('drops a connection that answers no ping within --ws-idle-timeout-ms', async () => {
    const silent = connect({ answerPings: false });
    await silent.acked;
    const started = Date.now();
    expect(await silent.closed).toBe(1006);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
