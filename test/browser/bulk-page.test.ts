/**
 * The bulk buttons of the Tasks and Failures views against a real Celery 5.2
 * worker: "Revoke all N" and "Re-send all N failures" ask to confirm the
 * count, then show the action's progress to its end; a key without the
 * control scope sees neither.
 */
import { createHash, randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { type PageUnderTest } from '../helpers/page.ts';
import { usePageFixture } from '../helpers/page-fixture.ts';

const SendForBulkPage = graphql(`
  mutation SendForBulkPage($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }
`);
const BulkPageStates = graphql(`
  query BulkPageStates($ids: [ID!]!) { tasks(ids: $ids) { id status resentAs { id } } }
`);

const OPS_KEY = `ops-${randomUUID()}`;
const VIEW_KEY = `view-${randomUUID()}`;
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const IDLE = 'bulk-page-idle'; // no worker consumes it: its tasks stay QUEUED
const fx = usePageFixture({
  worker: { pool: 'prefork', concurrency: 1 },
  flags: [
    '--queues',
    `celery,${IDLE}`,
    '--control',
    'true',
    '--send-allow',
    'lens.*',
    '--bulk-batch',
    '2',
    '--bulk-pause-ms',
    '200',
    '--auth',
    'true',
    '--api-keys',
    `ops:${hash(OPS_KEY)}:status+payload+control,viewer:${hash(VIEW_KEY)}:status+payload`,
  ],
});

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
const send = async (name: string, args: unknown[], queue: string) =>
  (await post<{ sendTask: { id: string } }>(SendForBulkPage, { name, args, queue })).sendTask.id;
const states = async (ids: string[]) =>
  (await post<{ tasks: { status: string; resentAs: { id: string }[] }[] }>(BulkPageStates, { ids })).tasks;

async function tabWithKey(key: string): Promise<PageUnderTest> {
  const tab = await fx.tab();
  await tab.context.addInitScript((value) => sessionStorage.setItem('celery-lens:api-key', value), key);
  return tab;
}

describe('bulk actions on the page', () => {
  it('Tasks: "Revoke all 6" confirms the count, then shows the progress bar to DONE; a viewer sees no button', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 6; index += 1) ids.push(await send('lens.add', [index, 1], IDLE));
    const origin = new URL(fx.app.url).origin;
    const address = `${origin}/tasks?status=QUEUED&queue=${IDLE}`;

    const viewer = await tabWithKey(VIEW_KEY);
    await viewer.page.goto(address);
    await expect.poll(() => viewer.page.getByTestId('task-total').textContent(), { timeout: 20_000 }).toBe('6 tasks');
    await expect
      .poll(() => viewer.page.getByTestId('bulk-revoke').getAttribute('data-can-control'), { timeout: 20_000 })
      .toBe('false');
    expect(await viewer.page.getByRole('button', { name: /Revoke all/ }).count()).toBe(0);

    const ops = await tabWithKey(OPS_KEY);
    await ops.page.goto(address);
    const button = ops.page.getByRole('button', { name: 'Revoke all 6' });
    await button.waitFor({ timeout: 20_000 });
    await button.click();
    const dialog = ops.page.getByRole('dialog', { name: 'Confirm bulk action' });
    await expect.poll(() => dialog.getByTestId('bulk-confirm-count').textContent()).toBe('6');
    await dialog.getByRole('button', { name: 'Revoke 6' }).click();
    const progress = ops.page.getByTestId('bulk-progress');
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 20_000 }).toBe('DONE');
    expect(await progress.getByRole('status').textContent()).toContain('6 of 6');
    expect(await progress.locator('progress').getAttribute('value')).toBe('6');
    expect(ids).toHaveLength(6);
  }, 60_000);

  it('Failures: "Re-send all 3 failures" re-sends each failure once', async () => {
    const failed: string[] = [];
    for (let index = 0; index < 3; index += 1) failed.push(await send('lens.fail', [`page ${index}`], 'celery'));
    await expect
      .poll(async () => (await states(failed)).map((task) => task.status), { timeout: 30_000 })
      .toEqual(['FAILED', 'FAILED', 'FAILED']);
    const ops = await tabWithKey(OPS_KEY);
    await ops.page.goto(`${new URL(fx.app.url).origin}/failures`);
    const button = ops.page.getByRole('button', { name: 'Re-send all 3 failures' });
    await button.waitFor({ timeout: 20_000 });
    await button.click();
    const dialog = ops.page.getByRole('dialog', { name: 'Confirm bulk action' });
    await dialog.getByRole('button', { name: 'Re-send 3' }).click();
    const progress = ops.page.getByTestId('bulk-progress');
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 20_000 }).toBe('DONE');
    for (const task of await states(failed)) expect(task.resentAs).toHaveLength(1);
  }, 60_000);
});
