import { createHash, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { wsClient } from '../helpers/ws-client.ts';
import { postWith } from '../helpers/auth-post.ts';

const lens = useLens();
const SECRET = 'test-secret-with-enough-entropy-0123456789';
const STATUS_KEY = `status-${randomUUID()}`;
const FULL_KEY = `full-${randomUUID()}`;
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
let app: Awaited<ReturnType<typeof startApp>>;
let id: string;

beforeAll(async () => {
  app = await startApp(lens.redis.url(), [
    '--auth',
    'true',
    '--api-keys',
    `dashboard:${hash(STATUS_KEY)}:status,backoffice:${hash(FULL_KEY)}:status+payload`,
    '--jwt-secret',
    SECRET,
    '--introspection',
    'false',
  ]);
  id = await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 'private', args: [1] });
});
afterAll(() => app.stop());

const QUERY = (taskId: string) => `{ task(id: "${taskId}") { state result } }`;
const token = (scope: string, extra: jwt.SignOptions = {}) =>
  jwt.sign({ sub: 'user-7', scope }, SECRET, { expiresIn: 60, ...extra });

const http = (headers: Record<string, string>, query = QUERY(id)) => postWith(app.url, headers, query);

async function sse(headers: Record<string, string>) {
  const response = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query: `subscription { taskCompleted(id: "${id}") { state result } }` }),
  });
  return { status: response.status, text: await response.text() };
}

async function ws(params: Record<string, unknown>) {
  const client = wsClient(app.url, params);
  try {
    return await new Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>((resolve) => {
      let last: { data?: unknown; errors?: { extensions?: { code?: string } }[] } = {};
      client.subscribe(
        { query: `subscription { taskCompleted(id: "${id}") { state result } }` },
        {
          next: (value) => {
            last = value as typeof last;
          },
          error: (error) =>
            resolve({
              errors: Array.isArray(error) ? (error as typeof last.errors) : [{ extensions: { code: String(error) } }],
            }),
          complete: () => resolve(last),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

describe('auth over HTTP', () => {
  // Refusals (401, introspection off) need no Redis: test/schema/auth-refusals.test.ts.
  it('a status-only credential reads state; the payload field is FORBIDDEN, not silently null', async () => {
    const credentials: Record<string, string>[] = [
      { 'x-api-key': STATUS_KEY },
      { authorization: `Bearer ${token('status')}` },
    ];
    for (const headers of credentials) {
      const { status, body } = await http(headers);
      expect(status).toBe(200);
      expect(body.data?.task).toEqual({ state: 'SUCCESS', result: null });
      expect(body.errors).toMatchObject([{ path: ['task', 'result'], extensions: { code: 'FORBIDDEN' } }]);
      const state = await http(headers, `{ task(id: "${id}") { state } }`);
      expect(state.body).toEqual({ data: { task: { state: 'SUCCESS' } } });
    }
  });

  it('a payload credential reads everything (API key or JWT scope)', async () => {
    const credentials: Record<string, string>[] = [
      { 'x-api-key': FULL_KEY },
      { authorization: `Bearer ${token('status payload')}` },
      { authorization: `Bearer ${token('celery-lens:status celery-lens:payload')}` },
    ];
    for (const headers of credentials) {
      expect((await http(headers)).body).toEqual({ data: { task: { state: 'SUCCESS', result: 'private' } } });
    }
  });
});

describe('JWT verified with a JWKS', () => {
  it('accepts an RS256 token whose key the JWKS publishes, refuses one signed by another key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { createServer } = await import('node:http');
    const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...signing.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' };
    const jwks = createServer((_req, res) =>
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const address = jwks.address() as { port: number };
    const rs = await startApp(lens.redis.url(), [
      '--auth',
      'true',
      '--jwks-url',
      `http://127.0.0.1:${address.port}/jwks.json`,
      '--jwt-audience',
      'celery-lens',
    ]);
    try {
      const sign = (key: typeof signing.privateKey, audience = 'celery-lens') =>
        jwt.sign({ sub: 'svc', scope: 'status' }, key.export({ format: 'pem', type: 'pkcs8' }), {
          algorithm: 'RS256',
          keyid: 'k1',
          audience,
          expiresIn: 60,
        });
      const ask = async (bearer: string) =>
        (await (
          await rs.yoga.fetch('http://yoga/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
            body: JSON.stringify({ query: '{ backend { up } }' }),
          })
        ).json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      expect(await ask(sign(signing.privateKey))).toEqual({ data: { backend: { up: true } } });
      expect((await ask(sign(stranger.privateKey))).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await ask(sign(signing.privateKey, 'someone-else'))).errors?.[0]?.extensions?.code).toBe(
        'UNAUTHENTICATED',
      );
    } finally {
      await rs.stop();
      jwks.close();
    }
  });
});

describe('auth over SSE', () => {
  it('401 without a credential, FORBIDDEN payload for status-only, full with payload', async () => {
    expect((await sse({})).status).toBe(401);
    expect((await sse({ 'x-api-key': STATUS_KEY })).text).toContain('"code":"FORBIDDEN"');
    expect((await sse({ authorization: `Bearer ${token('status payload')}` })).text).toContain('"result":"private"');
  });
});

describe('auth over graphql-ws (connectionParams)', () => {
  it('UNAUTHENTICATED without a credential, FORBIDDEN payload for status-only, full with payload', async () => {
    expect((await ws({})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await ws({ apiKey: STATUS_KEY })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await ws({ token: token('status payload') })).data).toEqual({
      taskCompleted: { state: 'SUCCESS', result: 'private' },
    });
    expect((await ws({ apiKey: FULL_KEY })).data).toEqual({ taskCompleted: { state: 'SUCCESS', result: 'private' } });
  });
});
