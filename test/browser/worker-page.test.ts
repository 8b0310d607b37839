/**
 * The worker page `/workers/<hostname>` against a real Celery 5.2 prefork
 * worker: reached from the workers list, it shows what the worker answers
 * when asked (its running task, linked and timed; its pool, queues and
 * registered names) and its finished tasks counted; a key with the control
 * scope grows the pool from it, a viewer's key sees no control buttons.
 */
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { celery } from '../helpers/celery.ts';
import type { PageUnderTest } from '../helpers/page.ts';
import { usePageFixture } from '../helpers/page-fixture.ts';

const OPS_KEY = `ops-${randomUUID()}`;
const VIEW_KEY = `view-${randomUUID()}`;
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const fx = usePageFixture({
  worker: { pool: 'prefork', concurrency: 1, heartbeatInterval: 1 },
  flags: [
    '--control',
    'true',
    '--auth',
    'true',
    '--api-keys',
    `ops:${hash(OPS_KEY)}:status+payload+control,viewer:${hash(VIEW_KEY)}:status+payload`,
  ],
});

async function tabWithKey(key: string): Promise<PageUnderTest> {
  const tab = await fx.tab();
  await tab.context.addInitScript((value) => sessionStorage.setItem('celery-lens:api-key', value), key);
  return tab;
}

describe('the worker page', () => {
  it('opens from the workers list and shows the running task, pool, queues, registered names and counts; grows the pool', async () => {
    const [done] = await celery<{ id: string }[]>('send', [{ task: 'add', args: [1, 1] }], fx.env());
    await celery('wait', { ids: [done!.id] }, fx.env());
    const [running] = await celery<{ id: string }[]>('send', [{ task: 'sleep', args: [6] }], fx.env());
    const tab = await tabWithKey(OPS_KEY);
    const { page } = tab;
    await page.goto(fx.origin());
    const link = page.getByTestId('worker-link').first();
    await link.waitFor({ timeout: 20_000 });
    const hostname = (await link.textContent())!.trim();
    await link.click();
    await expect.poll(() => page.url()).toBe(`${fx.origin()}/workers/${encodeURIComponent(hostname)}`);
    await expect
      .poll(() => page.getByTestId('worker-page').getAttribute('data-online'), { timeout: 10_000 })
      .toBe('true');
    const active = page.getByTestId('worker-active');
    await expect.poll(() => active.locator(`[data-task-id="${running!.id}"]`).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => active.getByTestId('task-elapsed').textContent()).toMatch(/^Running for \d/);
    await expect.poll(() => page.getByTestId('worker-registered').textContent()).toContain('lens.add');
    expect(await page.getByTestId('worker-queues').textContent()).toContain('celery');
    expect(await page.getByTestId('pool-processes').textContent()).toBe('1');
    await expect
      .poll(() => page.getByTestId('worker-counts').textContent(), { timeout: 10_000 })
      .toMatch(/1 succeeded/);

    await page.locator('[data-testid="worker-actions"] button[data-action="grow"]').click();
    await expect.poll(() => page.getByTestId('worker-answers').textContent()).toContain('pool will grow');
    await expect.poll(() => page.getByTestId('pool-processes').textContent(), { timeout: 15_000 }).toBe('2');
    expect(tab.problems).toEqual([]);
  });

  it('shows a viewer what the worker answers, without control buttons', async () => {
    const tab = await tabWithKey(VIEW_KEY);
    const { page } = tab;
    await page.goto(fx.origin());
    const link = page.getByTestId('worker-link').first();
    await link.waitFor({ timeout: 20_000 });
    await link.click();
    await expect
      .poll(() => page.getByTestId('worker-registered').textContent(), { timeout: 10_000 })
      .toContain('lens.add');
    await expect.poll(() => page.getByTestId('worker-actions').getAttribute('data-can-control')).toBe('false');
    expect(await page.getByRole('button', { name: /Grow pool/ }).count()).toBe(0);
    expect(tab.problems).toEqual([]);
  });
});
