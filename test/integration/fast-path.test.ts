/**
 * The JSON POST fast path (src/transport/json-post.ts) must answer exactly as Yoga
 * does. Two apps on one Redis, one with `--fast-path false`, get the same
 * requests; status, content type, CORS headers and body must match.
 */
import { createHash, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';

const lens = useLens();
const SECRET = 'fast-path-secret-with-enough-entropy-0123';
const STATUS_KEY = `status-${randomUUID()}`;
const FULL_KEY = `full-${randomUUID()}`;
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const FLAGS = [
  '--auth',
  'true',
  '--api-keys',
  `dashboard:${hash(STATUS_KEY)}:status,backoffice:${hash(FULL_KEY)}:status+payload`,
  '--jwt-secret',
  SECRET,
  '--max-batch',
  '3',
  '--max-aliases',
  '3',
  '--max-body-bytes',
  '8192',
  '--cors-origins',
  'https://app.example',
];
let fast: Awaited<ReturnType<typeof startApp>>;
let yoga: Awaited<ReturnType<typeof startApp>>;
let done: string;

beforeAll(async () => {
  fast = await startApp(lens.redis.url(), FLAGS);
  yoga = await startApp(lens.redis.url(), [...FLAGS, '--fast-path', 'false']);
  done = await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: { rows: 3 } });
});
afterAll(async () => {
  await fast?.stop();
  await yoga?.stop();
});

interface Sent {
  headers?: Record<string, string>;
  body: string;
}

async function answer(url: string, { headers = {}, body }: Sent) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': FULL_KEY, ...headers },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // SSE and other text answers are compared as text.
  }
  const header = (name: string) => response.headers.get(name);
  return {
    status: response.status,
    contentType: header('content-type'),
    cors: [header('access-control-allow-origin'), header('access-control-allow-credentials'), header('vary')],
    body: parsed,
  };
}

const json = (value: unknown) => JSON.stringify(value);
const CASES: [string, () => Sent][] = [
  [
    'a query with variables and an operation name',
    () => ({
      body: json({
        query: 'query One($id: ID!) { task(id: $id) { id state result } }',
        variables: { id: done },
        operationName: 'One',
      }),
    }),
  ],
  ['an id that fails the pattern', () => ({ body: json({ query: '{ task(id: "not valid!") { state } }' }) })],
  ['a syntax error', () => ({ body: json({ query: '{ task(' }) })],
  ['a validation error', () => ({ body: json({ query: '{ nope }' }) })],
  ['a missing variable', () => ({ body: json({ query: 'query One($id: ID!) { task(id: $id) { state } }' }) })],
  ['an unknown operation name', () => ({ body: json({ query: '{ __typename }', operationName: 'Other' }) })],
  ['no credential (401)', () => ({ headers: { 'x-api-key': '' }, body: json({ query: '{ __typename }' }) })],
  [
    'a status-only key asking for a result (FORBIDDEN)',
    () => ({
      headers: { 'x-api-key': STATUS_KEY },
      body: json({ query: `{ task(id: "${done}") { state result } }` }),
    }),
  ],
  [
    'a JWT (answered by Yoga on both)',
    () => ({
      headers: {
        'x-api-key': '',
        authorization: `Bearer ${jwt.sign({ sub: 'u', scope: 'status' }, SECRET, { expiresIn: 60 })}`,
      },
      body: json({ query: `{ task(id: "${done}") { state } }` }),
    }),
  ],
  [
    'too many aliases',
    () => ({ body: json({ query: '{ a: __typename b: __typename c: __typename d: __typename }' }) }),
  ],
  [
    'a mutation that fails',
    () => ({ body: json({ query: 'mutation { attachTask(key: "no-such-goal", taskId: "x") { key } }' }) }),
  ],
  ['a body that is not JSON', () => ({ body: '{"query": ' })],
  ['a JSON body that is not an operation', () => ({ body: json({ nothing: true }) })],
  [
    'extensions',
    () => ({
      body: json({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }),
    }),
  ],
  ['a batch', () => ({ body: json([{ query: '{ __typename }' }, { query: `{ task(id: "${done}") { state } }` }]) })],
  ['a body over the declared limit', () => ({ body: json({ query: `{ __typename } # ${'x'.repeat(9000)}` }) })],
  [
    'a long query (not memoized)',
    () => ({ body: json({ query: `{ task(id: "${done}") { state } } # ${'x'.repeat(5000)}` }) }),
  ],
  [
    'accept: application/graphql-response+json, validation error',
    () => ({
      headers: { accept: 'application/graphql-response+json' },
      body: json({ query: '{ nope }' }),
    }),
  ],
  [
    'accept: application/graphql-response+json, success',
    () => ({
      headers: { accept: 'application/graphql-response+json' },
      body: json({ query: '{ __typename }' }),
    }),
  ],
  ['accept: text/html (406)', () => ({ headers: { accept: 'text/html' }, body: json({ query: '{ __typename }' }) })],
  ['an Origin header', () => ({ headers: { origin: 'https://app.example' }, body: json({ query: '{ __typename }' }) })],
  [
    'an Origin header and an error',
    () => ({ headers: { origin: 'https://app.example' }, body: json({ query: '{ nope }' }) }),
  ],
  [
    'an Origin not in --cors-origins',
    () => ({ headers: { origin: 'https://evil.example' }, body: json({ query: '{ __typename }' }) }),
  ],
  [
    'an Origin not in --cors-origins and an error',
    () => ({ headers: { origin: 'https://evil.example' }, body: json({ query: '{ nope }' }) }),
  ],
  [
    'a subscription sent with accept */* (streamed as SSE)',
    () => ({
      headers: { accept: '*/*' },
      body: json({ query: `subscription { taskCompleted(id: "${done}") { id state } }` }),
    }),
  ],
  [
    'a subscription sent with accept application/json',
    () => ({
      headers: { accept: 'application/json' },
      body: json({ query: `subscription { taskCompleted(id: "${done}") { id state } }` }),
    }),
  ],
];

describe('the JSON POST fast path answers as Yoga does', () => {
  it.each(CASES)('%s', async (_name, make) => {
    const request = make();
    const [mine, theirs] = await Promise.all([answer(fast.url, request), answer(yoga.url, request)]);
    expect(mine).toEqual(theirs);
  });

  it('refuses a chunked body past --max-body-bytes with 413 before parsing it', async () => {
    const big = new TextEncoder().encode(json({ query: `{ __typename } # ${'x'.repeat(20_000)}` }));
    const response = await fetch(fast.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': FULL_KEY },
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
    const { port, pathname } = new URL(fast.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST ${pathname} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\nx-api-key: ${FULL_KEY}\r\ncontent-length: 1000\r\n\r\n{"query":`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await until(() => socket.closed);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fast.logs.filter((line) => line.includes('unexpected error'))).toEqual([]);
    expect((await answer(fast.url, { body: json({ query: '{ __typename }' }) })).body).toEqual({
      data: { __typename: 'Query' },
    });
  });

  it('streams a replayed subscription as it happens, not when it ends', async () => {
    const id = randomUUID();
    const response = await fetch(fast.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': FULL_KEY, accept: '*/*' },
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
