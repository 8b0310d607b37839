/**
 * The trends on the home page and on a task name's page (/tasks?name=…) in
 * Debian's Chromium, fed by a real Celery 5.2.6 worker: both uPlot charts
 * drawn, their numbers in a table one key press away, and no request leaves
 * the origin (uPlot is bundled, no CDN).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../helpers/browser.ts';
import { celery } from '../helpers/celery.ts';
import { usePageFixture } from '../helpers/page-fixture.ts';

const fx = usePageFixture({ worker: { pool: 'prefork' } });
const { env, origin } = fx;

beforeAll(async () => {
  const sent = await celery<{ id: string }[]>(
    'send',
    [
      ...Array.from({ length: 5 }, (_, i) => ({ task: 'add', args: [i, 1] })),
      ...Array.from({ length: 2 }, (_, i) => ({ task: 'fail', args: [`no ${i}`] })),
    ],
    env(),
  );
  await celery('wait', { ids: sent.map((each) => each.id), timeout: 60 }, env());
}, 120_000);

/** How many pixels of a chart's canvas are drawn (not transparent). */
const drawnPixels = (page: Page, testId: string) =>
  page.locator(`[data-testid="${testId}"] canvas`).evaluate((canvas) => {
    const element = canvas as HTMLCanvasElement;
    const { data } = element.getContext('2d')?.getImageData(0, 0, element.width, element.height) ?? { data: [] };
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) drawn += 1;
    return drawn;
  });

/** The table's sums of succeeded and failed. */
const tableSums = (page: Page) =>
  page.locator('[data-testid="stats-table"] tbody tr').evaluateAll((rows) =>
    rows.reduce(
      (sum: [number, number], row): [number, number] => {
        const cells = row.querySelectorAll('td');
        return [sum[0] + Number(cells[0]?.textContent ?? 0), sum[1] + Number(cells[1]?.textContent ?? 0)];
      },
      [0, 0],
    ),
  );

describe('trends', () => {
  it('draws throughput and latency on the home page, with a table of the same numbers, and nothing from elsewhere', async () => {
    const tab = await fx.tab();
    const { page, blocked, problems } = tab;
    await page.goto(origin());
    for (const testId of ['throughput-chart', 'latency-chart']) {
      await expect.poll(() => page.locator(`[data-testid="${testId}"] canvas`).count()).toBe(1);
    }
    await expect.poll(() => drawnPixels(page, 'throughput-chart')).toBeGreaterThan(500);
    await expect.poll(() => drawnPixels(page, 'latency-chart')).toBeGreaterThan(500);
    expect(await page.getByTestId('throughput-chart').locator('figcaption').innerText()).toMatch(
      /5 succeeded, 2 failed/,
    );
    await page.getByTestId('stats-charts').screenshot({ path: join(ARTIFACTS, 'stats-charts.png') });
    // The table, by keyboard: focus on the button, Enter.
    const toggle = page.getByRole('button', { name: 'Table view' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => tableSums(page)).toEqual([5, 2]);
    expect(await page.getByTestId('throughput-chart').isVisible()).toBe(false);
    // The window picker asks again: the last 24 hours, in hours.
    await page.getByLabel('Window').selectOption('24h');
    await expect.poll(() => tableSums(page)).toEqual([5, 2]);
    expect(await page.locator('[data-testid="stats-table"] tbody tr').count()).toBeGreaterThanOrEqual(24);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("draws one task name's trends on its page", async () => {
    const tab = await fx.tab();
    const { page, blocked, problems } = tab;
    await page.goto(`${origin()}/tasks?name=lens.add`);
    await expect.poll(() => drawnPixels(page, 'latency-chart')).toBeGreaterThan(500);
    expect(await page.getByTestId('stats-charts').getAttribute('aria-label')).toBe('Trends of lens.add');
    await page.getByRole('button', { name: 'Table view' }).click();
    await expect.poll(() => tableSums(page)).toEqual([5, 0]);
    // Runtime percentiles are in the table for the minute the tasks ran.
    await expect
      .poll(() => page.locator('[data-testid="stats-table"] tbody').innerText())
      .toMatch(/\d\.\d{3} s \/ \d\.\d{3} s \/ \d\.\d{3} s/);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });
});
