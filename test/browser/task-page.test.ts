/**
 * The web page in Debian's Chromium against a real server and Redis, with
 * task metas written the way Celery writes them (the Celery-driven tests are
 * in workflow-page.test.ts): deep links, the live card, search and history,
 * bad input, big and deep graphs, keyboard and a phone-sized window.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium } from '../helpers/browser.ts';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { type PageUnderTest, card, graphNode, openPage } from '../helpers/page.ts';
import { celeryDate } from '../helpers/clock.ts';

const lens = useLens();
let browser: Browser;
let redis: Redis;
const open: PageUnderTest[] = [];
beforeAll(async () => {
  browser = await launchChromium();
  redis = lens.redis.client();
});
afterAll(async () => {
  for (const tab of open) await tab.context.close();
  await browser?.close();
});

const origin = () => new URL(lens.app.url).origin;
async function tab(viewport?: { width: number; height: number }): Promise<PageUnderTest> {
  const opened = await openPage(browser, origin(), viewport);
  open.push(opened);
  return opened;
}

const one = (id: string) => [[id, null], null];
const group = (id: string, members: string[]) => [[id, null], members.map(one)];
const DONE = celeryDate();

describe('the task page', () => {
  it('opens a deep link and follows the task live: progress bar, then SUCCEEDED in the card and the graph, without reload', async () => {
    const id = randomUUID();
    await writeMeta(
      redis,
      {
        status: 'PROGRESS',
        result: { current: 3, total: 10 },
        name: 'proj.tasks.crunch',
        args: [1, 2],
        kwargs: { mode: 'fast' },
        worker: 'w1@host',
        queue: 'celery',
        retries: 0,
      },
      { id },
    );
    const { page, blocked, problems } = await tab();
    await page.goto(`${origin()}/tasks/${id}`);
    await expect.poll(() => card(page).getAttribute('data-status')).toBe('RUNNING');
    expect(await card(page).getAttribute('data-task-id')).toBe(id);
    await expect.poll(() => page.getByTestId('task-progress').innerText()).toContain('3 / 10');
    await expect.poll(() => graphNode(page, id).getAttribute('data-status')).toBe('RUNNING');
    const text = await card(page).innerText();
    for (const shown of ['crunch', 'w1@host', '"mode": "fast"', 'PROGRESS', 'Result expires'])
      expect(text).toContain(shown);
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));

    await writeMeta(
      redis,
      { status: 'PROGRESS', result: { current: 7, total: 10 }, name: 'proj.tasks.crunch' },
      { id },
    );
    await expect.poll(() => page.getByTestId('task-progress').innerText()).toContain('7 / 10');
    await writeMeta(
      redis,
      { status: 'SUCCESS', result: { answer: 42 }, name: 'proj.tasks.crunch', date_done: DONE },
      { id },
    );
    await expect.poll(() => card(page).getAttribute('data-status')).toBe('SUCCEEDED');
    await expect.poll(() => graphNode(page, id).getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await page.getByTestId('task-result').innerText()).toContain('"answer": 42');
    // Not a reload: the marker set on the window is still there.
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // Never colour alone: the node says its status in words too.
    expect(await graphNode(page, id).innerText()).toContain('Succeeded');
    await page.screenshot({ path: join(ARTIFACTS, 'task-page-succeeded.png') });
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('finds a task from an id or a pasted URL; the back button returns to the previous page', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await writeMeta(redis, { status: 'SUCCESS', result: 1, date_done: DONE }, { id: a });
    await writeMeta(redis, { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id: b });
    const { page, problems } = await tab();
    await page.goto(origin());
    await page.getByTestId('task-search').fill(`  https://flower.example.com/task/${a}?tab=1#top `);
    await page.getByTestId('task-search').press('Enter');
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(a);
    expect(new URL(page.url()).pathname).toBe(`/tasks/${a}`);
    await page.getByTestId('task-search').fill(b);
    await page.getByTestId('task-search').press('Enter');
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(b);
    await expect.poll(() => card(page).getAttribute('data-status')).toBe('RUNNING');

    await page.goBack();
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(a);
    expect(await card(page).getAttribute('data-status')).toBe('SUCCEEDED');
    await page.goBack();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => page.getByRole('heading', { name: 'Find a task' }).count()).toBe(1);
    await page.goForward();
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(a);
    expect(problems).toEqual([]);
  });

  it('shows INVALID_TASK_ID inline for a bad id, and UNKNOWN with its reason for an unknown one', async () => {
    const { page } = await tab();
    await page.goto(`${origin()}/tasks/${encodeURIComponent('not a task id')}`);
    await expect.poll(() => page.getByTestId('error-message').getAttribute('data-code')).toBe('INVALID_TASK_ID');
    expect(await page.getByTestId('error-message').innerText()).not.toMatch(/trying again/);
    expect(await card(page).count()).toBe(0);
    // The header's search still works from there.
    const unknown = randomUUID();
    await page.getByTestId('task-search').fill(unknown);
    await page.getByTestId('task-search').press('Enter');
    await expect.poll(() => card(page).getAttribute('data-status')).toBe('UNKNOWN');
    expect(await page.getByTestId('task-status-reason').innerText()).toMatch(/no result/);
    expect(await page.getByTestId('error-message').count()).toBe(0);
  });

  it('collapses a group of more than 50 into a summary with counts, expands it on click, and counts every status', async () => {
    const root = randomUUID();
    const gid = randomUUID();
    const members = Array.from({ length: 120 }, () => randomUUID());
    const pipeline = redis.pipeline();
    pipeline.setex(
      `celery-task-meta-${root}`,
      600,
      JSON.stringify({
        status: 'SUCCESS',
        result: 1,
        traceback: null,
        children: [group(gid, members)],
        date_done: DONE,
        task_id: root,
      }),
    );
    members.forEach((member, index) => {
      const status = index < 100 ? 'SUCCESS' : index < 110 ? 'FAILURE' : 'STARTED';
      const meta =
        status === 'FAILURE'
          ? {
              status,
              result: { exc_type: 'ValueError', exc_message: ['no'], exc_module: 'builtins' },
              traceback: 'Traceback…',
              children: [],
              date_done: DONE,
            }
          : {
              status,
              result: status === 'SUCCESS' ? 1 : { pid: 1 },
              traceback: null,
              children: [],
              date_done: status === 'SUCCESS' ? DONE : null,
            };
      pipeline.setex(
        `celery-task-meta-${member}`,
        600,
        JSON.stringify({ ...meta, group_id: gid, parent_id: root, task_id: member }),
      );
    });
    await pipeline.exec();
    const { page, problems } = await tab();
    await page.goto(`${origin()}/tasks/${root}`);
    const summary = page.locator(`[data-testid="workflow-graph"] [data-kind="summary"][data-group-id="${gid}"]`);
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(/120 tasks/);
    const counts = page.getByTestId('status-counts');
    expect(await counts.locator('li[data-status="SUCCEEDED"]').getAttribute('data-count')).toBe('101');
    expect(await counts.locator('li[data-status="FAILED"]').getAttribute('data-count')).toBe('10');
    expect(await counts.locator('li[data-status="RUNNING"]').getAttribute('data-count')).toBe('10');
    expect(await page.locator('[data-testid="workflow-graph"] [data-task-id]').count()).toBe(1);

    await summary.getByRole('button').click();
    await expect
      .poll(() => page.locator('[data-testid="workflow-graph"] [data-task-id]').count(), { timeout: 10_000 })
      .toBe(121);
    expect(await summary.count()).toBe(0);
    // Clicking a node opens its card (and the graph stays: same root).
    await graphNode(page, members[105]!).getByRole('button').click();
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(members[105]);
    expect(await card(page).getAttribute('data-status')).toBe('FAILED');
    expect(new URL(page.url()).pathname).toBe(`/tasks/${members[105]}`);
    expect(await page.locator('[data-testid="workflow-graph"] [data-task-id]').count()).toBe(121);
    expect(problems).toEqual([]);
  });

  it('says when the graph is truncated', async () => {
    // A chain of 13 links: deeper than taskGraph's default maxDepth (10).
    const ids = Array.from({ length: 13 }, () => randomUUID());
    for (const [index, id] of ids.entries()) {
      const next = ids[index + 1];
      await writeMeta(
        redis,
        {
          status: 'SUCCESS',
          result: index,
          date_done: DONE,
          children: next ? [one(next)] : [],
          ...(index > 0 ? { parent_id: ids[index - 1] } : {}),
        },
        { id },
      );
    }
    const { page } = await tab();
    await page.goto(`${origin()}/tasks/${ids[0]}`);
    await page.getByTestId('graph-truncated').waitFor();
    expect(await page.locator('[data-testid="workflow-graph"] [data-task-id]').count()).toBe(11);
  });

  it('says so when a workflow has more tasks than --max-graph-nodes, and still shows the card', async () => {
    const small = await startApp(lens.redis.url(), ['--max-graph-nodes', '3']);
    try {
      const [root, ...children] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await writeMeta(
        redis,
        { status: 'SUCCESS', result: 1, date_done: DONE, children: children.map(one) },
        { id: root },
      );
      const smallOrigin = new URL(small.url).origin;
      const { page } = await openPage(browser, smallOrigin).then((opened) => (open.push(opened), opened));
      await page.goto(`${smallOrigin}/tasks/${root}`);
      await expect.poll(() => page.getByTestId('error-message').getAttribute('data-code')).toBe('GRAPH_TOO_LARGE');
      expect(await page.getByTestId('error-message').innerText()).not.toMatch(/trying again/);
      expect(await card(page).getAttribute('data-status')).toBe('SUCCEEDED');
    } finally {
      await small.stop();
    }
  });

  it('works with the keyboard, and at 390 px wide without sideways scrolling', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await writeMeta(
      redis,
      { status: 'SUCCESS', result: 1, date_done: DONE, children: [one(b)], name: 'proj.first' },
      { id: a },
    );
    await writeMeta(
      redis,
      {
        status: 'FAILURE',
        result: { exc_type: 'KeyError', exc_message: ['k'], exc_module: 'builtins' },
        traceback: 'Traceback (most recent call last):\nKeyError: k',
        parent_id: a,
        name: 'proj.second',
      },
      { id: b },
    );
    const { page, problems } = await tab({ width: 390, height: 844 });
    await page.goto(origin());
    // Once the page has rendered (goto resolves at the load event, React renders after it), Tab from
    // the top of the page reaches the search box; Enter submits.
    await page.getByTestId('task-search').waitFor();
    for (
      let i = 0;
      i < 10 && (await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) !== 'task-search';
      i++
    )
      await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('task-search');
    await page.keyboard.type(a);
    await page.keyboard.press('Enter');
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(a);
    await graphNode(page, b).waitFor();
    // The graph's nodes are buttons: focus one and press Enter to open its card.
    await graphNode(page, b).getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(b);
    const details = page.getByTestId('task-traceback');
    await details.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => details.locator('pre').isVisible()).toBe(true);
    expect(await details.innerText()).toContain('KeyError: k');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'task-page-390px.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
