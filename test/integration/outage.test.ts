import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';

const StateQuery = graphql(`
  query StateQuery($id: ID!) {
    task(id: $id) { id state }
  }
`);

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

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Redis outage', () => {
  it('answers BACKEND_UNAVAILABLE while Redis is down, stays up, and heals by itself', async () => {
    const id = randomUUID();
    expect((await execute(app, StateQuery, { id })).data?.task?.state).toBe('PENDING');

    await redis.kill();
    const down = await execute(app, StateQuery, { id });
    expect(down.data).toEqual({ task: null });
    expect(down.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
    expect(down.errors?.[0]?.message).toMatch(/^the Celery result backend is unavailable/);

    const health = await app.yoga.fetch('http://yoga/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'degraded', backend: 'down', up: false });
    expect((await app.yoga.fetch('http://yoga/readyz')).status).toBe(503);

    await redis.restart();
    await writeMeta(redis.client(), { status: 'SUCCESS', result: 1 }, { id });
    const healed = await until(() => execute(app, StateQuery, { id }), (r) => r.data?.task?.state === 'SUCCESS');
    expect(healed.errors).toBeUndefined();
    expect(healed.data?.task?.state).toBe('SUCCESS');
    expect((await app.yoga.fetch('http://yoga/readyz')).status).toBe(200);
    expect(app.logs.some((line) => line.includes('is down'))).toBe(true);
    expect(app.logs.filter((line) => line.includes('is up')).length).toBeGreaterThanOrEqual(2);
  });

  it('starts while Redis is down and serves once it comes up', async () => {
    await redis.kill();
    const late = await startApp(redis.url());
    try {
      const id = randomUUID();
      expect((await execute(late, StateQuery, { id })).errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
      await redis.restart();
      const healed = await until(() => execute(late, StateQuery, { id }), (r) => r.errors === undefined);
      expect(healed.data?.task?.state).toBe('PENDING');
    } finally {
      await late.stop();
    }
  });
});
