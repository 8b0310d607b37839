import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startApp } from './app.ts';
import { launchChromium } from './browser.ts';
import { type CeleryEnv, type CeleryWorker, type WorkerOptions, ensureCelery, startWorker } from './celery.ts';
import { type PageUnderTest, openPage } from './page.ts';
import { type RedisServer, startRedis } from './redis-server.ts';

export interface PageFixture {
  readonly redis: RedisServer;
  readonly app: Awaited<ReturnType<typeof startApp>>;
  readonly browser: Browser;
  /** Set when the file asked for a worker. */
  readonly worker: CeleryWorker;
  /** Celery's broker (db 15) and result backend (db 0) on the private Redis. */
  env(): CeleryEnv;
  origin(): string;
  /** A new tab on the page (or on another server's, at `origin`), closed after the file's tests. */
  tab(viewport?: { width: number; height: number }, origin?: string): Promise<PageUnderTest>;
}

export interface PageFixtureOptions {
  /** A Celery worker to start beside the page (its broker and backend are the fixture's). */
  readonly worker?: Omit<WorkerOptions, 'brokerUrl' | 'backendUrl'>;
  /** celery-lens' flags after `--broker`. */
  readonly flags?: readonly string[];
}

/**
 * For a browser test file: a private redis-server (Celery's broker in db 15,
 * its results in db 0), a Celery worker if asked, celery-lens reading both,
 * and Debian's Chromium, started before the file's tests and stopped after them.
 */
export function usePageFixture(options: PageFixtureOptions = {}): PageFixture {
  const tabs: PageUnderTest[] = [];
  const started = {} as { redis: RedisServer; app: PageFixture['app']; browser: Browser; worker: CeleryWorker };
  const env = (): CeleryEnv => ({ brokerUrl: started.redis.url(15), backendUrl: started.redis.url(0) });
  beforeAll(async () => {
    await ensureCelery();
    started.redis = await startRedis();
    const worker = options.worker && startWorker({ ...env(), ...options.worker });
    [started.browser, started.worker] = await Promise.all([launchChromium(), worker as Promise<CeleryWorker>]);
    started.app = await startApp(started.redis.url(0), ['--broker', started.redis.url(15), ...(options.flags ?? [])]);
  }, 120_000);
  afterAll(async () => {
    for (const tab of tabs) await tab.context.close();
    await started.browser?.close();
    await started.app?.stop();
    await started.worker?.stop();
    await started.redis?.stop();
  });
  return {
    get redis() {
      return started.redis;
    },
    get app() {
      return started.app;
    },
    get browser() {
      return started.browser;
    },
    get worker() {
      return started.worker;
    },
    env,
    origin: () => new URL(started.app.url).origin,
    async tab(viewport, origin = new URL(started.app.url).origin) {
      const opened = await openPage(started.browser, origin, viewport);
      tabs.push(opened);
      return opened;
    },
  };
}
