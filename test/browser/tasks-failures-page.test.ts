/**
 * The Tasks and Failures views in Debian's Chromium, over searchTasks and
 * failures, against a real Celery 5.2.6 worker: filters (with the keyboard),
 * links that carry the filter, paging by cursor, new tasks and failures
 * appearing with no reload (taskEvents, not polling), the kwargs filter with
 * and without the payload scope, and a 390 px wide window.
 */
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { ARTIFACTS } from '../helpers/browser.ts';
import { celery } from '../helpers/celery.ts';
import { card, graphNode } from '../helpers/page.ts';
import { until } from '../helpers/until.ts';
import { usePageFixture } from '../helpers/page-fixture.ts';

const q = 'views';
const fx = usePageFixture({
  worker: { queues: [q], pool: 'prefork', concurrency: 2 },
  flags: ['--index-kwargs', 'tenant'],
});
const { env, origin, tab } = fx;
const send = async (specs: Record<string, unknown>[]) =>
  (await celery<{ id: string }[]>('send', specs, env())).map((sent) => sent.id);
const finish = (ids: string[]) => celery('wait', { ids, timeout: 60 }, env());
const failing = (message: string, kind = 'ValueError') => ({
  task: 'fail_after',
  args: [0.5, message, kind],
  queue: q,
});

/** Ids by what was sent: 55 additions (instant), 3 ValueErrors and 1 TypeError (after half a second's work). */
const sent = { adds: [] as string[], valueErrors: [] as string[], typeErrors: [] as string[] };

beforeAll(async () => {
  sent.adds = await send(Array.from({ length: 55 }, (_, n) => ({ task: 'add', args: [n, 1], queue: q })));
  sent.valueErrors = await send(['a', 'b', 'c'].map((message) => failing(message)));
  sent.typeErrors = await send([failing('wrong type', 'TypeError')]);
  await finish([...sent.adds, ...sent.valueErrors, ...sent.typeErrors]);
}, 180_000);
const rows = (page: Page) => page.getByTestId('task-row');
const rowStatuses = (page: Page) => rows(page).evaluateAll((all) => all.map((row) => row.getAttribute('data-status')));
const rowIds = (page: Page) => rows(page).evaluateAll((all) => all.map((row) => row.getAttribute('data-task-id')));
const total = (page: Page) => page.getByTestId('task-total').getAttribute('data-count');
/** The searchTasks requests a page sends from now on (the view asks its first page once, then follows taskEvents). */
function countSearches(page: Page): { readonly count: number } {
  const seen = { count: 0 };
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/graphql' && request.postData()?.includes('searchTasks')) seen.count += 1;
  });
  return seen;
}

describe('the Tasks view', () => {
  it('lists the indexed tasks, filters them with the keyboard, keeps the filter in the address, and opens a task', async () => {
    const { page, blocked, problems } = await tab();
    await page.goto(origin());
    await page.getByTestId('nav-tasks').click();
    // Every task sent, once the consumer indexed their ends.
    await expect.poll(() => total(page), { timeout: 15_000 }).toBe('59');
    expect(await rows(page).count()).toBe(50);

    await page.getByRole('checkbox', { name: /Failed/ }).focus();
    await page.keyboard.press('Space');
    await page.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.type('lens.fail_after');
    await page.keyboard.press('Enter');
    await expect.poll(() => total(page)).toBe('4');
    expect(new URL(page.url()).search).toBe('?status=FAILED&name=lens.fail_after');
    expect((await rowIds(page)).sort()).toEqual([...sent.valueErrors, ...sent.typeErrors].sort());
    expect(new Set(await rowStatuses(page))).toEqual(new Set(['FAILED']));

    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByRole('checkbox', { name: /Failed/ }).uncheck();
    await page.getByLabel('Name starts with').fill('lens.a');
    await page.getByTestId('apply-filter').click();
    await expect.poll(() => total(page)).toBe('55');
    expect(new URL(page.url()).search).toBe('?namePrefix=lens.a');
    // The back button returns to the previous filter.
    await page.goBack();
    await expect.poll(() => total(page)).toBe('4');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('lens.fail_after');

    const target = sent.valueErrors[0]!;
    await page.locator(`[data-testid="task-row"] a[data-task-id="${target}"]`).click();
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(target);
    expect(await card(page).getAttribute('data-status')).toBe('FAILED');
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('pages by cursor without repeating a task, and is live again on the first page', async () => {
    const { page, problems } = await tab();
    await page.goto(`${origin()}/tasks?name=lens.add&status=SUCCEEDED`);
    await expect.poll(() => total(page), { timeout: 15_000 }).toBe('55');
    expect(await rows(page).count()).toBe(50);
    await page.getByTestId('load-more').click();
    await expect.poll(() => rows(page).count()).toBe(55);
    const ids = await rowIds(page);
    expect(new Set(ids).size).toBe(55);
    expect([...ids].sort()).toEqual([...sent.adds].sort());
    await expect.poll(() => page.getByTestId('load-more').count()).toBe(0);
    await page.getByRole('button', { name: /Back to the first page/ }).click();
    await expect.poll(() => rows(page).count()).toBe(50);
    expect(problems).toEqual([]);
  });

  it('shows a new task with no reload while on the first page', async () => {
    const { page, problems } = await tab();
    await page.goto(`${origin()}/tasks?status=FAILED`);
    await expect.poll(() => total(page), { timeout: 15_000 }).toBe('4');
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const searches = countSearches(page);
    const [fresh] = await send([failing('late')]);
    sent.valueErrors.push(fresh!);
    await finish([fresh!]);
    await expect.poll(() => rowIds(page), { timeout: 15_000 }).toContain(fresh);
    // Newest first, with the count, from the event alone.
    expect((await rowIds(page))[0]).toBe(fresh);
    await expect.poll(() => total(page)).toBe('5');
    expect(searches.count).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('changes a row in place as its task runs and finishes, over taskEvents: no reload, no searchTasks asked again', async () => {
    const { page, problems } = await tab();
    const searches = countSearches(page);
    await page.goto(`${origin()}/tasks?name=lens.sleep`);
    await expect.poll(() => total(page), { timeout: 15_000 }).toBe('0');
    const asked = searches.count;
    expect(asked).toBeGreaterThan(0);
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const [slow] = await send([{ task: 'sleep', args: [3], queue: q }]);
    const row = page.locator(`[data-testid="task-row"][data-task-id="${slow}"]`);
    // Added at the top while it runs, then its row (the same element) turns SUCCEEDED.
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('RUNNING');
    await row.evaluate((element) => element.setAttribute('data-seen-running', 'yes'));
    expect(await total(page)).toBe('1');
    await finish([slow!]);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('SUCCEEDED');
    expect(await row.getAttribute('data-seen-running')).toBe('yes');
    expect(searches.count).toBe(asked);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('fits a 390 px wide window, the table scrolling on its own', async () => {
    const { page, problems } = await tab({ width: 390, height: 844 });
    await page.goto(`${origin()}/tasks?status=FAILED`);
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'tasks-view-390px.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});

describe('the kwargs filter (--index-kwargs tenant)', () => {
  const kwargRows = (page: Page) => page.getByTestId('kwargs-filter');

  it('finds the task sent with that kwarg and no other, from the form and from the address; a key not indexed is a coded error beside it', async () => {
    const tenant = `acme-${randomUUID().slice(0, 8)}`;
    const [mine, other, none] = await send([
      { task: 'echo', kwargs: { tenant, n: 1 }, queue: q },
      { task: 'echo', kwargs: { tenant: 'someone-else', n: 2 }, queue: q },
      { task: 'echo', args: [tenant], queue: q },
    ]);
    await finish([mine!, other!, none!]);
    const { page, problems } = await tab();
    await page.goto(`${origin()}/tasks?name=lens.echo`);
    await expect.poll(() => total(page), { timeout: 15_000 }).toBe('3');
    await page.getByTestId('add-kwarg').click();
    // The only indexed key is filled in.
    expect(await kwargRows(page).getByLabel('Key').inputValue()).toBe('tenant');
    await kwargRows(page).getByLabel('equals').fill(tenant);
    await kwargRows(page).getByLabel('equals').press('Enter');
    await expect.poll(() => total(page)).toBe('1');
    expect(new URL(page.url()).searchParams.get('kw.tenant')).toBe(tenant);
    expect(await rowIds(page)).toEqual([mine]);

    await page.goto(`${origin()}/tasks?kw.tenant=someone-else`);
    await expect.poll(() => rowIds(page), { timeout: 15_000 }).toEqual([other]);

    await page.goto(`${origin()}/tasks?kw.user_id=7`);
    const error = kwargRows(page).getByTestId('error-message');
    await expect.poll(() => error.getAttribute('data-code'), { timeout: 15_000 }).toBe('INVALID_ARGUMENT');
    expect(await error.innerText()).toMatch(/--index-kwargs/);
    expect(await rows(page).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('is not offered to a status-only key, and a kwargs filter in the address answers FORBIDDEN beside it', async () => {
    const key = `status-${randomUUID()}`;
    const hash = createHash('sha256').update(key).digest('hex');
    const guarded = await startApp(fx.redis.url(0), [
      '--broker',
      fx.redis.url(15),
      '--index-kwargs',
      'tenant',
      '--auth',
      'true',
      '--api-keys',
      `dashboard:${hash}:status`,
    ]);
    try {
      const guardedOrigin = new URL(guarded.url).origin;
      const opened = await tab(undefined, guardedOrigin);
      const { page, problems } = opened;
      await page.addInitScript((value) => sessionStorage.setItem('celery-lens:api-key', value), key);
      await page.goto(`${guardedOrigin}/tasks?name=lens.echo`);
      await expect.poll(() => total(page), { timeout: 15_000 }).toBe('3');
      expect(await kwargRows(page).count()).toBe(0);
      expect(await page.getByTestId('add-kwarg').count()).toBe(0);

      await page.goto(`${guardedOrigin}/tasks?name=lens.echo&kw.tenant=someone-else`);
      const error = kwargRows(page).getByTestId('error-message');
      await expect.poll(() => error.getAttribute('data-code'), { timeout: 15_000 }).toBe('FORBIDDEN');
      expect(await error.innerText()).toMatch(/payload scope/);
      expect(await rows(page).count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await guarded.stop();
    }
  });
});

describe('the Failures view', () => {
  const group = (page: Page, name: string, type: string) =>
    page.locator(`[data-testid="failure-group"][data-name="${name}"][data-exception-type="${type}"]`);

  it('groups failures by task name and exception type, live, each linking to its tasks and its latest failure', async () => {
    const { page, blocked, problems } = await tab();
    await page.goto(origin());
    await page.getByTestId('nav-failures').click();
    const valueErrors = group(page, 'lens.fail_after', 'ValueError');
    await expect
      .poll(() => valueErrors.getAttribute('data-count'), { timeout: 15_000 })
      .toBe(String(sent.valueErrors.length));
    expect(await group(page, 'lens.fail_after', 'TypeError').getAttribute('data-count')).toBe('1');
    expect(await page.getByTestId('failure-group').count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'failures-view.png'), fullPage: true });

    // A new failure counts with no reload.
    const before = sent.valueErrors.length;
    const [fresh] = await send([failing('again')]);
    sent.valueErrors.push(fresh!);
    await finish([fresh!]);
    await expect.poll(() => valueErrors.getAttribute('data-count'), { timeout: 15_000 }).toBe(String(before + 1));
    // The group's latest failure is the example.
    await until(async () => (await valueErrors.locator('a[data-task-id]').getAttribute('data-task-id')) === fresh);

    await valueErrors.getByRole('link', { name: 'failed tasks of this name' }).click();
    // Both groups have this name.
    await expect.poll(() => total(page)).toBe(String(sent.valueErrors.length + sent.typeErrors.length));
    expect(new URL(page.url()).search).toBe('?status=FAILED&name=lens.fail_after');
    await page.goBack();
    await valueErrors.locator(`a[data-task-id="${fresh}"]`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(fresh);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('narrows to a window: none failed in the future', async () => {
    const { page, problems } = await tab();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    await page.goto(`${origin()}/failures?since=${encodeURIComponent(tomorrow)}`);
    await expect.poll(() => page.getByTestId('failure-total').getAttribute('data-count')).toBe('0');
    await page.getByRole('button', { name: 'Everything' }).click();
    await expect.poll(() => page.getByTestId('failure-group').count()).toBe(2);
    expect(problems).toEqual([]);
  });
});

describe('the views with the index off', () => {
  it('say so (INDEX_DISABLED) instead of an empty list, and a window that ends before it starts is refused', async () => {
    const off = await startApp(fx.redis.url(0), ['--broker', fx.redis.url(15), '--index', 'false']);
    try {
      const opened = await tab(undefined, new URL(off.url).origin);
      const { page } = opened;
      await page.goto(`${new URL(off.url).origin}/tasks?status=FAILED`);
      await expect.poll(() => page.getByTestId('error-message').getAttribute('data-code')).toBe('INDEX_DISABLED');
      expect(await page.getByTestId('task-row').count()).toBe(0);
      await page.goto(`${new URL(off.url).origin}/failures`);
      await expect.poll(() => page.getByTestId('error-message').getAttribute('data-code')).toBe('INDEX_DISABLED');
    } finally {
      await off.stop();
    }
    const { page } = await tab();
    await page.goto(
      `${origin()}/failures?since=${new Date(Date.now() - 3_600_000).toISOString()}&until=${new Date(Date.now() - 7_200_000).toISOString()}`,
    );
    await expect.poll(() => page.getByTestId('error-message').getAttribute('data-code')).toBe('INVALID_ARGUMENT');
  });
});

describe('names and times of the Tasks view', () => {
  /** Each row's id, status and Last heard (the time attribute), read at one instant. */
  const heard = (page: Page) =>
    rows(page).evaluateAll((all) =>
      all.map((row) => ({
        id: row.getAttribute('data-task-id'),
        status: row.getAttribute('data-status'),
        at: row.querySelector('[data-testid="last-heard"]')?.getAttribute('datetime') ?? null,
      })),
    );
  const sortedNewestFirst = (list: { at: string | null }[]) =>
    list.every((row, n) => n === 0 || Date.parse(row.at ?? '') <= Date.parse(list[n - 1]!.at ?? ''));

  it('names a queued task (only its task-sent heard) in its row, its card, its graph node and its timeline', async () => {
    const [queued] = await send([{ task: 'add', args: [40, 2], queue: 'nobody-listens' }]);
    const { page, problems } = await tab();
    await page.goto(`${origin()}/tasks?status=QUEUED`);
    const link = page.locator(`[data-testid="task-row"][data-task-id="${queued}"] a[data-task-id="${queued}"]`);
    await expect.poll(() => link.count(), { timeout: 15_000 }).toBe(1);
    expect(await link.innerText()).toBe('lens.add');
    await link.click();
    await expect.poll(() => card(page).getAttribute('data-status')).toBe('QUEUED');
    expect(await card(page).locator('h2').innerText()).toBe('lens.add');
    await expect
      .poll(() => graphNode(page, queued!).locator('button').getAttribute('title'), { timeout: 15_000 })
      .toBe('lens.add');
    await expect.poll(() => page.getByTestId('timeline').innerText(), { timeout: 15_000 }).toContain('lens.add');
    expect(problems).toEqual([]);
  });

  it('shows Last heard sorted in the order shown: a PROGRESS update moves its task up, live and on reload', async () => {
    const { page, problems } = await tab();
    await page.goto(`${origin()}/tasks`);
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(50);
    // A PROGRESS update every 2 s for 16 s.
    const [slow] = await send([{ task: 'progress', args: [8, 2], queue: q }]);
    const status = (id: string) =>
      page.locator(`[data-testid="task-row"][data-task-id="${id}"]`).getAttribute('data-status');
    await expect.poll(() => status(slow!), { timeout: 20_000 }).toBe('RUNNING');
    const [quick] = await send([{ task: 'add', args: [2, 2], queue: q }]);
    await expect.poll(() => status(quick!), { timeout: 20_000 }).toBe('SUCCEEDED');
    // slow started before quick ended; its next PROGRESS update, while it still runs, takes it back above quick.
    const above = async () => {
      const list = await heard(page);
      const [s, k] = [list.findIndex((row) => row.id === slow), list.findIndex((row) => row.id === quick)];
      return s >= 0 && k >= 0 && s < k && list[s]!.status === 'RUNNING';
    };
    await expect.poll(above, { timeout: 20_000 }).toBe(true);
    const live = await heard(page);
    expect(sortedNewestFirst(live)).toBe(true);
    const at = (list: typeof live, id: string) => Date.parse(list.find((row) => row.id === id)?.at ?? '');
    expect(at(live, slow!)).toBeGreaterThan(at(live, quick!));
    // The server's order is the column's too.
    await page.reload();
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(50);
    const loaded = await heard(page);
    expect(sortedNewestFirst(loaded)).toBe(true);
    expect(loaded.findIndex((row) => row.id === slow)).toBeLessThan(loaded.findIndex((row) => row.id === quick));
    await page.screenshot({ path: join(ARTIFACTS, 'tasks-view-last-heard.png') });
    await finish([slow!]);
    expect(problems).toEqual([]);
  }, 90_000);
});
