/**
 * taskStats' buckets: per minute, hour or day (`interval`), chosen from the
 * window when not given; written metas finished over the last week, all
 * relative to now, read back through the consumer's index.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { celeryDate, minuteAgo } from '../helpers/clock.ts';
import { until } from '../helpers/until.ts';

const lens = useLens();

const Buckets = graphql(`
  query StatsBuckets($since: DateTime, $until: DateTime, $interval: TaskStatsInterval) {
    taskStats(since: $since, until: $until, interval: $interval) {
      since until interval
      buckets { start succeeded failed }
    }
  }
`);

/** An operation the suite's typed documents do not hold (a deprecated field, invalid input). */
async function raw(
  query: string,
): Promise<{ data?: unknown; errors?: { extensions?: { code?: string; argument?: string } }[] }> {
  const response = await lens.app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as {
    data?: unknown;
    errors?: { extensions?: { code?: string; argument?: string } }[];
  };
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Finished tasks: [ms before now, succeeded, failed], each in the middle of its minute. */
const SPREAD: [number, number, number][] = [
  [6 * DAY, 2, 1],
  [2 * DAY + 3 * HOUR, 3, 0],
  [5 * HOUR, 1, 2],
  [90 * MINUTE, 2, 0],
  [10 * MINUTE, 1, 1],
];
const finished: { at: number; failed: boolean }[] = [];

beforeAll(async () => {
  const client = lens.redis.client();
  for (const [ago, succeeded, failed] of SPREAD) {
    const at = minuteAgo(ago) + 30_000;
    for (let i = 0; i < succeeded + failed; i += 1) {
      const isFailure = i >= succeeded;
      finished.push({ at, failed: isFailure });
      await writeFinished(client, at, isFailure);
    }
  }
  await until(async () => (await client.hlen('celery-lens:{ix}:rec')) === finished.length);
});

async function writeFinished(client: ReturnType<typeof lens.redis.client>, at: number, failed: boolean) {
  await writeMeta(
    client,
    {
      status: failed ? 'FAILURE' : 'SUCCESS',
      date_done: celeryDate(at),
      name: 'app.stats',
      ...(failed ? { result: { exc_type: 'ValueError', exc_message: ['no'], exc_module: 'builtins' } } : { result: 1 }),
    },
    { id: randomUUID() },
  );
}

/** What `buckets` must say for [since, until] in buckets of `size`: every bucket, empty ones included. */
function expected(since: number, until: number, size: number) {
  const buckets = [];
  for (let start = Math.floor(since / size) * size; start <= Math.floor(until / size) * size; start += size) {
    const inside = finished.filter(
      (task) =>
        task.at >= Math.max(start, Math.floor(since / MINUTE) * MINUTE) && task.at < start + size && task.at <= until,
    );
    buckets.push({
      start: iso(start),
      succeeded: inside.filter((task) => !task.failed).length,
      failed: inside.filter((task) => task.failed).length,
    });
  }
  return buckets;
}

describe('taskStats buckets', () => {
  it('chooses the bucket from the window: minutes up to 6 hours, hours up to 7 days, days beyond', async () => {
    const now = Date.now();
    const cases: [number, 'MINUTE' | 'HOUR' | 'DAY', number][] = [
      [3 * HOUR, 'MINUTE', MINUTE],
      [6 * HOUR, 'MINUTE', MINUTE],
      [6 * HOUR + MINUTE, 'HOUR', HOUR],
      [3 * DAY, 'HOUR', HOUR],
      [7 * DAY, 'HOUR', HOUR],
      [7 * DAY + HOUR, 'DAY', DAY],
      [10 * DAY, 'DAY', DAY],
    ];
    for (const [window, interval, size] of cases) {
      const { data, errors } = await execute(lens.app, Buckets, { since: iso(now - window), until: iso(now) });
      expect(errors).toBeUndefined();
      expect(data?.taskStats.interval).toBe(interval);
      expect(data?.taskStats.buckets).toEqual(expected(now - window, now, size));
    }
    // No window at all: the last 24 hours, in hours.
    const { data } = await execute(lens.app, Buckets, { since: null, until: null });
    const since = Date.parse(data?.taskStats.since ?? '');
    expect(Date.parse(data?.taskStats.until ?? '') - since).toBe(DAY);
    expect(data?.taskStats.interval).toBe('HOUR');
    expect(data?.taskStats.buckets).toEqual(expected(since, since + DAY, HOUR));
  });

  it('answers the interval asked, whatever the window; a week in hours is a small answer', async () => {
    const now = Date.now();
    const week = { since: iso(now - 7 * DAY), until: iso(now) };
    for (const [interval, size] of [
      ['MINUTE', MINUTE],
      ['HOUR', HOUR],
      ['DAY', DAY],
    ] as const) {
      const { data } = await execute(lens.app, Buckets, { ...week, interval });
      expect(data?.taskStats.interval).toBe(interval);
      expect(data?.taskStats.buckets).toEqual(expected(now - 7 * DAY, now, size));
    }
    const hours = await execute(lens.app, Buckets, week);
    const minutes = await execute(lens.app, Buckets, { ...week, interval: 'MINUTE' });
    expect(hours.data?.taskStats.buckets.length).toBeLessThanOrEqual(7 * 24 + 1);
    expect(minutes.data?.taskStats.buckets.length).toBeGreaterThanOrEqual(7 * 24 * 60);
    // Every task of the week counted once, in either size.
    const total = (buckets: { succeeded: number; failed: number }[] = []) =>
      buckets.reduce((sum, b) => sum + b.succeeded + b.failed, 0);
    expect(total(hours.data?.taskStats.buckets)).toBe(finished.length);
    expect(total(minutes.data?.taskStats.buckets)).toBe(finished.length);
    expect(JSON.stringify(hours).length * 30).toBeLessThan(JSON.stringify(minutes).length);
  });

  it('keeps the deprecated perMinute: per minute, whatever the interval', async () => {
    const now = Date.now();
    const body = await raw(
      `{ taskStats(since: "${iso(now - 2 * HOUR)}", until: "${iso(now)}", interval: HOUR) { interval perMinute { minute succeeded failed } } }`,
    );
    const stats = (
      body.data as {
        taskStats: { interval: string; perMinute: { minute: string; succeeded: number; failed: number }[] };
      }
    ).taskStats;
    expect(stats.interval).toBe('HOUR');
    expect(stats.perMinute.map(({ minute, succeeded, failed }) => ({ start: minute, succeeded, failed }))).toEqual(
      expected(now - 2 * HOUR, now, MINUTE),
    );
  });

  it('refuses an interval that is not one, and minutes over more than a week', async () => {
    const codes = async (query: string) =>
      (await raw(query)).errors?.map((error) => [error.extensions?.code, error.extensions?.argument]);
    expect(await codes('{ taskStats(interval: WEEK) { interval } }')).toEqual([
      ['GRAPHQL_VALIDATION_FAILED', undefined],
    ]);
    const now = Date.now();
    expect(
      await codes(`{ taskStats(since: "${iso(now - 8 * DAY)}", until: "${iso(now)}", interval: MINUTE) { interval } }`),
    ).toEqual([['INVALID_ARGUMENT', 'interval']]);
    expect(
      await codes(`{ taskStats(since: "${iso(now - 7 * DAY)}", until: "${iso(now)}", interval: MINUTE) { interval } }`),
    ).toBeUndefined();
  });
});
