/**
 * The task card stays true while it is open, in Debian's Chromium against a
 * real server and Redis, metas and events written the way Celery writes them:
 * times, runtime and expiry that arrive after the final state, a running
 * task's elapsed time, and status icons drawn as SVG (no font needed).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, useChromium } from '../helpers/browser.ts';
import { publishEvents, writeMeta } from '../helpers/celery-meta.ts';
import { celeryDate } from '../helpers/clock.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { type PageUnderTest, card, graphNode, openPage } from '../helpers/page.ts';

// Celery's default result_expires here; the metas below are written with an app's own (3581 s left).
const lens = useLens(['--result-expires', '86400']);
const chromium = useChromium();
const origin = () => new URL(lens.app.url).origin;
let client: Redis;
beforeAll(() => {
  client = lens.redis.client();
});
const redis = () => client;

const tab = (): Promise<PageUnderTest> => openPage(chromium.browser, origin());

const event = (type: string, uuid: string, at: number, extra: Record<string, unknown> = {}) => ({
  hostname: 'lens-w1@vm',
  utcoffset: 0,
  pid: 1,
  clock: 1,
  uuid,
  timestamp: at / 1000,
  type,
  ...extra,
});
const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();

/** Whether every element the locator finds is an <svg> whose drawing has an area (a glyph missing from a font has none to measure). */
async function drawnIcons(
  page: Page,
  selector: string,
): Promise<{ tag: string; width: number; height: number; drawn: boolean }[]> {
  return page.locator(selector).evaluateAll((icons) =>
    icons.map((icon) => {
      const box = icon.getBoundingClientRect();
      const path = icon.querySelector('path');
      const drawing = path ? path.getBBox() : { width: 0, height: 0 };
      return {
        tag: icon.tagName.toLowerCase(),
        width: box.width,
        height: box.height,
        drawn: drawing.width > 0 && drawing.height > 0,
      };
    }),
  );
}

describe('the live task card', () => {
  it('takes times, runtime and expiry that arrive after the final state, without reload', async () => {
    const id = randomUUID();
    const started = Date.now() - 3000;
    // The worker stores SUCCESS before its events are in: the card opens on the final state with no times yet.
    await writeMeta(
      redis(),
      {
        status: 'SUCCESS',
        result: 42,
        name: 'proj.tasks.total',
        date_done: celeryDate(),
        worker: 'lens-w1@vm',
        queue: 'celery',
        retries: 0,
      },
      { id, ttl: 3581 },
    );
    const { page, problems } = await tab();
    await page.goto(`${origin()}/tasks/${id}`);
    await expect.poll(() => card(page).getAttribute('data-status')).toBe('SUCCEEDED');
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    expect(await text(page, 'task-started-at')).toBe('—');
    expect(await text(page, 'task-runtime')).toBe('—');
    // The key's own TTL (an hour), not --result-expires (a day).
    expect(await text(page, 'task-expiry')).toMatch(/^in 59m \d+s$/);

    await publishEvents(redis(), 0, [
      event('task-received', id, started - 500, { name: 'proj.tasks.total' }),
      event('task-started', id, started),
      event('task-succeeded', id, started + 2500, { result: '42', runtime: 2.5 }),
    ]);
    await expect.poll(() => text(page, 'task-runtime'), { timeout: 10_000 }).toBe('2.50 s');
    expect(await text(page, 'task-started-at')).not.toBe('—');
    expect(await text(page, 'task-received-at')).not.toBe('—');
    expect(await text(page, 'task-expiry')).toMatch(/^in 59m \d+s$/);
    // The timeline beside it too (the workflow's stream had completed when they came): from its start to its end.
    const span = async () =>
      Number(/\((\d+\.\d+) s\)/.exec(await page.locator('.timeline-panel h2').innerText())?.[1] ?? NaN);
    await expect.poll(span, { timeout: 10_000 }).toBeGreaterThanOrEqual(2.5);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // A later write with another TTL (a re-run stored with result_expires=120): the card shows that one.
    await writeMeta(
      redis(),
      { status: 'SUCCESS', result: 43, name: 'proj.tasks.total', date_done: celeryDate(Date.now() + 1000) },
      { id, ttl: 120 },
    );
    await expect.poll(() => text(page, 'task-expiry'), { timeout: 10_000 }).toMatch(/^in (1m \d+s|2m 0s|\d+\.\d s)$/);
    await page.screenshot({ path: join(ARTIFACTS, 'live-card-done.png') });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows how long a running task has run, ticking', async () => {
    const id = randomUUID();
    await writeMeta(
      redis(),
      {
        status: 'STARTED',
        result: { pid: 7, hostname: 'lens-w1@vm' },
        name: 'proj.tasks.crunch',
        worker: 'lens-w1@vm',
      },
      { id },
    );
    await publishEvents(redis(), 0, [event('task-started', id, Date.now() - 12_000)]);
    const { page, problems } = await tab();
    await page.goto(`${origin()}/tasks/${id}`);
    await expect.poll(() => card(page).getAttribute('data-status')).toBe('RUNNING');
    await expect.poll(() => page.getByTestId('task-elapsed').count(), { timeout: 10_000 }).toBe(1);
    const seconds = async () => Number(/^Running for (\d+) s$/.exec(await text(page, 'task-elapsed'))?.[1] ?? NaN);
    const first = await seconds();
    expect(first).toBeGreaterThanOrEqual(12);
    expect(first).toBeLessThan(60);
    await expect.poll(seconds, { timeout: 10_000 }).toBeGreaterThan(first);
    await page.screenshot({ path: join(ARTIFACTS, 'live-card-running.png') });

    // Done: the elapsed time gives way to the runtime.
    await writeMeta(
      redis(),
      { status: 'SUCCESS', result: 1, name: 'proj.tasks.crunch', date_done: celeryDate() },
      { id },
    );
    await publishEvents(redis(), 0, [event('task-succeeded', id, Date.now(), { result: '1', runtime: 14.25 })]);
    await expect.poll(() => text(page, 'task-runtime'), { timeout: 10_000 }).toBe('14.3 s');
    expect(await page.getByTestId('task-elapsed').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('status icons', () => {
  it('are inline SVG that draw something, on the card, the graph and every status of the filter', async () => {
    const [id, expired] = [randomUUID(), randomUUID()];
    await writeMeta(
      redis(),
      { status: 'SUCCESS', result: 1, name: 'proj.tasks.icon', date_done: celeryDate() },
      { id },
    );
    const { page, problems } = await tab();
    await page.goto(`${origin()}/tasks/${id}`);
    await expect.poll(() => card(page).getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await drawnIcons(page, '[data-testid="task-card"] .badge > svg.status-icon')).toEqual([
      { tag: 'svg', width: expect.any(Number), height: expect.any(Number), drawn: true },
    ]);
    const [badge] = await drawnIcons(page, '[data-testid="task-card"] .badge > svg.status-icon');
    expect(badge!.width).toBeGreaterThan(8);
    expect(badge!.height).toBeGreaterThan(8);
    // The graph's nodes (a thousand at a time) draw the same SVG as a mask: no element, no font.
    await expect.poll(() => graphNode(page, id).count()).toBe(1);
    const nodeIcon = await graphNode(page, id)
      .locator('button')
      .evaluate((button) => {
        const style = getComputedStyle(button, '::before');
        return {
          image: style.maskImage || style.webkitMaskImage,
          width: parseFloat(style.width),
          height: parseFloat(style.height),
        };
      });
    expect(nodeIcon.image).toMatch(/^url\("data:image\/svg\+xml,/);
    expect(nodeIcon.width).toBeGreaterThan(0);
    expect(nodeIcon.height).toBeGreaterThan(0);

    // Every status, the two that were empty boxes (Stalled ⏸, Expired ⌛) among them.
    await page.goto(`${origin()}/tasks`);
    // The filter is drawn once the page has asked what it offers: wait for it, then look.
    await page.locator('.status-choice svg.status-icon').nth(9).waitFor();
    const icons = await drawnIcons(page, '.status-choice svg.status-icon');
    expect(icons).toHaveLength(10);
    for (const icon of icons) expect(icon).toMatchObject({ tag: 'svg', drawn: true });
    expect(icons.every((icon) => icon.width > 8 && icon.height > 8)).toBe(true);
    const labels = await page.locator('.status-choice').allInnerTexts();
    expect(labels.map((label) => label.trim())).toEqual(expect.arrayContaining(['Stalled', 'Expired']));
    expect(labels.join('')).not.toMatch(/[⏸⌛◷▶↻✓✕⊘⚠]/u);
    await page.locator('fieldset.statuses').screenshot({ path: join(ARTIFACTS, 'status-icons.png') });

    // An EXPIRED card (Celery's result gone, celery-lens' tombstone kept) shows its hourglass drawn.
    await writeMeta(redis(), { status: 'SUCCESS', result: 1, date_done: celeryDate() }, { id: expired });
    await expect
      .poll(async () => (await redis().exists(`celery-lens:tomb:${expired}`)) === 1, { timeout: 10_000 })
      .toBe(true);
    await redis().del(`celery-task-meta-${expired}`);
    await page.goto(`${origin()}/tasks/${expired}`);
    await expect.poll(() => card(page).getAttribute('data-status')).toBe('EXPIRED');
    expect(await drawnIcons(page, '[data-testid="task-card"] .badge > svg.status-icon')).toMatchObject([
      { tag: 'svg', drawn: true },
    ]);
    await card(page).screenshot({ path: join(ARTIFACTS, 'live-card-expired.png') });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
