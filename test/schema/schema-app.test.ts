/**
 * The unit tier's app (test/helpers/app.ts' schemaApp) has no Redis: a
 * request that reads one fails at once and counts a round trip. This is what
 * makes "answers before touching Redis" in the schema tests mean something.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaApp } from '../helpers/app.ts';
import { startWorker } from '../helpers/celery.ts';
import { startRedis } from '../helpers/redis-server.ts';

const app = schemaApp();
afterAll(() => app.stop());

describe('the schema tests’ app', () => {
  it('answers a read BACKEND_UNAVAILABLE at once, and counts its round trip', async () => {
    const before = app.backend.roundTrips;
    const started = performance.now();
    const response = await app.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ task(id: "${randomUUID()}") { state } }` }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
    expect(app.backend.roundTrips).toBeGreaterThan(before);
    // No connection attempt to wait for: the connections are never opened.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('the unit tier', () => {
  it('starts no redis-server and no Celery worker: a file that tries belongs in another tier', async () => {
    await expect(startRedis()).rejects.toThrow(/the unit tier \(npm run test:unit\) starts no redis-server/);
    await expect(
      startWorker({ brokerUrl: 'redis://127.0.0.1:1/0', backendUrl: 'redis://127.0.0.1:1/0' }),
    ).rejects.toThrow(/the unit tier \(npm run test:unit\) starts no Celery worker/);
  });
});
