/**
 * The web page against a real Celery 5.2 worker (Debian's python3-celery):
 * a running chord opened by deep link turns SUCCEEDED node by node with no
 * reload, and a failed link shows its traceback.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../helpers/browser.ts';
import { celery } from '../helpers/celery.ts';
import { type PageUnderTest, card, graphNode } from '../helpers/page.ts';
import { usePageFixture } from '../helpers/page-fixture.ts';

const q = 'web-page';

const fx = usePageFixture({ worker: { queues: [q] } });
const { env, origin, tab } = fx;

interface Sent {
  id: string;
  ids: string[];
}
const send = async (spec: unknown) => (await celery<Sent[]>('send', [spec], env()))[0]!;
const task = (name: string, args: unknown[], extra: Record<string, unknown> = {}) => ({
  task: name,
  args,
  queue: q,
  ...extra,
});
const graphNodes = (page: PageUnderTest['page']) => page.locator('[data-testid="workflow-graph"] [data-task-id]');
async function statuses(page: PageUnderTest['page']): Promise<string[]> {
  return graphNodes(page).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-status') ?? ''));
}

describe('the web page with a real Celery worker', () => {
  it('opens a running chord by deep link and sees its nodes turn SUCCEEDED as tasks finish, with no reload', {
    timeout: 60_000,
  }, async () => {
    // add → chord(header: 6 sleeps, body: tsum): Celery turns a group followed by a task in a chain into a chord.
    // The longest sleep outlasts a slow first page load on a loaded machine, so a running member is seen.
    const sent = await send({
      chain: [
        task('add', [1, 1]),
        { group: [2, 3, 3, 4, 4, 12].map((s) => task('sleep', [s], { immutable: true })) },
        task('tsum', []),
      ],
    });
    const root = sent.ids[0]!;
    const { page, blocked, problems } = await tab();
    await page.goto(`${origin()}/tasks/${root}`);
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    // Running: the header's members show up, some of them not done yet.
    await expect
      .poll(async () => (await statuses(page)).filter((status) => status === 'RUNNING').length, { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect((await statuses(page)).length).toBe(7);
    // (docs/web-page.png, the README's picture, is a copy of this one.)
    await page.screenshot({ path: join(ARTIFACTS, 'chord-running.png') });

    // Done: the root, the 6 header tasks and the chord's callback (sent by the last header task to
    // finish, parented to the root, stored as nobody's child) are SUCCEEDED, drawn in place.
    await expect.poll(() => statuses(page), { timeout: 30_000 }).toEqual(Array(8).fill('SUCCEEDED'));
    expect(await graphNode(page, sent.id).getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    const counts = page.getByTestId('status-counts');
    expect(await counts.locator('li[data-status="SUCCEEDED"]').getAttribute('data-count')).toBe('8');
    expect(await counts.locator('li').count()).toBe(1);
    // The timeline's times come in a subscription of their own, beside the graph's.
    await expect.poll(() => page.getByTestId('timeline').locator('li').count(), { timeout: 10_000 }).toBe(8);
    // The callback is drawn after the chord's header: an edge comes into it from each of the 6 header tasks.
    expect(await page.locator(`[data-testid="workflow-graph"] .graph-edge[data-id$="->${sent.id}"]`).count()).toBe(6);
    // The list is refreshed every 5 s; the worker's first heartbeat may come after the page's first look.
    await expect.poll(() => page.getByTestId('workers').innerText(), { timeout: 12_000 }).toContain('online');
    await page.screenshot({ path: join(ARTIFACTS, 'chord-done.png') });
    // The callback's own card, from the search box: the sum of the header's results.
    await page.getByTestId('task-search').fill(sent.id);
    await page.getByTestId('task-search').press('Enter');
    await expect.poll(() => card(page).getAttribute('data-status'), { timeout: 15_000 }).toBe('SUCCEEDED');
    expect(await page.getByTestId('task-result').innerText()).toBe('28');
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("draws a client's chord of 12 whole from one header task: every member, each leading to the callback", {
    timeout: 90_000,
  }, async () => {
    // chord(header)(body) sent by a client: the members name no parent, the callback's parent is the last member to finish.
    const sent = await send({
      chord: Array.from({ length: 12 }, (_, i) => task('sleep', [0.2 + (i % 4) * 0.2])),
      body: task('tsum', []),
    });
    const [first] = sent.ids as [string];
    const { page, blocked, problems } = await tab();
    await page.goto(`${origin()}/tasks/${first}`);
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    // The 12 header tasks and the callback, all done, drawn in place as they come.
    await expect.poll(() => statuses(page), { timeout: 60_000 }).toEqual(Array(13).fill('SUCCEEDED'));
    const drawn = await graphNodes(page).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-task-id')));
    expect([...drawn].sort()).toEqual([...sent.ids, sent.id].sort());
    expect(await page.locator(`[data-testid="workflow-graph"] .graph-edge[data-id$="->${sent.id}"]`).count()).toBe(12);
    for (const member of sent.ids)
      expect(
        await page.locator(`[data-testid="workflow-graph"] .graph-edge[data-id="${member}->${sent.id}"]`).count(),
      ).toBe(1);
    const x = async (id: string) => (await graphNode(page, id).boundingBox())!.x;
    const callbackX = await x(sent.id);
    for (const member of sent.ids) expect(await x(member)).toBeLessThan(callbackX);
    await page.screenshot({ path: join(ARTIFACTS, 'chord-client.png') });

    // The callback's card, from its node: the graph stays as it is (each header task is its own root).
    await graphNode(page, sent.id).getByRole('button').click();
    await expect.poll(() => card(page).getAttribute('data-task-id')).toBe(sent.id);
    // The sum of the sleeps' results: 3 × (0.2 + 0.4 + 0.6 + 0.8).
    await expect
      .poll(async () => Number(await page.getByTestId('task-result').innerText()), { timeout: 10_000 })
      .toBeCloseTo(6, 6);
    expect(await graphNodes(page).count()).toBe(13);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("shows a failed node's traceback", async () => {
    const sent = await send({
      chain: [task('add', [2, 2]), task('fail', ['the disk is full'], { immutable: true }), task('add', [3])],
    });
    const [root, failing] = sent.ids as [string, string];
    const { page, problems } = await tab();
    await page.goto(`${origin()}/tasks/${root}`);
    await expect.poll(() => graphNode(page, failing).getAttribute('data-status'), { timeout: 20_000 }).toBe('FAILED');
    expect(await graphNode(page, failing).innerText()).toContain('Failed');
    await graphNode(page, failing).getByRole('button').click();
    await expect.poll(() => card(page).getAttribute('data-status')).toBe('FAILED');
    expect(await page.getByTestId('task-error').innerText()).toContain('ValueError');
    const traceback = page.getByTestId('task-traceback');
    expect(await traceback.locator('pre').isVisible()).toBe(false);
    await traceback.locator('summary').click();
    const text = await traceback.locator('pre').innerText();
    expect(text).toMatch(/^Traceback \(most recent call last\)/);
    expect(text).toContain('ValueError: the disk is full');
    await page.screenshot({ path: join(ARTIFACTS, 'failed-traceback.png') });
    expect(problems).toEqual([]);
  });
});
