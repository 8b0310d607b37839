/**
 * The rollups (src/store/stats/) fed by Celery-format events published on a
 * real Redis, read by two celery-lens replicas: per-minute counts exact and
 * each event counted once, runtime and wait percentiles within the sketch's
 * accuracy, per name through taskStats. Every time relative to now.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { publishTaskEvents, publishTaskSent, workerTaskEvents } from '../helpers/worker-events.ts';
import { ALPHA } from '../../src/store/stats/sketch.ts';

const lens = useLens();
let second: Awaited<ReturnType<typeof startApp>>;

const Stats = graphql(`
  query RollupStats($since: DateTime, $until: DateTime, $key: String, $interval: TaskStatsInterval) {
    taskStats(since: $since, until: $until, by: NAME, key: $key, interval: $interval) {
      groups {
        key total byStatus { status count } failureRate
        runtime { count p50 p95 p99 max }
        wait { count p50 p95 p99 max }
      }
      buckets { start succeeded failed started retried revoked runtime { count p50 } wait { count p99 } }
    }
  }
`);

const MINUTE = 60_000;
const NAME = `stats.${randomUUID().slice(0, 8)}`;
/** Per task: when it started (ms), its wait and runtime (s), and whether it failed. */
const tasks: { id: string; startedAt: number; wait: number; runtime: number; failed: boolean }[] = [];
const base = Math.floor((Date.now() - 4 * MINUTE) / MINUTE) * MINUTE;

/** A deterministic log-uniform spread in [low, high]. */
const spread = (i: number, n: number, low: number, high: number) => low * (high / low) ** (((i * 37) % n) / n);

beforeAll(async () => {
  second = await startApp(lens.redis.url());
  const client = lens.redis.client();
  for (let i = 0; i < 60; i += 1) {
    const wait = spread(i, 60, 0.005, 0.5);
    const runtime = spread(i + 11, 60, 0.02, 0.3);
    // Two minutes of tasks: 40 in the first, 20 in the second.
    const startedAt = base + (i < 40 ? 5_000 + i * 1_000 : MINUTE + 5_000 + (i - 40) * 1_000);
    tasks.push({ id: randomUUID(), startedAt, wait, runtime, failed: i % 10 === 9 });
  }
  for (const task of tasks) {
    await publishTaskSent(client, task.id, { at: task.startedAt - task.wait * 1000, name: NAME, queue: 'celery' });
  }
  await until(async () => (await client.exists(...tasks.map((t) => `celery-lens:t:${t.id}`))) === tasks.length);
  for (const task of tasks) {
    const events = workerTaskEvents(task.id, 'w1@host', {
      name: NAME,
      receivedAt: task.startedAt - 2,
      startedAt: task.startedAt,
      finishedAt: task.startedAt + task.runtime * 1000,
      runtime: task.runtime,
      failed: task.failed,
    });
    await publishTaskEvents(client, events);
  }
  const hour = `celery-lens:{st}:h${Math.floor(base / 3_600_000)}:n:${NAME}`;
  const nextHour = `celery-lens:{st}:h${Math.floor((base + MINUTE + 59_000) / 3_600_000)}:n:${NAME}`;
  await until(async () => {
    const [a, b] = await Promise.all([client.hmget(hour, 's', 'f'), client.hmget(nextHour, 's', 'f')]);
    const sum = [...a, ...(hour === nextHour ? [] : b)].reduce((total, value) => total + Number(value ?? 0), 0);
    return sum === tasks.length;
  }, 20_000);
}, 60_000);

afterAll(async () => {
  await second?.stop();
});

const exact = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
};
const within = (value: number | null | undefined, truth: number, accuracy = ALPHA) =>
  value != null && Math.abs(value - truth) / truth <= accuracy + 1e-9;

describe('rollups', () => {
  it('counts each event once per minute, whatever the number of replicas', async () => {
    const client = lens.redis.client();
    for (const [minute, inIt] of [
      [base, tasks.slice(0, 40)],
      [base + MINUTE, tasks.slice(40)],
    ] as const) {
      const key = `celery-lens:{st}:m${minute / MINUTE}:n:${NAME}`;
      const hash = await client.hgetall(key);
      expect(Number(hash.t)).toBe(inIt.length);
      expect(Number(hash.s ?? 0) + Number(hash.f ?? 0)).toBeGreaterThan(0);
      // A minute expires two days after it ends.
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(minute + MINUTE + 2 * 86_400_000 - Date.now() - 60_000);
      expect(ttl).toBeLessThanOrEqual(minute + MINUTE + 2 * 86_400_000 - Date.now() + 1_000);
    }
  });

  it('taskStats gives runtime and wait percentiles per name within the sketch accuracy', async () => {
    const { data, errors } = await execute(lens.app, Stats, {
      since: new Date(base - 10 * MINUTE).toISOString(),
      until: new Date().toISOString(),
      key: null,
      interval: 'MINUTE',
    });
    expect(errors).toBeUndefined();
    const group = data?.taskStats.groups.find((g) => g.key === NAME);
    const succeeded = tasks.filter((t) => !t.failed);
    expect(group?.runtime?.count).toBe(succeeded.length);
    expect(group?.wait?.count).toBe(tasks.length);
    for (const [q, field] of [
      [0.5, 'p50'],
      [0.95, 'p95'],
      [0.99, 'p99'],
    ] as const) {
      expect(
        within(
          group?.runtime?.[field],
          exact(
            succeeded.map((t) => t.runtime),
            q,
          ),
        ),
      ).toBe(true);
      expect(
        within(
          group?.wait?.[field],
          exact(
            tasks.map((t) => t.wait),
            q,
          ),
        ),
      ).toBe(true);
    }
    expect(group?.runtime?.max).toBeCloseTo(Math.max(...succeeded.map((t) => t.runtime)), 6);
  });

  it('buckets of one name count its starts and outcomes per minute', async () => {
    const { data } = await execute(second, Stats, {
      since: new Date(base).toISOString(),
      until: new Date(base + 2 * MINUTE - 1).toISOString(),
      key: NAME,
      interval: 'MINUTE',
    });
    const buckets = data?.taskStats.buckets ?? [];
    expect(buckets.map((b) => b.start)).toEqual([new Date(base).toISOString(), new Date(base + MINUTE).toISOString()]);
    expect(buckets.map((b) => b.started)).toEqual([40, 20]);
    const finishedIn = (from: number) =>
      tasks.filter((t) => t.startedAt + t.runtime * 1000 >= from && t.startedAt + t.runtime * 1000 < from + MINUTE);
    expect(buckets.map((b) => b.succeeded)).toEqual(
      [base, base + MINUTE].map((from) => finishedIn(from).filter((t) => !t.failed).length),
    );
    expect(buckets.map((b) => b.failed)).toEqual(
      [base, base + MINUTE].map((from) => finishedIn(from).filter((t) => t.failed).length),
    );
    expect(buckets[0]?.wait?.count).toBe(40);
  });
});
