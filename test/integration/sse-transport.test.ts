/**
 * Subscriptions over HTTP (SSE by GET, by POST with Accept text/event-stream,
 * and by POST with no Accept) in a real process as operators run it (a
 * keep-alive every 12 s):
 * released when the client leaves, bounded when the client stops reading.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { freePort } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { watchersAt } from '../helpers/watching.ts';

const BIN = fileURLToPath(new URL('../../bin/celery-lens.mjs', import.meta.url));
const lens = useLens();
let redis: Redis;
let child: ChildProcess;
let url: string;
let port: number;

beforeAll(async () => {
  redis = lens.redis.client();
  port = await freePort();
  child = spawn(
    process.execPath,
    [BIN, 'serve', '--backend', lens.redis.url(), '--port', String(port), '--rate-limit', '0'],
    {
      stdio: 'ignore',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  url = `http://127.0.0.1:${port}/graphql`;
  await until(async () => (await fetch(url.replace('/graphql', '/readyz')).catch(() => null))?.ok === true, 20_000);
});
afterAll(() => {
  child.kill('SIGKILL');
});

// The process' live task watches: each test here holds one at most (a consuming process subscribes no task channel).
const watchers = () => watchersAt(url);

const VARIANTS = {
  GET: (query: string) => ({
    url: `${url}?query=${encodeURIComponent(query)}`,
    init: { headers: { accept: 'text/event-stream' } },
  }),
  'POST, Accept: text/event-stream': (query: string) => ({
    url,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query }),
    },
  }),
  'POST, no Accept': (query: string) => ({
    url,
    init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) },
  }),
};

describe('an abandoned SSE subscription', () => {
  for (const [name, request] of Object.entries(VARIANTS)) {
    it(`${name}: lets go of its watch as soon as the client closes`, async () => {
      const id = randomUUID();
      const { url: target, init } = request(`subscription { task(id: "${id}", untilReady: false) { state } }`);
      const controller = new AbortController();
      const response = await fetch(target, { ...init, signal: controller.signal });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      while (!text.includes('event: next')) text += new TextDecoder().decode((await reader.read()).value);
      expect(await watchers()).toBe(1);
      controller.abort();
      // The next keep-alive is 12 s away: only the close itself can release it this soon.
      await until(async () => (await watchers()) === 0, 3000);
    });
  }
});

/** A raw HTTP client that sends a subscription and then reads nothing until told to. */
function pausedClient(body: string, accept: string) {
  const socket = connect(port, '127.0.0.1');
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAccept: ${accept}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  return {
    /** Reads everything now and from here on, until `done` holds for what was read; resolves with it. */
    readUntil: (done: (text: string) => boolean) =>
      new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (done(text)) {
            socket.destroy();
            resolve(text);
          }
        });
      }),
  };
}

describe('a paused SSE reader', () => {
  for (const accept of ['text/event-stream', '*/*']) {
    it(`Accept: ${accept}: the server keeps a bounded queue, not every event`, async () => {
      const id = randomUUID();
      const query = `subscription { task(id: "${id}", untilReady: false) { rawState meta } }`;
      const client = pausedClient(JSON.stringify({ query }), accept);
      await until(async () => (await watchers()) === 1);
      // 600 updates of 50 kB: 30 MB, well past what the kernel buffers between the two sockets.
      const count = 600;
      const pad = 'p'.repeat(50_000);
      for (let step = 1; step <= count; step += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, offset) =>
            writeMeta(redis, { status: 'PROGRESS', result: { step: step + offset, pad } }, { id }),
          ),
        );
      }
      // Redis has handed every update to celery-lens (the output buffer of the connection that hears states, the
      // consumer's pattern one, is empty).
      await until(async () => /name=celery-lens-events .*omem=0/.test(String(await redis.client('LIST'))));
      const text = await client.readUntil((read) => read.includes(`"step":${count},`));
      const events = text.split('event: next').length - 1;
      console.log(`Accept ${accept}: ${events} of ${count} updates reached the paused client`);
      // Every update reached it (old behaviour) means they were all buffered in the server for it.
      expect(events).toBeLessThan(count / 2);
    });
  }
});
