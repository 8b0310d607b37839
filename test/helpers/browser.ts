/**
 * Debian's Chromium driven by playwright-core, for the browser tests. Nothing
 * is downloaded: the browser comes from apt (installed here when missing, as
 * redis-server is), and every request to another host than the server under
 * test is blocked and recorded, as on a machine with no internet access.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ensureDebianPackages, runs } from './debian.ts';

const CHROMIUM = '/usr/bin/chromium';
/** Screenshots kept for people to look at (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/**
 * How far the test processes' clocks run ahead of the real one: under
 * scripts/test-clock-ahead.sh libfaketime moves them (LD_PRELOAD). Chromium
 * hangs under libfaketime, so it starts with the real clock and every page's
 * Date is moved by the same offset instead. 0 otherwise.
 */
const CLOCK_OFFSET_MS = (() => {
  if (!process.env.LD_PRELOAD?.includes('faketime')) return 0;
  const real = Number(execFileSync('date', ['+%s%3N'], { env: { ...process.env, LD_PRELOAD: '' } }).toString());
  return Math.round((Date.now() - real) / 1000) * 1000;
})();

const SHIFT_DATE = `((offset) => {
  const Real = Date;
  class Shifted extends Real {
    constructor(...args) { super(...(args.length === 0 ? [Real.now() + offset] : args)); }
    static now() { return Real.now() + offset; }
  }
  globalThis.Date = Shifted;
})(${CLOCK_OFFSET_MS})`;

/** `args`: more Chromium switches (e.g. --host-resolver-rules, to point a name at the server under test). */
export async function launchChromium(args: readonly string[] = []): Promise<Browser> {
  ensureDebianPackages(() => runs(CHROMIUM, ['--version']), ['chromium']);
  mkdirSync(ARTIFACTS, { recursive: true });
  const env = CLOCK_OFFSET_MS === 0 ? undefined : { ...process.env, LD_PRELOAD: '' };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', ...args],
    ...(env ? { env } : {}),
  });
  if (CLOCK_OFFSET_MS !== 0) {
    const newContext = browser.newContext.bind(browser);
    browser.newContext = async (options) => {
      const context = await newContext(options);
      await context.addInitScript(SHIFT_DATE);
      return context;
    };
  }
  return browser;
}

/** For a test file: Debian's Chromium, launched before its tests and closed after them. */
export function useChromium(): { readonly browser: Browser } {
  const fixture = {} as { browser: Browser };
  beforeAll(async () => {
    fixture.browser = await launchChromium();
  });
  afterAll(async () => {
    await fixture.browser?.close();
  });
  return fixture;
}

export interface OfflineContext {
  readonly context: BrowserContext;
  /** Every request to another origin, refused. */
  readonly blocked: string[];
}

/** A browser context that may only reach `origin`. */
export async function offlineContext(browser: Browser, origin: string): Promise<OfflineContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const blocked: string[] = [];
  await context.route(
    (url) =>
      url.origin !== origin &&
      (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:'),
    async (route) => {
      blocked.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  return { context, blocked };
}
