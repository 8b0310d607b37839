import { afterAll, beforeAll } from 'vitest';
import { startApp } from './app.ts';
import { type RedisServer, startRedis } from './redis-server.ts';

export interface LensFixture {
  redis: RedisServer;
  app: Awaited<ReturnType<typeof startApp>>;
}

/**
 * For a test file: a private redis-server and a celery-lens app reading it,
 * started before the file's tests and stopped after them.
 */
export function useLens(flags: readonly string[] = []): LensFixture {
  const fixture = {} as LensFixture;
  beforeAll(async () => {
    fixture.redis = await startRedis();
    fixture.app = await startApp(fixture.redis.url(), flags);
  });
  afterAll(async () => {
    await fixture.app?.stop();
    await fixture.redis?.stop();
  });
  return fixture;
}
