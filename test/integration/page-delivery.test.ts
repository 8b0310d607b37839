/**
 * How the pages people open in a browser are delivered (issues 23 and 24):
 * the web page's files and GraphiQL's 9 MB page compressed as Accept-Encoding
 * asks (brotli or gzip, Vary: Accept-Encoding), revalidated by ETag (304) or
 * cached for good when hashed, and sent with headers that keep other sites
 * from framing them (frame-ancestors, X-Frame-Options) and a CSP with no
 * 'unsafe-inline' script.
 */
import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { type RawAnswer, rawRequest } from '../helpers/raw-http.ts';

// web/dist is built by the suite's global setup (test/helpers/web-build.ts).
const lens = useLens();
const framed = {} as Record<'listed' | 'self', Awaited<ReturnType<typeof startApp>>>;
beforeAll(async () => {
  framed.listed = await startApp(lens.redis.url(), ['--frame-ancestors', 'self, https://portal.example']);
  framed.self = await startApp(lens.redis.url(), ['--frame-ancestors', 'self']);
});
afterAll(async () => {
  await Promise.all(Object.values(framed).map((app) => app?.stop()));
});

const at = (path: string, base = lens.app.url) => new URL(path, base);
const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  rawRequest(at(path), { method, headers });
const GRAPHIQL = { accept: 'text/html' };

/** The body as sent, decoded per its Content-Encoding. */
function decoded(answer: RawAnswer): Buffer {
  const encoding = answer.headers['content-encoding'];
  return encoding === 'br'
    ? brotliDecompressSync(answer.body)
    : encoding === 'gzip'
      ? gunzipSync(answer.body)
      : answer.body;
}

/** Waits until `path` is served in `encoding` (each is made once, in the background, when the file is loaded). */
async function ready(path: string, headers: Record<string, string>, encoding: 'br' | 'gzip') {
  await expect
    .poll(async () => (await get(path, { ...headers, 'accept-encoding': encoding })).headers['content-encoding'], {
      timeout: 60_000,
    })
    .toBe(encoding);
}

async function largestAsset(): Promise<string> {
  const html = (await get('/')).body.toString();
  const paths = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
  const sizes = await Promise.all(paths.map(async (path) => [path, (await get(path)).body.length] as const));
  return sizes.sort((a, b) => b[1] - a[1])[0]![0];
}

describe('compression', () => {
  it('serves a hashed asset as brotli or gzip as Accept-Encoding prefers, smaller, the same bytes once decoded', async () => {
    const path = await largestAsset();
    await ready(path, {}, 'br');
    await ready(path, {}, 'gzip');
    const plain = await get(path);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    const cases: [string, string | undefined][] = [
      ['br', 'br'],
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['x-gzip', 'gzip'],
      ['br;q=0.5, gzip;q=0.9', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['*', 'br'],
      ['*;q=0.1, br;q=0', 'gzip'],
      ['identity', undefined],
      ['deflate', undefined],
      ['gzip;q=0, br;q=0', undefined],
    ];
    for (const [accept, expected] of cases) {
      const answer = await get(path, { 'accept-encoding': accept });
      expect([accept, answer.headers['content-encoding']]).toEqual([accept, expected]);
      expect(answer.headers.vary).toBe('Accept-Encoding');
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
      expect(decoded(answer).equals(plain.body)).toBe(true);
      if (expected) expect(answer.body.length).toBeLessThan(plain.body.length / 2);
    }
  });

  it("serves GraphiQL's 9 MB page compressed once made (the first visit does not wait): brotli under a quarter, gzip under a third", async () => {
    const first = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': 'gzip, deflate, br' });
    expect([first.status, first.headers['content-encoding'], first.headers.vary]).toEqual([
      200,
      undefined,
      'Accept-Encoding',
    ]);
    await ready('/graphql', GRAPHIQL, 'gzip');
    await ready('/graphql', GRAPHIQL, 'br');
    const plain = await get('/graphql', GRAPHIQL);
    expect(plain.body.equals(first.body)).toBe(true);
    expect(plain.body.length).toBeGreaterThan(5_000_000);
    expect(plain.body.toString()).toContain('YogaGraphiQL.renderYogaGraphiQL');
    const br = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.length).toBeLessThan(plain.body.length / 4);
    expect(decoded(br).equals(plain.body)).toBe(true);
    const gzip = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body.length).toBeLessThan(plain.body.length / 3);
    expect(decoded(gzip).equals(plain.body)).toBe(true);
    // Made once: the next visit gets the very same bytes.
    expect((await get('/graphql', { ...GRAPHIQL, 'accept-encoding': 'br' })).body.equals(br.body)).toBe(true);
    const head = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': 'br' }, 'HEAD');
    expect([head.status, head.body.length, Number(head.headers['content-length'])]).toEqual([200, 0, br.body.length]);
  });

  it('leaves a file under 1 KB plain (index.html), without Vary', async () => {
    const home = await get('/', { 'accept-encoding': 'br, gzip' });
    expect(home.body.length).toBeLessThan(1024);
    expect(home.headers['content-encoding']).toBeUndefined();
    expect(home.headers.vary).toBeUndefined();
  });
});

describe('caching', () => {
  it('hashed assets are cached for good; index.html and GraphiQL are revalidated each time, by ETag (304)', async () => {
    const asset = await get(await largestAsset(), { 'accept-encoding': 'br' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const [path, headers] of [
      ['/', {}],
      ['/tasks/x', {}],
      ['/graphql', GRAPHIQL],
    ] as const) {
      for (const encoding of ['identity', 'gzip', 'br']) {
        const first = await get(path, { ...headers, 'accept-encoding': encoding });
        expect(first.headers['cache-control']).toBe('no-cache');
        const etag = first.headers.etag as string;
        expect(etag).toMatch(/^"[\w-]+"$/);
        const again = await get(path, { ...headers, 'accept-encoding': encoding, 'if-none-match': etag });
        expect([path, encoding, again.status, again.body.length]).toEqual([path, encoding, 304, 0]);
        expect(again.headers.etag).toBe(etag);
        expect(again.headers['cache-control']).toBe('no-cache');
        expect(
          (await get(path, { ...headers, 'accept-encoding': encoding, 'if-none-match': `"x", W/${etag}` })).status,
        ).toBe(304);
        expect((await get(path, { ...headers, 'accept-encoding': encoding, 'if-none-match': '"stale"' })).status).toBe(
          200,
        );
      }
    }
    // Each encoding has its own tag: a gzip copy's tag does not stand for the brotli one.
    const gzipTag = (await get('/graphql', { ...GRAPHIQL, 'accept-encoding': 'gzip' })).headers.etag as string;
    const brAnswer = await get('/graphql', { ...GRAPHIQL, 'accept-encoding': 'br', 'if-none-match': gzipTag });
    expect([brAnswer.status, brAnswer.headers['content-encoding']]).toEqual([200, 'br']);
  });
});

describe('framing and the other security headers', () => {
  it('the page and GraphiQL: frame-ancestors none, X-Frame-Options DENY, nosniff, no referrer, own window', async () => {
    for (const [path, headers] of [
      ['/', {}],
      ['/tasks/x', {}],
      ['/graphql', GRAPHIQL],
    ] as const) {
      const answer = await get(path, headers);
      expect(answer.headers['content-security-policy']).toMatch(/; frame-ancestors 'none'$/);
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(answer.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it("GraphiQL's CSP allows its one inline script by hash, never 'unsafe-inline' scripts, and nothing from another origin", async () => {
    const answer = await get('/graphql', GRAPHIQL);
    const csp = answer.headers['content-security-policy'] as string;
    const directives = new Map(csp.split('; ').map((directive) => [directive.split(' ')[0]!, directive]));
    const scripts = [...answer.body.toString().matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, script]) => script!);
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0]!).digest('base64');
    expect(directives.get('script-src')).toBe(`script-src 'self' 'sha256-${hash}'`);
    expect(directives.get('default-src')).toBe("default-src 'self'");
    expect(directives.get('object-src')).toBe("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('--frame-ancestors lists who may frame them: no X-Frame-Options with origins, SAMEORIGIN with self alone', async () => {
    for (const [path, headers] of [
      ['/', {}],
      ['/graphql', GRAPHIQL],
    ] as const) {
      const listed = await rawRequest(at(path, framed.listed.url), { headers });
      expect(listed.headers['content-security-policy']).toMatch(/; frame-ancestors 'self' https:\/\/portal\.example$/);
      expect(listed.headers['x-frame-options']).toBeUndefined();
      const self = await rawRequest(at(path, framed.self.url), { headers });
      expect(self.headers['content-security-policy']).toMatch(/; frame-ancestors 'self'$/);
      expect(self.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });
});
