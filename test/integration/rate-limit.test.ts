import { createHash, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { wsClient } from '../helpers/ws-client.ts';

const lens = useLens();
const leftovers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(leftovers.splice(0).map((dispose) => dispose()));
});

async function lensWith(flags: string[]) {
  const app = await startApp(lens.redis.url(), flags);
  leftovers.push(() => app.stop());
  return app;
}

type Body = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };

/** A JSON POST over a real port, with extra headers. */
async function post(url: string, headers: Record<string, string> = {}, query = '{ backend { up } }') {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
}

describe('rate limit', () => {
  it('is off by default', async () => {
    const app = await lensWith(['--rate-limit', '0']);
    for (let i = 0; i < 30; i += 1) expect((await post(app.url)).status).toBe(200);
  });

  it('answers 429 RATE_LIMITED with Retry-After and RateLimit fields past the budget, counting operations not root fields', async () => {
    const app = await lensWith(['--rate-limit', '3', '--rate-limit-window', '60']);
    // Two root fields in one operation count once.
    for (let i = 0; i < 3; i += 1)
      expect((await post(app.url, {}, `{ backend { up } task(id: "${randomUUID()}") { state } }`)).status).toBe(200);
    const refused = await post(app.url);
    expect(refused.status).toBe(429);
    // 3 per 60 s: one back every 20 s, less what has refilled since the first request (a second or so on a loaded machine).
    expect(refused.headers.get('retry-after')).toMatch(/^(19|20)$/);
    expect(refused.headers.get('ratelimit-policy')).toBe('"default";q=3;w=60');
    expect(refused.headers.get('ratelimit')).toMatch(/^"default";r=0;t=(19|20)$/);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      limit: 3,
      windowSeconds: 60,
      retryAfterSeconds: expect.toSatisfy((n: number) => n === 19 || n === 20),
    });
    expect(refused.body.data).toBeUndefined();
    // Yoga's own path (a GET) answers the same way.
    const viaGet = await fetch(`${app.url}?query=${encodeURIComponent('{ backend { up } }')}`, {
      headers: { accept: 'application/json' },
    });
    expect(viaGet.status).toBe(429);
    expect(viaGet.headers.get('retry-after')).toMatch(/^(18|19|20)$/);
    expect(((await viaGet.json()) as Body).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('gives a graphql-ws operation past the budget a RATE_LIMITED error; HTTP from the same address shares the bucket', async () => {
    const app = await lensWith(['--rate-limit', '2', '--rate-limit-window', '60']);
    const client = wsClient(app.url);
    leftovers.push(async () => void (await client.dispose()));
    const run = (query: string) =>
      new Promise<Body>((resolve, reject) => {
        let last: Body = {};
        client.subscribe(
          { query },
          { next: (value) => void (last = value as Body), error: reject, complete: () => resolve(last) },
        );
      });
    expect((await run('{ backend { up } }')).errors).toBeUndefined();
    expect((await run('{ backend { up } }')).errors).toBeUndefined();
    const refused = await run(`subscription { taskCompleted(id: "${randomUUID()}") { state } }`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 2 });
    expect(refused.errors?.[0]?.message).toMatch(/^rate limit exceeded: 2 operations per 60 s/);
    // HTTP from the same address shares the bucket.
    expect((await post(app.url)).status).toBe(429);
  });

  it('keys on the peer address and ignores X-Forwarded-For without --trust-proxy', async () => {
    const app = await lensWith(['--rate-limit', '2']);
    expect((await post(app.url, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(200);
    expect((await post(app.url, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(200);
    expect((await post(app.url, { 'x-forwarded-for': '203.0.113.3' })).status).toBe(429);
  });

  it('with --trust-proxy, takes the client from X-Forwarded-For: the first untrusted hop from the right', async () => {
    const app = await lensWith(['--rate-limit', '2', '--trust-proxy', '127.0.0.1/32, 10.0.0.0/8']);
    const from = (xff: string) => post(app.url, { 'x-forwarded-for': xff });
    expect((await from('198.51.100.7')).status).toBe(200);
    // What the client wrote left of the address our proxy added is not believed.
    expect((await from('1.2.3.4, 198.51.100.7')).status).toBe(200);
    // A trusted hop (10.0.0.9, a second proxy) is skipped: the client is still 198.51.100.7.
    expect((await from('198.51.100.7, 10.0.0.9')).status).toBe(429);
    // Another client has its own bucket.
    expect((await from('198.51.100.8')).status).toBe(200);
    // Without the header, the trusted peer itself is the client.
    expect((await post(app.url)).status).toBe(200);
  });

  it('gives each API key its own bucket, and counts requests without a valid key by address', async () => {
    const hash = (key: string) => createHash('sha256').update(key).digest('hex');
    const [one, two] = [randomUUID(), randomUUID()];
    const app = await lensWith([
      '--rate-limit',
      '2',
      '--auth',
      'true',
      '--api-keys',
      `one:${hash(one)}:status,two:${hash(two)}:status`,
    ]);
    expect((await post(app.url, { 'x-api-key': one })).status).toBe(200);
    expect((await post(app.url, { 'x-api-key': one })).status).toBe(200);
    const refused = await post(app.url, { 'x-api-key': one });
    expect(refused.status).toBe(429);
    expect((await post(app.url, { 'x-api-key': two })).status).toBe(200);
    // No key, or a wrong one: the address' bucket (unspent so far), then refused before auth is even asked.
    expect((await post(app.url)).status).toBe(401);
    expect((await post(app.url, { 'x-api-key': 'wrong' })).status).toBe(401);
    expect((await post(app.url, { 'x-api-key': 'wrong' })).status).toBe(429);
    expect((await post(app.url, { 'x-api-key': two })).status).toBe(200);
  });
});
