/**
 * JSON POSTs over a real port at their edges: a chunked body past
 * --max-body-bytes, a client that leaves halfway through its body, and a
 * subscription sent as a plain JSON POST (streamed as SSE as it happens).
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';

const lens = useLens();
let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  app = await startApp(lens.redis.url(), ['--max-body-bytes', '8192']);
});
afterAll(async () => {
  await app?.stop();
});

const json = (value: unknown) => JSON.stringify(value);

describe('a JSON POST', () => {
  it('refuses a chunked body past --max-body-bytes with 413 before parsing it', async () => {
    const big = new TextEncoder().encode(json({ query: `{ __typename } # ${'x'.repeat(20_000)}` }));
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // A stream body is sent chunked, with no Content-Length to refuse it by.
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(big);
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      errors: [{ extensions: { code: 'REQUEST_TOO_LARGE', limit: 8192 } }],
    });
  });

  it('lets a client leave halfway through its body: nothing logged as an error, and it goes on serving', async () => {
    const { port, pathname } = new URL(app.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST ${pathname} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"query":`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await until(() => socket.closed);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(app.logs.filter((line) => line.includes('unexpected error'))).toEqual([]);
    const after = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json({ query: '{ __typename }' }),
    });
    expect(await after.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('streams a subscription sent with Accept */* as it happens, not when it ends', async () => {
    const id = randomUUID();
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: '*/*' },
      body: json({ query: `subscription { task(id: "${id}") { id state } }` }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('"PENDING"')) text += decoder.decode((await reader.read()).value);
    await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 1 }, { id });
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value);
    expect(text).toMatch(/"PENDING"[\s\S]*"SUCCESS"[\s\S]*event: complete/);
  });
});
