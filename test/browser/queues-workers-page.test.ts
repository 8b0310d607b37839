/**
 * The home page's live panels in Debian's Chromium, against real Celery 5.2.6:
 * queue lengths (priority sub-queues summed) grow as a client sends, with no
 * reload; a worker turns offline when it stops; keyboard and 390 px wide.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../helpers/browser.ts';
import { type CeleryWorker, celery, startWorker } from '../helpers/celery.ts';
import { usePageFixture } from '../helpers/page-fixture.ts';

const fx = usePageFixture({ flags: ['--queues', 'celery,backlog'] });
const { env, origin, tab } = fx;
const send = async (specs: Record<string, unknown>[]) =>
  (await celery<{ id: string }[]>('send', specs, env())).map((sent) => sent.id);

describe('queue lengths and workers on the home page', () => {
  it('shows each queue growing as Celery sends, priorities summed, with no reload; the oldest task is one key press away', async () => {
    const { page, blocked, problems } = await tab();
    await page.goto(origin());
    const row = page.locator('[data-testid="queues"] tr[data-queue="backlog"]');
    await expect.poll(() => row.getAttribute('data-length')).toBe('0');
    expect(
      await page
        .locator('[data-testid="queues"] tr[data-queue]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-queue'))),
    ).toEqual(['celery', 'backlog']);
    const [first] = await send([{ task: 'add', args: [1, 1], queue: 'backlog' }]);
    await send([9, 4, 0].map((priority) => ({ task: 'add', args: [2, 2], queue: 'backlog', priority })));
    await expect.poll(() => row.getAttribute('data-length'), { timeout: 10_000 }).toBe('4');
    await expect.poll(() => row.innerText()).toMatch(/0: 2 · 3: 1 · 9: 1/);
    // Task-sent events recorded: how long the oldest has waited, linking to it.
    const oldest = row.locator(`a[data-task-id="${first}"]`);
    await expect.poll(() => oldest.innerText(), { timeout: 10_000 }).toMatch(/^waiting /);
    await oldest.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('task-card').getAttribute('data-status')).toBe('QUEUED');
    expect(new URL(page.url()).pathname).toBe(`/tasks/${first}`);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('lists a real worker online with its heartbeat and load, then offline once it stops', {
    timeout: 60_000,
  }, async () => {
    const worker: CeleryWorker = await startWorker({ ...env(), queues: ['elsewhere'], heartbeatInterval: 1 });
    try {
      const { page, problems } = await tab({ width: 390, height: 844 });
      await page.goto(origin());
      const entry = page.locator(`[data-testid="worker"][data-hostname^="${worker.hostname.split('@')[0]}@"]`);
      await expect.poll(() => entry.getAttribute('data-online'), { timeout: 15_000 }).toBe('true');
      const text = await entry.innerText();
      expect(text).toMatch(/online/);
      expect(text).toMatch(/load \d+\.\d\d \d+\.\d\d \d+\.\d\d/);
      expect(text).toMatch(/heartbeat .* ago \(every 1 s\)/);
      expect(text).toContain('py-celery 5.2.6');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(ARTIFACTS, 'home-390px.png'), fullPage: true });
      await worker.stop();
      await expect.poll(() => entry.getAttribute('data-online'), { timeout: 10_000 }).toBe('false');
      expect(await entry.innerText()).toMatch(/offline/);
      expect(problems).toEqual([]);
    } finally {
      await worker.stop();
    }
  });
});
