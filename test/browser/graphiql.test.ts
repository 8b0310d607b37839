import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useChromium, offlineContext } from '../helpers/browser.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { rawRequest } from '../helpers/raw-http.ts';

// The id GraphiQL's examples carry as their default value (src/plugins/graphiql-example.ts).
const EXAMPLE_ID = '00000000-0000-0000-0000-000000000000';

const lens = useLens();
const chromium = useChromium();

/** An editor's text, with the non-breaking spaces Monaco draws turned back into spaces. */
async function editorText(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replaceAll('\u00a0', ' ');
}

/** The response pane's text once it matches `pattern`. */
async function responseMatching(page: Page, pattern: RegExp): Promise<string> {
  await expect.poll(() => editorText(page, '.graphiql-response'), { timeout: 15_000 }).toMatch(pattern);
  return editorText(page, '.graphiql-response');
}

describe('GraphiQL', () => {
  it('renders, runs the example query and a live subscription with every outside request blocked, under its CSP with no violation', async () => {
    const origin = new URL(lens.app.url).origin;
    const { context, blocked } = await offlineContext(chromium.browser, origin);
    try {
      const page = await context.newPage();
      // Console errors, CSP violations among them ("Refused to …"), and uncaught exceptions.
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      const violations: string[] = [];
      await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
      await page.addInitScript(() =>
        document.addEventListener('securitypolicyviolation', (event) =>
          (window as unknown as { reportViolation: (text: string) => void }).reportViolation(
            `${event.violatedDirective} ${event.blockedURI}`,
          ),
        ),
      );
      // The page is compressed in the background after the first visit: once brotli is ready, Chromium gets that.
      const brotli = () => rawRequest(lens.app.url, { headers: { accept: 'text/html', 'accept-encoding': 'br' } });
      await expect.poll(async () => (await brotli()).headers['content-encoding'], { timeout: 60_000 }).toBe('br');
      const response = await page.goto(lens.app.url);
      expect(response?.headers()['content-encoding']).toBe('br');
      expect(response?.headers()['content-security-policy']).toMatch(
        /script-src 'self' 'sha256-[^']+'; worker-src blob:;.*frame-ancestors 'none'$/,
      );
      await page.locator('.graphiql-execute-button').waitFor({ timeout: 20_000 });
      // The editor is up once the example's text is in it.
      await expect
        .poll(async () => editorText(page, '.graphiql-query-editor'), { timeout: 15_000 })
        .toMatch(/TaskStatus/);

      await page.locator('.graphiql-execute-button').click();
      const answer = await responseMatching(page, /"exists": false/);
      expect(answer).toMatch(/"state": "PENDING"/);
      expect(answer).toMatch(/"up": true/);
      await page.screenshot({ path: join(ARTIFACTS, 'graphiql-query.png') });

      // The second tab: a subscription over graphql-ws, updated as the task changes.
      await page.locator('.graphiql-tab-button', { hasText: 'TaskUpdates' }).click();
      await expect.poll(async () => editorText(page, '.graphiql-query-editor')).toMatch(/subscription TaskUpdates/);
      await page.locator('.graphiql-execute-button').click();
      // GraphiQL learns a tab's operation name a moment after its text: a run
      // that early answers "Cannot infer operation"; run it again then.
      await expect
        .poll(
          async () => {
            const text = await editorText(page, '.graphiql-response');
            if (text.includes('Cannot infer operation')) await page.locator('.graphiql-execute-button').click();
            return text;
          },
          { timeout: 15_000 },
        )
        .toMatch(/"status": "UNKNOWN"/);
      const redis = lens.redis.client();
      await writeMeta(redis, { status: 'PROGRESS', result: { current: 3, total: 10 } }, { id: EXAMPLE_ID });
      await responseMatching(page, /"rawState": "PROGRESS"/);
      await writeMeta(redis, { status: 'SUCCESS', result: 42 }, { id: EXAMPLE_ID });
      const done = await responseMatching(page, /"state": "SUCCESS"/);
      expect(done).toMatch(/"result": 42/);
      await page.screenshot({ path: join(ARTIFACTS, 'graphiql-subscription.png') });

      expect(blocked).toEqual([]);
      expect(violations).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    // GraphiQL's first render and compression (9 MB), then Monaco in Chromium, on a loaded 2-core machine.
  }, 120_000);
});
