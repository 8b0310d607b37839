/**
 * The Alerts view in Debian's Chromium: each rule with its state, and the
 * history of transitions, live (the alerts subscription, no reload) as a
 * queue_length rule fires and resolves; reached from the nav by keyboard;
 * no request leaves the server under test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { ARTIFACTS, launchChromium } from '../helpers/browser.ts';
import { type PageUnderTest, openPage } from '../helpers/page.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { type WebhookReceiver, startReceiver } from '../helpers/webhook-receiver.ts';

let redis: RedisServer;
let receiver: WebhookReceiver;
let app: Awaited<ReturnType<typeof startApp>>;
let browser: Browser;
let dir: string;
const open: PageUnderTest[] = [];
const origin = () => new URL(app.url).origin;

beforeAll(async () => {
  [redis, receiver, browser] = await Promise.all([startRedis(), startReceiver(), launchChromium()]);
  dir = mkdtempSync(join(tmpdir(), 'lens-alerts-page-'));
  const webhook = { url: `${receiver.origin}/hook`, secret: 'the-operators-secret' };
  const rules = [
    { name: 'celery-backlog', kind: 'queue_length', queue: 'celery', threshold: 2, webhook },
    { name: 'charges-failing', kind: 'failures', task: 'proj.charge', windowSeconds: 300, threshold: 5, webhook },
  ];
  writeFileSync(join(dir, 'rules.json'), JSON.stringify({ rules }));
  app = await startApp(redis.url(), ['--alert-rules', join(dir, 'rules.json'), '--alert-interval-ms', '200']);
}, 120_000);
afterAll(async () => {
  for (const tab of open) await tab.context.close();
  await browser?.close();
  await app?.stop();
  await receiver?.stop();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Alerts view', () => {
  it('shows each rule’s state and the history, live, as a rule fires and resolves', async () => {
    const tab = await openPage(browser, origin());
    open.push(tab);
    const { page, blocked, problems } = tab;
    await page.goto(origin());
    // From the nav, by keyboard.
    await page.getByTestId('nav-alerts').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toBe(`${origin()}/alerts`);
    const rule = (name: string) => page.locator(`[data-testid="alert-rule"][data-name="${name}"]`);
    await expect.poll(() => rule('celery-backlog').getAttribute('data-state')).toBe('OK');
    expect(
      await page
        .getByTestId('alert-rule')
        .evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-name'), row.getAttribute('data-state')])),
    ).toEqual([
      ['celery-backlog', 'OK'],
      ['charges-failing', 'OK'],
    ]);
    await expect.poll(() => page.getByTestId('alert-total').getAttribute('data-count')).toBe('0');

    const client = redis.client();
    await client.lpush('celery', 'a', 'b', 'c');
    // No reload: the subscription brings the transition, and the rule's state with it.
    await expect.poll(() => rule('celery-backlog').getAttribute('data-state')).toBe('FIRING');
    await expect.poll(() => rule('celery-backlog').innerText()).toMatch(/Firing\s+queue length\s+3\s+2/);
    const transitions = page.getByTestId('alert-transition');
    await expect.poll(() => transitions.count()).toBe(1);
    expect(await transitions.first().getAttribute('data-state')).toBe('FIRING');
    await page.screenshot({ path: join(ARTIFACTS, 'alerts-firing.png'), fullPage: true });

    await client.del('celery');
    await expect.poll(() => transitions.count()).toBe(2);
    expect(await transitions.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-state')))).toEqual([
      'RESOLVED',
      'FIRING',
    ]);
    await expect.poll(() => rule('celery-backlog').getAttribute('data-state')).toBe('OK');
    await expect.poll(() => page.getByTestId('alert-total').getAttribute('data-count')).toBe('2');
    expect(receiver.to('/hook').map((request) => JSON.parse(request.body).state)).toEqual(['firing', 'resolved']);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });
});
