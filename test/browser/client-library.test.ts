/**
 * celery-lens/client in real Chromium: a page on another origin (listed in
 * --cors-origins) imports the built library (`npm run build:client`'s
 * output, graphql-ws from node_modules through an import map), watches a
 * task with the browser's own WebSocket, loses its socket mid-stream and
 * resumes from its cursor: every update once. Nothing else is reachable.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { ARTIFACTS, useChromium } from '../helpers/browser.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { type RedisServer, freePort, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { watching } from '../helpers/watching.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const chromium = useChromium();
let redis: RedisServer;
let app: Awaited<ReturnType<typeof startApp>>;
let page: Server;
let pageOrigin: string;
let built: string;

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>client</title>
<script type="importmap">{ "imports": { "graphql-ws": "/vendor/graphql-ws/client.js" } }</script>
<script type="module">
  import { createLensClient } from '/client/index.js';
  const params = new URLSearchParams(location.search);
  const lens = createLensClient({ url: params.get('api'), retry: { minDelayMs: 50, maxDelayMs: 500 } });
  window.updates = [];
  const handle = lens.watchTask(params.get('id'), (task) => {
    window.updates.push(task.rawState === 'PROGRESS' ? 'P' + task.meta.current : task.rawState);
    document.body.textContent = window.updates.join(' ');
  });
  window.transport = () => lens.transportName;
  handle.done.then(() => { window.finished = true; }, (error) => { window.finished = String(error); });
</script></head><body></body></html>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html' };

/** The page, the built client under /client/, graphql-ws' browser build under /vendor/graphql-ws/. */
function servePage(): Server {
  const roots: [string, string][] = [
    ['/client/', built],
    ['/vendor/graphql-ws/', join(ROOT, 'node_modules/graphql-ws/dist')],
  ];
  return createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://page').pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    for (const [prefix, dir] of roots) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, path.slice(prefix.length)));
      if (!file.startsWith(dir)) break;
      try {
        response
          .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
          .end(readFileSync(file));
      } catch {
        response.writeHead(404).end();
      }
      return;
    }
    response.writeHead(404).end();
  });
}

beforeAll(async () => {
  built = mkdtempSync(join(tmpdir(), 'lens-client-'));
  // The library as the package ships it (the same tsconfig as `npm run build:client`).
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'client/tsconfig.json'), '--outDir', built],
    { stdio: 'inherit' },
  );
  const port = await freePort();
  pageOrigin = `http://127.0.0.1:${port}`;
  page = servePage();
  await new Promise<void>((resolve) => page.listen(port, '127.0.0.1', resolve));
  redis = await startRedis();
  app = await startApp(redis.url(), ['--cors-origins', pageOrigin]);
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await redis?.stop();
  await new Promise((resolve) => page?.close(resolve));
  rmSync(built, { recursive: true, force: true });
});

describe('celery-lens/client in Chromium', () => {
  it('watches a task over the browser WebSocket and resumes after losing it', async () => {
    const client = redis.client();
    const id = await writeMeta(client, { status: 'PROGRESS', result: { current: 1 } });
    const context = await chromium.browser.newContext();
    const blocked: string[] = [];
    const lensOrigin = new URL(app.url).origin;
    await context.route(
      (url) => url.origin !== pageOrigin && url.origin !== lensOrigin,
      async (route) => {
        blocked.push(route.request().url());
        await route.abort('blockedbyclient');
      },
    );
    try {
      const tab = await context.newPage();
      const failures: string[] = [];
      tab.on('pageerror', (error) => failures.push(error.message));
      await tab.goto(`${pageOrigin}/?api=${encodeURIComponent(app.url)}&id=${id}`);
      const updates = () => tab.evaluate(() => (window as unknown as { updates?: string[] }).updates ?? []);
      await expect.poll(updates).toEqual(['P1']);
      expect(await tab.evaluate(() => (window as unknown as { transport: () => string }).transport())).toBe('ws');
      await writeMeta(client, { status: 'PROGRESS', result: { current: 2 } }, { id });
      await expect.poll(updates).toEqual(['P1', 'P2']);

      for (const socket of app.wsServer.clients) socket.terminate();
      for (let step = 3; step <= 6; step += 1)
        await writeMeta(client, { status: 'PROGRESS', result: { current: step } }, { id });
      await until(() => watching(app, [id]));
      await writeMeta(client, { status: 'SUCCESS', result: 'ok', date_done: new Date().toISOString() }, { id });
      await expect.poll(() => tab.evaluate(() => (window as unknown as { finished?: unknown }).finished)).toBe(true);
      expect(await updates()).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'SUCCESS']);
      await tab.screenshot({ path: join(ARTIFACTS, 'client-library.png') });
      expect(failures).toEqual([]);
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the same page answers a bad id with its error, not a hang', async () => {
    const context = await chromium.browser.newContext();
    try {
      const tab = await context.newPage();
      await tab.goto(`${pageOrigin}/?api=${encodeURIComponent(app.url)}&id=${randomUUID().slice(0, 8)}`);
      await expect
        .poll(() => tab.evaluate(() => (window as unknown as { finished?: unknown }).finished))
        .toMatch(/LensClientError/);
    } finally {
      await context.close();
    }
  });
});
