/**
 * The web page under --auth: it asks for an API key, keeps it in the tab's
 * sessionStorage, sends it over HTTP and graphql-ws, and shows fields a
 * status-only key may not read as hidden (not as an error page).
 */
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useChromium } from '../helpers/browser.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { card, graphNode, openPage } from '../helpers/page.ts';
import { celeryDate } from '../helpers/clock.ts';

const STATUS_KEY = `status-${randomUUID()}`;
const FULL_KEY = `full-${randomUUID()}`;
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const lens = useLens([
  '--auth',
  'true',
  '--api-keys',
  `dashboard:${hash(STATUS_KEY)}:status,backoffice:${hash(FULL_KEY)}:status+payload`,
]);
const chromium = useChromium();

describe('the web page with --auth', () => {
  it('shows only the key prompt on the home page until a key is accepted, then the panels', async () => {
    const { context, page, blocked } = await openPage(chromium.browser, new URL(lens.app.url).origin);
    try {
      await page.goto(`${new URL(lens.app.url).origin}/`);
      const prompt = page.getByTestId('api-key-prompt');
      await prompt.waitFor();
      // Nothing below the prompt that cannot load without a key: no panels, no "None heard from yet".
      await expect.poll(() => page.getByTestId('workers').count()).toBe(0);
      expect(await page.getByTestId('queues').count()).toBe(0);
      expect(await page.locator('main').count()).toBe(0);
      expect(await page.locator('body').innerText()).not.toMatch(/None heard from yet|UNAUTHENTICATED|Loading…/);
      await page.screenshot({ path: join(ARTIFACTS, 'auth-home-prompt.png') });

      await prompt.getByLabel(/API key/).fill(STATUS_KEY);
      await prompt.getByRole('button').click();
      await expect.poll(() => page.getByTestId('queues').innerText()).toContain('celery');
      expect(await prompt.count()).toBe(0);
      // With a key the panels answer: no worker was heard from, and now that is said.
      await expect.poll(() => page.getByTestId('workers').innerText()).toContain('None heard from yet');

      // A wrong key takes the panels away again, with the prompt saying it was refused.
      await page.evaluate(() => sessionStorage.setItem('celery-lens:api-key', 'not-a-key'));
      await page.reload();
      await expect.poll(() => prompt.innerText()).toMatch(/refused/);
      expect(await page.getByTestId('workers').count()).toBe(0);
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('asks for a key, refuses a wrong one, and with a status-only key shows states and hides payloads', async () => {
    const [id, failing] = [randomUUID(), randomUUID()];
    await writeMeta(
      lens.redis.client(),
      {
        status: 'SUCCESS',
        result: { secret: 'r3sult' },
        args: ['s3cret-arg'],
        kwargs: { token: 'kw' },
        name: 'proj.pay',
        date_done: celeryDate(),
        children: [[[failing, null], null]],
      },
      { id },
    );
    await writeMeta(
      lens.redis.client(),
      {
        status: 'FAILURE',
        result: { exc_type: 'ValueError', exc_message: ['card 4111 declined'], exc_module: 'builtins' },
        traceback: 'Traceback (most recent call last):\nValueError: card 4111 declined',
        parent_id: id,
      },
      { id: failing },
    );
    const { context, page, blocked } = await openPage(chromium.browser, new URL(lens.app.url).origin);
    try {
      await page.goto(`${new URL(lens.app.url).origin}/tasks/${id}`);
      const prompt = page.getByTestId('api-key-prompt');
      await prompt.waitFor();
      expect(await card(page).count()).toBe(0);

      await prompt.getByLabel(/API key/).fill('not-a-key');
      await prompt.getByLabel(/API key/).press('Enter');
      await expect.poll(() => prompt.innerText()).toMatch(/refused/);

      await prompt.getByLabel(/API key/).fill(STATUS_KEY);
      await prompt.getByRole('button').click();
      await expect.poll(() => card(page).getAttribute('data-status')).toBe('SUCCEEDED');
      expect(await prompt.count()).toBe(0);
      expect(await page.evaluate(() => sessionStorage.getItem('celery-lens:api-key'))).toBe(STATUS_KEY);
      const text = await card(page).innerText();
      expect(text).toContain('proj.pay');
      expect(text).toMatch(/Result\s+🔒 hidden/);
      expect(text).toMatch(/Args\s+🔒 hidden/);
      expect(text).not.toMatch(/r3sult|s3cret-arg|kw/);
      // The graph (status scope) draws; the failed task's card hides its message and traceback.
      await expect.poll(() => graphNode(page, failing).getAttribute('data-status')).toBe('FAILED');
      await graphNode(page, failing).getByRole('button').click();
      await expect.poll(() => card(page).getAttribute('data-status')).toBe('FAILED');
      const error = await page.getByTestId('task-error').innerText();
      expect(error).toContain('ValueError');
      expect(error).toContain('hidden');
      expect(await card(page).innerText()).not.toContain('4111');
      expect(await page.getByTestId('error-message').count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'auth-status-only.png') });

      // A reload keeps the key (sessionStorage): no prompt, the card at once.
      await page.reload();
      await expect.poll(() => card(page).getAttribute('data-status')).toBe('FAILED');
      expect(await prompt.count()).toBe(0);
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
