/**
 * What a request may be: bodies up to --max-body-bytes whatever their type or
 * framing, no form or text bodies (any web page can send those), CORS and
 * WebSocket upgrades only for --cors-origins (same-origin by default), and
 * /metrics behind an API key with --metrics-auth.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApp } from '../helpers/app.ts';
import { useLens } from '../helpers/lens-fixture.ts';

const lens = useLens();
const LIMIT = 4096;
const APP_ORIGIN = 'https://app.example';
type Started = Awaited<ReturnType<typeof startApp>>;
const apps: Record<'limited' | 'listed', Started> = {} as never;

beforeAll(async () => {
  apps.limited = await startApp(lens.redis.url(), ['--max-body-bytes', String(LIMIT)]);
  apps.listed = await startApp(lens.redis.url(), ['--cors-origins', `${APP_ORIGIN}, https://other.example:8443`]);
});
afterAll(async () => {
  await Promise.all(Object.values(apps).map((app) => app?.stop()));
});

const big = (type: string) =>
  type === 'application/x-www-form-urlencoded'
    ? `query=${encodeURIComponent('{ __typename }')}&pad=${'x'.repeat(LIMIT)}`
    : type === 'application/graphql'
      ? `{ __typename } # ${'x'.repeat(LIMIT)}`
      : JSON.stringify({ query: `{ __typename } # ${'x'.repeat(LIMIT)}` });
/** A stream body is sent chunked: no Content-Length to refuse it by. */
const chunked = (text: string) =>
  new ReadableStream({
    start(controller) {
      const bytes = new TextEncoder().encode(text);
      for (let at = 0; at < bytes.length; at += 1000) controller.enqueue(bytes.slice(at, at + 1000));
      controller.close();
    },
  });
const TYPES = [
  'application/json',
  'application/graphql+json',
  'application/graphql',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
];
const CASES = TYPES.flatMap((type) => [false, true].map((stream) => [type, stream] as const));

describe('--max-body-bytes', () => {
  it.each(CASES)('%s (chunked: %s) over the limit is 413 REQUEST_TOO_LARGE', async (type, stream) => {
    const body = big(type);
    const response = await fetch(apps.limited.url, {
      method: 'POST',
      headers: { 'content-type': type },
      body: stream ? chunked(body) : body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      errors: [{ extensions: { code: 'REQUEST_TOO_LARGE', limit: LIMIT } }],
    });
  });

  it('a chunked body under the limit is answered as usual', async () => {
    for (const app of [apps.limited]) {
      for (const type of ['application/json', 'application/graphql+json']) {
        const response = await fetch(app.url, {
          method: 'POST',
          headers: { 'content-type': type },
          body: chunked(JSON.stringify({ query: '{ __typename }' })),
          duplex: 'half',
        } as RequestInit);
        expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
      }
    }
  });
});

describe('cross-site requests', () => {
  it('a form-encoded or multipart mutation is refused (415) and does not run; text/plain is not run either', async () => {
    const key = `csrf-${randomUUID()}`;
    const mutation = `mutation { createGoal(key: "${key}") { key } }`;
    for (const app of [apps.limited]) {
      const sent = [
        ['application/x-www-form-urlencoded', `query=${encodeURIComponent(mutation)}`],
        ['Application/X-WWW-Form-Urlencoded; charset=UTF-8', `query=${encodeURIComponent(mutation)}`],
        [
          'multipart/form-data; boundary=b',
          `--b\r\ncontent-disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: mutation })}\r\n--b--\r\n`,
        ],
        ['text/plain', JSON.stringify({ query: mutation })],
        ['text/plain;charset=UTF-8', JSON.stringify({ query: mutation })],
      ];
      for (const [type, body] of sent) {
        const response = await fetch(app.url, {
          method: 'POST',
          headers: { 'content-type': type!, origin: 'https://evil.example' },
          body,
        });
        const text = await response.text();
        expect([type, response.status]).toEqual([type, 415]);
        // Bodies Yoga parses reach the guard; the others Yoga refuses itself, with an empty 415.
        if (type === 'application/x-www-form-urlencoded' || type!.startsWith('multipart')) {
          expect(JSON.parse(text)).toMatchObject({ errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] });
        }
      }
      // A query in a form is still answered: the page cannot read it, and a GET does the same.
      const query = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: `query=${encodeURIComponent('{ __typename }')}`,
      });
      expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
    }
    expect(await lens.redis.client().keys(`*${key}*`)).toEqual([]);
  });

  it('CORS is same-origin by default: no Access-Control-Allow-Origin for another origin, on any path', async () => {
    for (const app of [apps.limited]) {
      const post = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      const preflight = await fetch(app.url, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-api-key',
        },
      });
      const get = await fetch(`${app.url}?query=${encodeURIComponent('{ __typename }')}`, {
        headers: { origin: 'https://evil.example', accept: 'application/json' },
      });
      for (const response of [post, preflight, get]) {
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      }
    }
  });

  it('--cors-origins: a listed origin is allowed with credentials, another is not', async () => {
    const ask = (origin: string) =>
      fetch(apps.listed.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    const listed = await ask(APP_ORIGIN);
    expect(listed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(listed.headers.get('access-control-allow-credentials')).toBe('true');
    const preflight = await fetch(apps.listed.url, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    const other = await ask('https://app.example.evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a WebSocket upgrade from another origin is refused (403); same-origin, listed and non-browser ones are not', async () => {
    const open = (app: Started, origin?: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(
          app.url.replace('http', 'ws'),
          'graphql-transport-ws',
          origin === undefined ? {} : { origin },
        );
        socket.once('open', () => {
          socket.close();
          resolve(101);
        });
        socket.once('unexpected-response', (_request, response) => {
          socket.terminate();
          resolve(response.statusCode ?? 0);
        });
        socket.once('error', () => resolve(-1));
      });
    const self = new URL(apps.limited.url).origin;
    expect(await open(apps.limited, 'https://evil.example')).toBe(403);
    expect(await open(apps.limited, 'null')).toBe(403);
    expect(await open(apps.limited, self)).toBe(101);
    expect(await open(apps.limited)).toBe(101);
    expect(await open(apps.listed, APP_ORIGIN)).toBe(101);
    expect(await open(apps.listed, 'https://evil.example')).toBe(403);
  });
});

describe('--metrics-auth', () => {
  it('/metrics needs an API key (x-api-key or Bearer); without --metrics-auth it is open', async () => {
    const key = `scraper-${randomUUID()}`;
    const hash = createHash('sha256').update(key).digest('hex');
    const guarded = await startApp(lens.redis.url(), [
      '--auth',
      'true',
      '--api-keys',
      `prometheus:${hash}:status`,
      '--metrics-auth',
      'true',
    ]);
    try {
      const metrics = (headers: Record<string, string> = {}) => fetch(new URL('/metrics', guarded.url), { headers });
      const refused = await metrics();
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
      expect((await metrics({ 'x-api-key': 'wrong' })).status).toBe(401);
      expect((await metrics({ 'x-api-key': key })).status).toBe(200);
      const bearer = await metrics({ authorization: `Bearer ${key}` });
      expect(bearer.status).toBe(200);
      expect(await bearer.text()).toContain('celery_lens_task_watchers');
      expect((await fetch(new URL('/metrics', apps.limited.url))).status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });
});
