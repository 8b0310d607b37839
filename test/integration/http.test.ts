import { describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { useLens } from '../helpers/lens-fixture.ts';

const lens = useLens();

describe('HTTP', () => {
  it('serves GraphiQL at /graphql, opening with an example task query', async () => {
    const response = await fetch(lens.app.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('celery-lens');
    expect(html).toContain('query TaskStatus($id: ID! = ');
  });

  it('answers POST queries on a real port', async () => {
    const response = await fetch(lens.app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ backend { up db url keyPrefix } }' }),
    });
    expect(await response.json()).toEqual({
      data: { backend: { up: true, db: 0, url: lens.redis.url(), keyPrefix: '' } },
    });
  });

  it('tells backend health at /healthz and readiness at /readyz', async () => {
    const health = await fetch(new URL('/healthz', lens.app.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', backend: 'up', up: true, error: null });
    expect((await fetch(new URL('/readyz', lens.app.url))).status).toBe(200);
  });

  it('can run without GraphiQL', async () => {
    const bare = await startApp(lens.redis.url(), ['--graphiql', 'false']);
    try {
      const response = await fetch(bare.url, { headers: { accept: 'text/html' } });
      expect(await response.text()).not.toContain('GraphiQL');
    } finally {
      await bare.stop();
    }
  });
});
