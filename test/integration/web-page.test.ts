import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { PAGE_CSP, useWebPage } from '../../src/plugins/use-web-page.ts';
import { startApp } from '../helpers/app.ts';
import { useLens } from '../helpers/lens-fixture.ts';

// web/dist is built by the suite's global setup (test/helpers/web-build.ts).
const lens = useLens();
const at = (path: string) => new URL(path, lens.app.url);

async function assetPaths(): Promise<string[]> {
  const html = await (await fetch(at('/'))).text();
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
}

describe('the web page', () => {
  it('serves index.html at /, /tasks/<id>, /tasks, /failures and /workers/<hostname>, uncached, with a same-origin CSP', async () => {
    const home = await fetch(at('/'));
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(home.headers.get('cache-control')).toBe('no-cache');
    const csp = home.headers.get('content-security-policy');
    expect(csp).toBe(`${PAGE_CSP.join('; ')}; frame-ancestors 'none'`);
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/unsafe|https?:|\*/);
    const html = await home.text();
    expect(html).toContain('<div id="root">');
    for (const path of [
      '/tasks/3f2c2a7e-0000-4000-8000-000000000000',
      '/tasks/not-even-an-id/',
      '/tasks/a%20b',
      '/tasks',
      '/tasks?status=FAILED',
      '/failures',
      '/failures/',
      '/workers/celery%40host',
      '/workers/w1@vm/',
    ]) {
      const page = await fetch(at(path));
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(html);
    }
  });

  it('serves the hashed assets index.html names, cached for good, and nothing else', async () => {
    const assets = await assetPaths();
    expect(assets.some((path) => /\/assets\/index-[\w-]+\.js$/.test(path))).toBe(true);
    expect(assets.some((path) => /\/assets\/index-[\w-]+\.css$/.test(path))).toBe(true);
    for (const path of assets) {
      const response = await fetch(at(path));
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const head = await fetch(at(assets[0]!), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    for (const path of [
      '/assets/nope.js',
      '/assets/../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/',
      '/index.html/x',
      '/tasks/a/b',
      '/workers',
      '/workers/a/b',
    ]) {
      const response = await fetch(at(path));
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('"name": "celery-lens"');
    }
  });

  it('leaves /graphql to GraphiQL and the API', async () => {
    const graphiql = await fetch(at('/graphql'), { headers: { accept: 'text/html' } });
    expect((await graphiql.text()).includes('YogaGraphiQL.renderYogaGraphiQL')).toBe(true);
    const api = await fetch(at('/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ backend { up } }' }),
    });
    expect(await api.json()).toEqual({ data: { backend: { up: true } } });
  });

  it('is off with --ui false', async () => {
    const bare = await startApp(lens.redis.url(), ['--ui', 'false']);
    try {
      const [asset] = await assetPaths();
      for (const path of ['/', '/tasks/x', asset!]) {
        const response = await fetch(new URL(path, bare.url), { headers: { accept: 'text/html' } });
        expect(response.status, path).toBe(404);
        expect(response.headers.get('content-security-policy')).toBeNull();
      }
    } finally {
      await bare.stop();
    }
  });

  it('says how to build the page when the build is missing, and serves it once built', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lens-web-'));
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { x: Int }' }),
      plugins: [useWebPage({ dir: join(dir, 'dist') })],
    });
    try {
      const missing = await yoga.fetch('http://yoga/');
      expect(missing.status).toBe(503);
      expect(await missing.text()).toMatch(/npm run build:web/);
      mkdirSync(join(dir, 'dist', 'assets'), { recursive: true });
      writeFileSync(join(dir, 'dist', 'index.html'), '<p>built</p>');
      const built = await yoga.fetch('http://yoga/tasks/abc');
      expect(built.status).toBe(200);
      expect(await built.text()).toBe('<p>built</p>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
