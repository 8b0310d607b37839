/**
 * Issue 24's hostile sites, in Chromium. DNS rebinding: Chromium resolves
 * attacker.example to 127.0.0.1 (--host-resolver-rules), as a rebinding
 * attacker's DNS does once the page is loaded; the attacker's page then
 * calls the server as its own origin. Chromium's own Local Network Access
 * check (a permission prompt since Chrome 142, which other browsers lack) is
 * switched off, so what is tested is the server's refusal. Clickjacking: a
 * page on portal.example frames the page and GraphiQL.
 */
import type { Browser, BrowserContext, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { startApp } from '../helpers/app.ts';
import { useLens } from '../helpers/lens-fixture.ts';

const lens = useLens(['--control', 'true', '--send-allow', 'lens.*']);
let browser: Browser;
let framable: Awaited<ReturnType<typeof startApp>>;
beforeAll(async () => {
  browser = await launchChromium([
    '--host-resolver-rules=MAP attacker.example 127.0.0.1, MAP portal.example 127.0.0.1',
    '--disable-features=LocalNetworkAccessChecks,LocalNetworkAccessChecksWebSockets,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults',
  ]);
  framable = await startApp(lens.redis.url(), ['--frame-ancestors', 'http://portal.example']);
});
afterAll(async () => {
  await framable?.stop();
  await browser?.close();
});

const port = (url: string) => new URL(url).port;

/** A context whose `page` at `url` is the attacker's own document (never sent to the server). */
async function hostileContext(url: string, html: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.route(url, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  return context;
}

interface Attempt {
  readonly send: { status: number; body: string } | string;
  readonly socket: string;
}

/** What a script of the page at `origin` gets when it sends a task and opens a WebSocket to its own origin. */
const ATTACK = async (): Promise<Attempt> => {
  const send = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation { sendTask(name: "lens.add", args: [1, 2]) { id } }' }),
  }).then(
    async (response) => ({ status: response.status, body: await response.text() }),
    (error: Error) => `fetch failed: ${error.message}`,
  );
  const socket = await new Promise<string>((resolve) => {
    const ws = new WebSocket(`ws://${location.host}/graphql`, 'graphql-transport-ws');
    ws.onopen = () => {
      ws.close();
      resolve('open');
    };
    ws.onerror = () => resolve('refused');
  });
  return { send, socket };
};

describe('a DNS-rebinding page', () => {
  it('sends no task and opens no WebSocket; the same script on the real origin does both', async () => {
    const attacker = `http://attacker.example:${port(lens.app.url)}`;
    const context = await hostileContext(`${attacker}/cats.html`, '<h1>cats</h1>');
    try {
      const page = await context.newPage();
      await page.goto(`${attacker}/cats.html`);
      const refused = await page.evaluate(ATTACK);
      expect(refused.socket).toBe('refused');
      expect(typeof refused.send === 'object' && refused.send.status).toBe(421);
      expect(JSON.parse((refused.send as { body: string }).body)).toMatchObject({
        errors: [{ extensions: { code: 'HOST_NOT_ALLOWED' } }],
      });
      expect(await lens.redis.client().llen('celery')).toBe(0);
      // Its own pages, at that name, are refused too.
      const home = await page.goto(`${attacker}/`);
      expect(home?.status()).toBe(421);
      expect((await page.goto(`${attacker}/graphql`))?.status()).toBe(421);

      // The control: the very same script from the server's own origin.
      await page.goto(new URL(lens.app.url).origin);
      const allowed = await page.evaluate(ATTACK);
      expect(allowed.socket).toBe('open');
      expect(typeof allowed.send === 'object' && allowed.send.status).toBe(200);
      expect(await lens.redis.client().llen('celery')).toBe(1);
    } finally {
      await lens.redis.client().del('celery');
      await context.close();
    }
  });
});

/** What `frame` shows: path, title and whether its React root is drawn (the page's and GraphiQL's both are), or Chromium's error page. */
async function framedContent(frame: Frame): Promise<string> {
  try {
    return await frame.evaluate(
      () => `${location.pathname}|${document.title}|${document.querySelector('#root')?.childElementCount ?? 0}`,
    );
  } catch (error) {
    return `unreadable: ${(error as Error).message.slice(0, 80)}`;
  }
}

describe('a page on another site framing the page and GraphiQL', () => {
  const framer = (lensUrl: string) => {
    const origin = new URL(lensUrl).origin;
    return `<iframe name="page" src="${origin}/"></iframe><iframe name="graphiql" src="${origin}/graphql"></iframe>`;
  };

  it('shows neither (frame-ancestors none, X-Frame-Options DENY); with --frame-ancestors naming it, both', async () => {
    for (const [app, shown] of [
      [lens.app, false],
      [framable, true],
    ] as const) {
      const portal = `http://portal.example/${shown ? 'listed' : 'unlisted'}.html`;
      const context = await hostileContext(portal, framer(app.url));
      try {
        const page = await context.newPage();
        const refusals: string[] = [];
        page.on('console', (message) => {
          if (message.text().includes('frame-ancestors')) refusals.push(message.text());
        });
        await page.goto(portal);
        const frames = () => ['page', 'graphiql'].map((name) => page.frame({ name })!);
        if (shown) {
          await expect
            .poll(async () => framedContent(frames()[0]!), { timeout: 30_000 })
            .toMatch(/^\/\|celery-lens\|[1-9]/);
          await expect
            .poll(async () => framedContent(frames()[1]!), { timeout: 60_000 })
            .toMatch(/^\/graphql\|celery-lens\|[1-9]/);
          expect(refusals).toEqual([]);
        } else {
          await expect.poll(() => refusals.length, { timeout: 30_000 }).toBe(2);
          for (const frame of frames()) expect(await framedContent(frame)).not.toMatch(/celery-lens/);
        }
      } finally {
        await context.close();
      }
    }
  }, 120_000);
});
