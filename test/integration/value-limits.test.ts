/**
 * Stored values too large or too deep to hand on: each answers its own field
 * with VALUE_TOO_LARGE (state and the rest still resolve), a response or
 * event too large as a whole is RESPONSE_TOO_LARGE, and the process never
 * falls over on either, on any transport. Crash cases run a real process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { freePort } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const BIN = fileURLToPath(new URL('../../bin/celery-lens.mjs', import.meta.url));
const lens = useLens();
let redis: Redis;
const children: ChildProcess[] = [];
beforeAll(() => {
  redis = lens.redis.client();
});
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  /** Set once the process exits: a crash shows here. */
  exitCode: number | null | undefined;
  /** Peak resident memory of the process so far (VmHWM), in bytes. */
  peakRss(): number;
}

async function serve(flags: readonly string[] = []): Promise<Served> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--backend', lens.redis.url(), '--port', String(port), '--rate-limit', '0', ...flags],
    {
      stdio: 'ignore',
    },
  );
  children.push(child);
  const served: Served = {
    child,
    url: `http://127.0.0.1:${port}/graphql`,
    exitCode: undefined,
    peakRss: () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
  };
  child.once('exit', (code) => {
    served.exitCode = code;
  });
  await until(
    async () => (await fetch(served.url.replace('/graphql', '/readyz')).catch(() => null))?.ok === true,
    20_000,
  );
  return served;
}

/**
 * Still up and answering a query, with the backend up: at once, or soon after
 * (on a loaded machine the large value's work can outlast --redis-timeout-ms,
 * and the backend then reads as down until it heals by itself).
 */
async function stillServes(served: Served): Promise<void> {
  const ask = async () => {
    const response = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ backend { up } }' }),
    });
    return (await response.json()) as { data?: { backend?: { up?: boolean } } };
  };
  expect((await ask()).data?.backend?.up).toBeTypeOf('boolean');
  await until(async () => (await ask()).data?.backend?.up === true, 10_000);
  expect(served.exitCode).toBeUndefined();
}

/** SETEX + PUBLISH of raw meta bytes, as Celery writes them (the value may be beyond JSON.stringify). */
async function writeRaw(id: string, resultJson: string, status = 'SUCCESS'): Promise<void> {
  const key = `celery-task-meta-${id}`;
  const value = `{"status":"${status}","result":${resultJson},"traceback":null,"children":[],"date_done":null,"task_id":"${id}"}`;
  await redis.multi().setex(key, 3600, value).publish(key, value).exec();
}

const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

type Payload = {
  data?: unknown;
  errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
};

interface Listening {
  /** Resolves with the first event: the subscription is live. */
  readonly first: Promise<void>;
  /** Resolves with the payloads of the first `count` events (fewer if it completes). */
  readonly events: Promise<Payload[]>;
}

function listening(start: (onEvent: () => void) => Promise<Payload[]>): Listening {
  let heard = () => {};
  const first = new Promise<void>((resolve) => {
    heard = resolve;
  });
  return { first, events: start(() => heard()) };
}

/** An SSE subscription (POST, or GET with the query in the URL). */
const sse = (url: string, query: string, method: 'GET' | 'POST', count: number) =>
  listening((onEvent) => sseEvents(url, query, method, count, onEvent));
const ws = (url: string, query: string, count: number) => listening((onEvent) => wsEvents(url, query, count, onEvent));

async function sseEvents(
  url: string,
  query: string,
  method: 'GET' | 'POST',
  count: number,
  onEvent: () => void,
): Promise<Payload[]> {
  const controller = new AbortController();
  const response = await fetch(method === 'GET' ? `${url}?query=${encodeURIComponent(query)}` : url, {
    method,
    headers: { accept: 'text/event-stream', ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(method === 'POST' ? { body: JSON.stringify({ query }) } : {}),
    signal: controller.signal,
  });
  const events: Payload[] = [];
  let text = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n')) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        // An `id:` line (the resume cursor) may come first.
        const data = /^(?:id: [^\n]*\n)?event: next\ndata: (.*)$/s.exec(block)?.[1];
        if (data) {
          events.push(JSON.parse(data) as Payload);
          onEvent();
        }
        if (/^event: complete/.test(block)) return events;
      }
      if (events.length >= count) return events;
    }
  } finally {
    controller.abort();
  }
  return events;
}

/** A graphql-ws subscription over a raw socket: its `next` payloads, until `count` or completion. */
function wsEvents(url: string, query: string, count: number, onEvent: () => void): Promise<Payload[]> {
  const socket = new WebSocket(url.replace('http', 'ws'), 'graphql-transport-ws');
  const events: Payload[] = [];
  return new Promise((resolve, reject) => {
    const finish = () => {
      socket.close();
      resolve(events);
    };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('error', reject);
    socket.on('close', () => resolve(events));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; payload?: unknown };
      if (message.type === 'connection_ack')
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
      if (message.type === 'next') {
        events.push(message.payload as Payload);
        onEvent();
      }
      if (message.type === 'error') events.push({ errors: message.payload as Payload['errors'] });
      if (events.length >= count || message.type === 'complete' || message.type === 'error') finish();
    });
  });
}

const codeAt = (payload: Payload, path: string) =>
  payload.errors?.find((error) => error.path?.join('.') === path)?.extensions?.code;

describe('a stored value nested 20,000 levels deep', () => {
  it('answers VALUE_TOO_LARGE for that field on every transport; state and the other tasks still resolve; the process stays up', async () => {
    const served = await serve();
    const id = randomUUID();
    const fine = await writeMeta(redis, { status: 'SUCCESS', result: [1, [2]] });
    const query = `subscription { task(id: "${id}", untilReady: false) { state result } }`;
    // Subscribed first: the deep value arrives as a published update too.
    const subscribers = [sse(served.url, query, 'POST', 2), sse(served.url, query, 'GET', 2), ws(served.url, query, 2)];
    await Promise.all(subscribers.map((subscriber) => subscriber.first));
    await writeRaw(id, deep(20_000));
    for (const events of await Promise.all(subscribers.map((subscriber) => subscriber.events))) {
      const last = events.at(-1) as Payload;
      expect(last.data).toEqual({ task: { state: 'SUCCESS', result: null } });
      expect(codeAt(last, 'task.result')).toBe('VALUE_TOO_LARGE');
      expect(last.errors?.[0]?.extensions).toMatchObject({ measure: 'depth', field: 'result' });
    }
    // The query path: one error at that task's result, the other task whole.
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const response = await fetch(served.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: `{ tasks(ids: ["${id}", "${fine}"]) { state result } }` }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Payload;
      expect(body.data).toEqual({
        tasks: [
          { state: 'SUCCESS', result: null },
          { state: 'SUCCESS', result: [1, [2]] },
        ],
      });
      expect(codeAt(body, 'tasks.0.result')).toBe('VALUE_TOO_LARGE');
    }
    await stillServes(served);
  }, 60_000);
});

describe("a value nested 20,000 levels deep that no decoder bounded (a goal's stored metadata)", () => {
  it('answers RESPONSE_TOO_LARGE on every transport instead of failing to serialize; the process stays up', async () => {
    const served = await serve();
    const key = `report:${randomUUID()}`;
    await redis.hset(`celery-lens:goal:${key}`, {
      createdAt: Date.now(),
      status: 'RUNNING',
      metadata: `{"a":${deep(20_000)}}`,
    });
    const query = `{ goal(key: "${key}") { status metadata } }`;
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const response = await fetch(served.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query }),
      });
      expect(await response.json()).toMatchObject({
        data: null,
        errors: [{ extensions: { code: 'RESPONSE_TOO_LARGE', measure: 'depth' } }],
      });
    }
    const subscription = `subscription { goal(key: "${key}") { status metadata } }`;
    const subscribers = [
      sse(served.url, subscription, 'POST', 1),
      sse(served.url, subscription, 'GET', 1),
      ws(served.url, subscription, 1),
    ];
    for (const events of await Promise.all(subscribers.map((subscriber) => subscriber.events))) {
      expect(events[0]).toMatchObject({
        data: null,
        errors: [{ extensions: { code: 'RESPONSE_TOO_LARGE', measure: 'depth' } }],
      });
    }
    await stillServes(served);
  }, 60_000);
});

describe('--max-value-bytes and --max-response-bytes', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    app = await startApp(lens.redis.url(), ['--max-value-bytes', '2000', '--max-response-bytes', '10000']);
  });
  afterAll(() => app.stop());

  const post = async (query: string): Promise<Payload> =>
    (await (
      await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      })
    ).json()) as Payload;

  it('a value over the cap answers VALUE_TOO_LARGE for that field alone, in queries and subscriptions', async () => {
    const big = 'x'.repeat(3000);
    const id = await writeMeta(redis, {
      status: 'SUCCESS',
      result: { big },
      name: 'lens.big',
      args: [1],
      kwargs: { big },
    });
    const failed = await writeMeta(redis, {
      status: 'FAILURE',
      result: { exc_type: 'ValueError', exc_module: 'builtins', exc_message: [big] },
      traceback: `Traceback (most recent call last):\n${big}\nValueError: ${big}`,
    });
    const body = await post(`{
      task(id: "${id}") { state name args result kwargs }
      failed: task(id: "${failed}") { state error { type module message args traceback } }
    }`);
    expect(body.data).toEqual({
      task: { state: 'SUCCESS', name: 'lens.big', args: [1], result: null, kwargs: null },
      failed: {
        state: 'FAILURE',
        error: { type: 'ValueError', module: 'builtins', message: null, args: null, traceback: null },
      },
    });
    for (const path of [
      'task.result',
      'task.kwargs',
      'failed.error.message',
      'failed.error.args',
      'failed.error.traceback',
    ]) {
      expect(codeAt(body, path)).toBe('VALUE_TOO_LARGE');
    }
    expect(new Set(body.errors?.map((error) => error.extensions?.code))).toEqual(new Set(['VALUE_TOO_LARGE']));
    const traceback = await post(`{ task(id: "${failed}") { error { type module traceback } } }`);
    expect(traceback.data).toEqual({ task: { error: { type: 'ValueError', module: 'builtins', traceback: null } } });
    expect(codeAt(traceback, 'task.error.traceback')).toBe('VALUE_TOO_LARGE');
    expect(body.errors?.find((error) => error.path?.join('.') === 'task.result')?.extensions).toMatchObject({
      measure: 'bytes',
      limit: 2000,
    });

    const events = await sseEvents(
      app.url,
      `subscription { taskCompleted(id: "${id}") { state result } }`,
      'POST',
      1,
      () => {},
    );
    expect(events[0]?.data).toEqual({ taskCompleted: { state: 'SUCCESS', result: null } });
    expect(codeAt(events[0] as Payload, 'taskCompleted.result')).toBe('VALUE_TOO_LARGE');
  });

  it('a response or event over --max-response-bytes is RESPONSE_TOO_LARGE; the subscription goes on', async () => {
    const results = Array.from({ length: 6 }, (_, index) => ({ part: index, text: 'y'.repeat(1900) }));
    const ids = await Promise.all(results.map((result) => writeMeta(redis, { status: 'SUCCESS', result })));
    const list = ids.map((id) => `"${id}"`).join(', ');
    // Each value is under the value cap; six of them are over the response cap.
    expect(await post(`{ tasks(ids: [${list}]) { state } }`)).toMatchObject({
      data: { tasks: ids.map(() => ({ state: 'SUCCESS' })) },
    });
    const whole = await post(`{ tasks(ids: [${list}]) { state result } }`);
    expect(whole).toMatchObject({
      data: null,
      errors: [{ extensions: { code: 'RESPONSE_TOO_LARGE', measure: 'bytes', limit: 10000 } }],
    });

    // A goal's attempts, each result selected again: every event too large, the stream still goes on.
    const key = `report:${randomUUID()}`;
    await post(`mutation { createGoal(key: "${key}") { key } }`);
    for (const id of ids) await post(`mutation { attachTask(key: "${key}", taskId: "${id}") { key } }`);
    const goal = sse(app.url, `subscription { goal(key: "${key}") { status attempts { result } } }`, 'POST', 2);
    await goal.first;
    await post(`mutation { updateGoalStatus(key: "${key}", status: SUCCEEDED) { key } }`);
    const events = await goal.events;
    expect(events).toHaveLength(2);
    for (const event of events)
      expect(event).toMatchObject({ data: null, errors: [{ extensions: { code: 'RESPONSE_TOO_LARGE' } }] });
  });
});

/**
 * 20 POST-SSE subscribers of one task, then one stored result of `rows`
 * rows (~90 bytes each): what each received, and the peak RSS it cost.
 */
async function fanOut(served: Awaited<ReturnType<typeof serve>>, rows: number) {
  const id = randomUUID();
  const query = `subscription { task(id: "${id}", untilReady: true) { state result } }`;
  const subscribers = Array.from({ length: 20 }, () => sse(served.url, query, 'POST', 2));
  await Promise.all(subscribers.map((subscriber) => subscriber.first));
  const before = served.peakRss();
  await writeRaw(
    id,
    JSON.stringify(Array.from({ length: rows }, (_, index) => ({ row: index, text: 'z'.repeat(80) }))),
  );
  const received = await Promise.all(subscribers.map((subscriber) => subscriber.events));
  const grown = served.peakRss() - before;
  console.log(
    `peak RSS ${Math.round(before / 2 ** 20)} MiB before a ${rows}-row update, +${Math.round(grown / 2 ** 20)} MiB for it`,
  );
  return { received, grown };
}

describe('one large result fanned out', () => {
  it('20 SSE subscribers of a 20 MB result: state delivered to each, VALUE_TOO_LARGE for the result, peak RSS bounded', async () => {
    const served = await serve();
    const { received, grown } = await fanOut(served, 200_000);
    for (const events of received) {
      const last = events.at(-1) as Payload;
      expect(last.data).toEqual({ task: { state: 'SUCCESS', result: null } });
      expect(codeAt(last, 'task.result')).toBe('VALUE_TOO_LARGE');
    }
    // Measured: +621 MiB before values were bounded, +185 MiB after (docs/configuration.md, --max-value-bytes).
    expect(grown).toBeLessThan(300 * 2 ** 20);
    await stillServes(served);
  }, 60_000);

  it('20 SSE subscribers of a 1 MB result (under the cap): each gets it whole from one shared serialization', async () => {
    const served = await serve();
    const { received } = await fanOut(served, 10_000);
    for (const events of received)
      expect((events.at(-1)?.data as { task: { result: unknown[] } }).task.result).toHaveLength(10_000);
    await stillServes(served);
  }, 60_000);
});
