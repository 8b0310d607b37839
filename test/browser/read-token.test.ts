/**
 * The "Tokens for browsers" flow end to end: a Python backend mints a read
 * token with one HTTP call (stdlib urllib, as the view in docs/authentication.md does with
 * requests), and Chromium watches the task with it, by EventSource
 * (`?token=`) and by a raw graphql-ws socket (`connectionParams.token`);
 * the same token for another task is refused.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { offlineContext, useChromium } from '../helpers/browser.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';

const run = promisify(execFile);
const KEY = `backend-${randomUUID()}`;
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const lens = useLens([
  '--auth',
  'true',
  '--api-keys',
  `backend:${hash(KEY)}:status+payload+tokens`,
  '--token-secret',
  'browser-token-secret-0123456789abcdef',
]);
const chromium = useChromium();

/** The backend's one call, in Python, as an application's view makes it. */
const MINT = `
import json, sys, urllib.request
url, key, task_id = sys.argv[1:4]
body = json.dumps({"query": "mutation ($id: ID!) { createReadToken(taskId: $id, ttlSeconds: 900, payload: true) { token expiresAt } }", "variables": {"id": task_id}}).encode()
request = urllib.request.Request(url, data=body, headers={"content-type": "application/json", "x-api-key": key})
print(json.load(urllib.request.urlopen(request, timeout=5))["data"]["createReadToken"]["token"])
`;

declare global {
  interface Window {
    seen: { via: string; data: string }[];
  }
}

describe('a read token in a browser', () => {
  it('EventSource and graphql-ws watch the task with it; another task is refused', async () => {
    const id = randomUUID();
    const other = await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 'not yours' });
    const token = (await run('/usr/bin/python3', ['-c', MINT, lens.app.url, KEY, id])).stdout.trim();
    expect(token).toMatch(/^clt_/);
    const origin = new URL(lens.app.url).origin;
    const { context, blocked } = await offlineContext(chromium.browser, origin);
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/healthz`);
      await page.evaluate(
        ({ id, other, token }) => {
          window.seen = [];
          const query = (taskId: string) => `subscription { task(id: "${taskId}") { state meta result } }`;
          for (const [via, taskId] of [
            ['sse', id],
            ['sse-other', other],
          ] as const) {
            const events = new EventSource(
              `/graphql?query=${encodeURIComponent(query(taskId))}&token=${encodeURIComponent(token)}`,
            );
            events.addEventListener('next', (event) =>
              window.seen.push({ via, data: (event as MessageEvent<string>).data }),
            );
            events.addEventListener('complete', () => {
              window.seen.push({ via, data: 'complete' });
              events.close();
            });
          }
          const socket = new WebSocket(`${location.origin.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
          socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token } }));
          socket.onmessage = (message) => {
            const parsed = JSON.parse(String(message.data)) as { type: string; payload?: unknown };
            if (parsed.type === 'connection_ack')
              socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: query(id) } }));
            else
              window.seen.push({
                via: 'ws',
                data: parsed.type === 'complete' ? 'complete' : JSON.stringify(parsed.payload),
              });
          };
        },
        { id, other, token },
      );
      const seen = () => page.evaluate(() => window.seen);
      await expect.poll(async () => (await seen()).filter((event) => event.data.includes('PENDING')).length).toBe(2);
      await writeMeta(lens.redis.client(), { status: 'PROGRESS', result: { current: 1, total: 2 } }, { id });
      await writeMeta(
        lens.redis.client(),
        { status: 'SUCCESS', result: 'yours', date_done: new Date().toISOString().slice(0, -1) },
        { id },
      );
      await until(
        async () =>
          (await seen()).filter((event) => event.data === 'complete' && event.via !== 'sse-other').length === 2,
      );
      const events = await seen();
      for (const via of ['sse', 'ws']) {
        expect(events.filter((event) => event.via === via).map((event) => event.data)).toEqual([
          expect.stringContaining('"state":"PENDING"'),
          expect.stringContaining('"meta":{"current":1,"total":2}'),
          expect.stringContaining('"result":"yours"'),
          'complete',
        ]);
      }
      const refused = events
        .filter((event) => event.via === 'sse-other')
        .map((event) => event.data)
        .join('\n');
      expect(refused).toContain('"code":"FORBIDDEN"');
      expect(refused).toContain('complete');
      expect(refused).not.toContain('not yours');
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
