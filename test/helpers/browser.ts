/**
 * Debian's Chromium driven by playwright-core, for the browser tests. Nothing
 * is downloaded: the browser comes from apt (installed here when missing, as
 * redis-server is), and every request to another host than the server under
 * test is blocked and recorded, as on a machine with no internet access.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ensureDebianPackages, runs } from './debian.ts';

const CHROMIUM = '/usr/bin/chromium';
/** Screenshots kept for people to look at (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** `args`: more Chromium switches (e.g. --host-resolver-rules, to point a name at the server under test). */
export async function launchChromium(args: readonly string[] = []): Promise<Browser> {
  ensureDebianPackages(() => runs(CHROMIUM, ['--version']), ['chromium']);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', ...args] });
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
    (url) => url.origin !== origin && (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:'),
    async (route) => {
      blocked.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  return { context, blocked };
}
