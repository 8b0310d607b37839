/**
 * Redis restarted while the page is open: the page says the backend is down,
 * reconnects by itself, and catches up (subscribes again) once it is back.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useChromium } from '../helpers/browser.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { card, graphNode, openPage } from '../helpers/page.ts';
import { celeryDate } from '../helpers/clock.ts';

const lens = useLens();
const chromium = useChromium();

describe('the web page while Redis restarts', () => {
  it('shows a banner while Redis is down, and catches up with no reload once it is back', async () => {
    const id = randomUUID();
    await writeMeta(lens.redis.client(), { status: 'PROGRESS', result: { current: 1, total: 4 } }, { id });
    const { context, page, blocked } = await openPage(chromium.browser, new URL(lens.app.url).origin);
    try {
      await page.goto(`${new URL(lens.app.url).origin}/tasks/${id}`);
      await expect.poll(() => card(page).getAttribute('data-status')).toBe('RUNNING');
      await page.evaluate(() => Object.assign(window, { sameDocument: true }));
      const banner = page.getByTestId('backend-banner');
      expect(await banner.count()).toBe(0);

      await lens.redis.kill();
      await banner.waitFor({ timeout: 15_000 });
      expect(await banner.innerText()).toMatch(/Backend unavailable/);
      // What was shown stays on screen while the backend is away.
      expect(await card(page).getAttribute('data-status')).toBe('RUNNING');
      await page.screenshot({ path: join(ARTIFACTS, 'outage-banner.png') });

      // Back, empty (no persistence): the task changed meanwhile, as a worker would have stored it.
      await lens.redis.restart();
      await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 4, date_done: celeryDate() }, { id });
      await banner.waitFor({ state: 'detached', timeout: 15_000 });
      await expect.poll(() => card(page).getAttribute('data-status'), { timeout: 15_000 }).toBe('SUCCEEDED');
      await expect.poll(() => graphNode(page, id).getAttribute('data-status'), { timeout: 15_000 }).toBe('SUCCEEDED');
      // And it is live again, not just caught up once.
      const next = randomUUID();
      await writeMeta(lens.redis.client(), { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id: next });
      await page.getByTestId('task-search').fill(next);
      await page.getByTestId('task-search').press('Enter');
      await expect.poll(() => card(page).getAttribute('data-status')).toBe('RUNNING');
      await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 1, date_done: celeryDate() }, { id: next });
      await expect.poll(() => card(page).getAttribute('data-status')).toBe('SUCCEEDED');
      expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
