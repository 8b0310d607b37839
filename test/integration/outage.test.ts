import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { until } from '../helpers/until.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';

const StateQuery = graphql(`
  query StateQuery($id: ID!) {
    task(id: $id) { id state }
  }
`);

const lens = useLens();

/** Runs `probe` until `done` holds of its answer (or time is up), and returns that answer. */
async function settle<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await probe();
  await until(async () => done((value = await probe()))).catch(() => {});
  return value;
}

describe('Redis outage', () => {
  it('answers BACKEND_UNAVAILABLE while Redis is down, stays up, and heals by itself', async () => {
    const id = randomUUID();
    expect((await execute(lens.app, StateQuery, { id })).data?.task?.state).toBe('PENDING');

    await lens.redis.kill();
    const down = await execute(lens.app, StateQuery, { id });
    expect(down.data).toEqual({ task: null });
    expect(down.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
    expect(down.errors?.[0]?.message).toMatch(/^the Celery result backend is unavailable/);
    // Queries that arrive together share one pipeline (pipeline-batch.ts): each still answers the code itself.
    const together = await Promise.all(
      [randomUUID(), id, randomUUID()].map((each) => execute(lens.app, StateQuery, { id: each })),
    );
    for (const answer of together) expect(answer.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');

    // Liveness answers from memory: the read connection's drop shows a moment after it is noticed.
    const liveness = async () => {
      const response = await lens.app.yoga.fetch('http://yoga/healthz');
      return { status: response.status, body: (await response.json()) as { backend: string } };
    };
    const health = await settle(liveness, (answer) => answer.body.backend === 'down');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', backend: 'down', up: false });
    // The subscriber connection notices on its own, a moment later.
    await until(
      async () =>
        ((await (await lens.app.yoga.fetch('http://yoga/healthz')).json()) as { subscriber: string }).subscriber ===
        'down',
    );
    expect((await lens.app.yoga.fetch('http://yoga/readyz')).status).toBe(503);

    await lens.redis.restart();
    await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 1 }, { id });
    const healed = await settle(
      () => execute(lens.app, StateQuery, { id }),
      (r) => r.data?.task?.state === 'SUCCESS',
    );
    expect(healed.errors).toBeUndefined();
    expect(healed.data?.task?.state).toBe('SUCCESS');
    // Each connection reconnects on its own backoff: readiness follows once the last one is back.
    await until(async () => (await lens.app.yoga.fetch('http://yoga/readyz')).status === 200);
    expect((await lens.app.yoga.fetch('http://yoga/readyz')).status).toBe(200);
    expect(lens.app.logs.some((line) => line.includes('is down'))).toBe(true);
    expect(lens.app.logs.filter((line) => line.includes('is up')).length).toBeGreaterThanOrEqual(2);
  });

  it('starts while Redis is down and serves once it comes up', async () => {
    await lens.redis.kill();
    const late = await startApp(lens.redis.url());
    try {
      const id = randomUUID();
      expect((await execute(late, StateQuery, { id })).errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
      await lens.redis.restart();
      const healed = await settle(
        () => execute(late, StateQuery, { id }),
        (r) => r.errors === undefined,
      );
      expect(healed.data?.task?.state).toBe('PENDING');
    } finally {
      await late.stop();
    }
  });
});
