import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';

let redis: RedisServer;
let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  redis = await startRedis();
  app = await startApp(redis.url());
});
afterAll(async () => {
  await app.stop();
  await redis.stop();
});

describe('HTTP', () => {
  it('serves GraphiQL at /graphql, opening with an example task query', async () => {
    const response = await fetch(app.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('celery-lens');
    expect(html).toContain('query TaskStatus($id: ID!)');
  });

  it('answers POST queries on a real port', async () => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ backend { up db url keyPrefix } }' }),
    });
    expect(await response.json()).toEqual({
      data: { backend: { up: true, db: 0, url: redis.url(), keyPrefix: '' } },
    });
  });

  it('tells backend health at /healthz and readiness at /readyz', async () => {
    const health = await fetch(new URL('/healthz', app.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', backend: 'up', up: true, error: null });
    expect((await fetch(new URL('/readyz', app.url))).status).toBe(200);
  });

  it('can run without GraphiQL', async () => {
    const bare = await startApp(redis.url(), ['--graphiql', 'false']);
    try {
      const response = await fetch(bare.url, { headers: { accept: 'text/html' } });
      expect(await response.text()).not.toContain('GraphiQL');
    } finally {
      await bare.stop();
    }
  });
});
