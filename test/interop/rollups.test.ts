/**
 * The rollups fed by a real Celery 5.2.6 worker (prefork, task events on,
 * task-sent events from the client), read by two celery-lens replicas on one
 * Redis: taskStats' runtime and wait percentiles per name and per queue are
 * those of the tasks' own timelines within the sketch's accuracy, and every
 * task counted once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryEnv, type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { ALPHA } from '../../src/store/stats/sketch.ts';

const Timing = graphql(`
  query RollupTiming($id: ID!) {
    task(id: $id) { id status sentAt startedAt runtime }
  }
`);
const PerName = graphql(`
  query RollupPerName($since: DateTime, $by: TaskStatsBy, $key: String) {
    taskStats(since: $since, by: $by, key: $key) {
      groups {
        key total
        runtime { count p50 p95 p99 }
        wait { count p50 p95 p99 }
      }
    }
  }
`);

type App = Awaited<ReturnType<typeof startApp>>;
let redis: RedisServer;
let worker: CeleryWorker;
const apps: App[] = [];
const env = (): CeleryEnv => ({ brokerUrl: redis.url(15), backendUrl: redis.url(0) });
const since = new Date(Date.now() - 10 * 60_000).toISOString();
let ids: string[] = [];

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
  worker = await startWorker({ ...env(), pool: 'prefork', concurrency: 2 });
  for (let i = 0; i < 2; i += 1) apps.push(await startApp(redis.url(0), ['--broker', redis.url(15)]));
  const seconds = [0.05, 0.3, 0.1, 0.2, 0.05, 0.15, 0.25, 0.1, 0.05, 0.3, 0.2, 0.1];
  ids = (
    await celery<{ id: string }[]>(
      'send',
      seconds.map((s) => ({ task: 'sleep', args: [s] })),
      env(),
    )
  ).map((sent) => sent.id);
  await celery('wait', { ids, timeout: 60 }, env());
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  for (const app of apps) await app.stop();
  await redis?.stop();
});

const exact = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
};

describe('rollups from a real worker', () => {
  it('gives each name and queue its runtime and wait percentiles, each task counted once by two replicas', async () => {
    const [first, second] = apps as [App, App];
    const timings: { runtime: number; wait: number }[] = [];
    await until(async () => {
      timings.length = 0;
      for (const id of ids) {
        const task = (await execute(first, Timing, { id })).data?.task;
        if (!task?.sentAt || !task.startedAt || task.runtime == null) return false;
        timings.push({ runtime: task.runtime, wait: (Date.parse(task.startedAt) - Date.parse(task.sentAt)) / 1000 });
      }
      return true;
    }, 20_000);
    for (const [app, by, key] of [
      [first, 'NAME', 'lens.sleep'],
      [second, 'QUEUE', 'celery'],
    ] as const) {
      type Percentiles = { count: number; p50?: number | null; p95?: number | null; p99?: number | null } | null;
      let group: { runtime?: Percentiles; wait?: Percentiles } | undefined;
      await until(
        async () => {
          group = (await execute(app, PerName, { since, by, key })).data?.taskStats.groups[0];
          return group?.runtime?.count === ids.length && group.wait?.count === ids.length;
        },
        20_000,
        () => `${by} ${key}: ${JSON.stringify(group)}, ${ids.length} tasks sent`,
      );
      for (const [q, field] of [
        [0.5, 'p50'],
        [0.95, 'p95'],
        [0.99, 'p99'],
      ] as const) {
        const runtime = exact(
          timings.map((t) => t.runtime),
          q,
        );
        const wait = exact(
          timings.map((t) => t.wait),
          q,
        );
        // The timeline's times are in ms: a wait within a ms of the true one counts as exact.
        expect(Math.abs((group?.runtime?.[field] ?? 0) - runtime)).toBeLessThanOrEqual(ALPHA * runtime + 1e-9);
        expect(Math.abs((group?.wait?.[field] ?? 0) - wait)).toBeLessThanOrEqual(ALPHA * wait + 0.001);
      }
    }
  });
});
