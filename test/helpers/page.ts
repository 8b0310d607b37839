/**
 * The web page in a browser tab for the browser tests: a context that may
 * reach only the server under test, with every console error, page error and
 * CSP violation recorded (a test asserts there were none).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { offlineContext } from './browser.ts';

export interface PageUnderTest {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Requests to another origin, refused. */
  readonly blocked: string[];
  /** Console errors (CSP violations among them) and uncaught exceptions. */
  readonly problems: string[];
}

export async function openPage(
  browser: Browser,
  origin: string,
  viewport = { width: 1280, height: 800 },
): Promise<PageUnderTest> {
  const { context, blocked } = await offlineContext(browser, origin);
  // Fail a step with its own message rather than the test's timeout.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const problems: string[] = [];
  page.on('console', (message) => {
    // A refused WebSocket or fetch while the server is down is expected in outage tests; they filter for it.
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return { context, page, blocked, problems };
}

/** The graph's element for a task (the card carries the same attributes; this one is inside the graph). */
export const graphNode = (page: Page, id: string) =>
  page.locator(`[data-testid="workflow-graph"] [data-task-id="${id}"]`);
export const card = (page: Page) => page.getByTestId('task-card');
