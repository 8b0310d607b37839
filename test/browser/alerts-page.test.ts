/**
 * The Alerts view in Debian's Chromium: each rule with its state, and the
 * history of transitions, live (the alerts subscription, no reload) as a
 * queue_length rule fires and resolves; reached from the nav by keyboard;
 * no request leaves the server under test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../helpers/browser.ts';
import { usePageFixture } from '../helpers/page-fixture.ts';
import { type WebhookReceiver, startReceiver } from '../helpers/webhook-receiver.ts';

const dir = mkdtempSync(join(tmpdir(), 'lens-alerts-page-'));
let receiver: WebhookReceiver;
// Before the fixture's: the rules name the receiver, and celery-lens reads them at start.
beforeAll(async () => {
  receiver = await startReceiver();
  const webhook = { url: `${receiver.origin}/hook`, secret: 'the-operators-secret' };
  const rules = [
    { name: 'celery-backlog', kind: 'queue_length', queue: 'celery', threshold: 2, webhook },
    { name: 'charges-failing', kind: 'failures', task: 'proj.charge', windowSeconds: 300, threshold: 5, webhook },
  ];
  writeFileSync(join(dir, 'rules.json'), JSON.stringify({ rules }));
});
const lens = usePageFixture({ flags: ['--alert-rules', join(dir, 'rules.json'), '--alert-interval-ms', '200'] });
afterAll(async () => {
  await receiver?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Alerts view', () => {
  it('shows each rule’s state and the history, live, as a rule fires and resolves', async () => {
    const { page, blocked, problems } = await lens.tab();
    const origin = lens.origin();
    await page.goto(origin);
    // From the nav, by keyboard.
    await page.getByTestId('nav-alerts').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toBe(`${origin}/alerts`);
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

    // The queues are on Celery's broker, db 15.
    const client = lens.redis.client(15);
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
