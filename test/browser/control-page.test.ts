/**
 * The task card's actions against a real Celery 5.2 worker: a key with the
 * control scope sees revoke and re-send buttons and they act; a key without
 * it sees none.
 */
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { ARTIFACTS } from '../helpers/browser.ts';
import { celery } from '../helpers/celery.ts';
import { type PageUnderTest, card } from '../helpers/page.ts';
import { usePageFixture } from '../helpers/page-fixture.ts';

const SendForPage = graphql(`
  mutation SendForPage($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }
`);
const ResentFrom = graphql(`
  query ResentFrom($id: ID!) { task(id: $id) { resentFrom { id } } }
`);

const OPS_KEY = `ops-${randomUUID()}`;
const VIEW_KEY = `view-${randomUUID()}`;
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const IDLE = 'page-idle'; // no worker consumes it: a task sent there stays QUEUED
const fx = usePageFixture({
  worker: { pool: 'prefork', concurrency: 1 },
  flags: [
    '--queues',
    `celery,${IDLE}`,
    '--control',
    'true',
    '--send-allow',
    'lens.*',
    '--auth',
    'true',
    '--api-keys',
    `ops:${hash(OPS_KEY)}:status+payload+control,viewer:${hash(VIEW_KEY)}:status+payload`,
  ],
});
const { env } = fx;

async function post<T>(document: Parameters<typeof print>[0], variables: object): Promise<T> {
  const response = await fx.app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': OPS_KEY },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** A tab whose sessionStorage already holds `key`, as after typing it in the prompt. */
async function tabWithKey(key: string): Promise<PageUnderTest> {
  const tab = await fx.tab();
  await tab.context.addInitScript((value) => sessionStorage.setItem('celery-lens:api-key', value), key);
  return tab;
}

describe('task actions on the page', () => {
  it('re-sends a failed task from its card and opens the new one; a key without control sees no buttons', async () => {
    const failed = (await post<{ sendTask: { id: string } }>(SendForPage, { name: 'lens.fail', args: ['page boom'] }))
      .sendTask.id;
    const origin = new URL(fx.app.url).origin;

    const viewer = await tabWithKey(VIEW_KEY);
    await viewer.page.goto(`${origin}/tasks/${failed}`);
    await expect.poll(() => card(viewer.page).getAttribute('data-status'), { timeout: 20_000 }).toBe('FAILED');
    await expect.poll(() => viewer.page.getByTestId('task-actions').getAttribute('data-can-control')).toBe('false');
    expect(await viewer.page.getByTestId('task-actions').getByRole('button').count()).toBe(0);

    const { page, problems } = await tabWithKey(OPS_KEY);
    await page.goto(`${origin}/tasks/${failed}`);
    await expect.poll(() => card(page).getAttribute('data-status'), { timeout: 20_000 }).toBe('FAILED');
    const resend = page.getByTestId('task-actions').locator('[data-action="resend"]');
    await resend.click();
    await expect.poll(() => resend.innerText()).toBe('Confirm re-send');
    expect(page.url()).toBe(`${origin}/tasks/${failed}`);
    await resend.click();
    await expect.poll(() => page.url()).not.toBe(`${origin}/tasks/${failed}`);
    const again = new URL(page.url()).pathname.split('/').pop() as string;
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(again);
    await expect.poll(() => card(page).getAttribute('data-status'), { timeout: 20_000 }).toBe('FAILED');
    expect(await post<{ task: { resentFrom: { id: string } | null } }>(ResentFrom, { id: again })).toEqual({
      task: { resentFrom: { id: failed } },
    });
    // The new card links back to the original, and the original's to the re-send.
    const from = page.getByTestId('task-resent-from');
    await expect.poll(() => from.locator('a').getAttribute('href')).toBe(`/tasks/${failed}`);
    expect(await from.innerText()).toBe(failed);
    await page.screenshot({ path: join(ARTIFACTS, 'control-resent.png') });
    await from.locator('a').click();
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(failed);
    expect(page.url()).toBe(`${origin}/tasks/${failed}`);
    const as = page.getByTestId('task-resent-as');
    await expect
      .poll(() => as.locator('a').evaluateAll((links) => links.map((link) => link.getAttribute('href'))))
      .toEqual([`/tasks/${again}`]);
    expect(await page.getByTestId('task-resent-from').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('revokes a queued task from its card: the workers hold it as revoked', async () => {
    const queued = (
      await post<{ sendTask: { id: string } }>(SendForPage, { name: 'lens.add', args: [1, 2], queue: IDLE })
    ).sendTask.id;
    const { page, problems } = await tabWithKey(OPS_KEY);
    await page.goto(`${new URL(fx.app.url).origin}/tasks/${queued}`);
    await expect.poll(() => card(page).getAttribute('data-status')).toBe('QUEUED');
    const revoke = page.getByTestId('task-actions').locator('[data-action="revoke"]');
    await revoke.click();
    await revoke.click();
    await expect.poll(() => page.getByTestId('task-actions').innerText()).toContain('Revoke sent to the workers');
    // Polled: a busy worker may answer Celery's 2 s broadcast late (then the answer is empty), or not have the revoke yet.
    await expect
      .poll(async () => Object.values(await celery<Record<string, string[]>>('inspect_revoked', {}, env())).flat(), {
        timeout: 20_000,
      })
      .toContain(queued);
    expect(problems).toEqual([]);
  });
});
