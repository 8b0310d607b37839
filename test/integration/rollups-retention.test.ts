/**
 * The rollups' keep, with an injected clock (src/store/stats/stats-store.ts'
 * `now`), on a real Redis: minutes for two days, then only hours; nothing past
 * --stats-days; the registry forgets names not seen since. Also what a
 * bucket costs in Redis' memory, typical and at its bound.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { TaskEvent } from '../../src/celery/events.ts';
import { HistoryStore } from '../../src/store/history-store.ts';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { MAX_BINS, binOf } from '../../src/store/stats/sketch.ts';
import { StatsStore } from '../../src/store/stats/stats-store.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const KEEP = 30 * DAY;

let server: RedisServer;
let redis: Redis;
const leftovers: Redis[] = [];

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url());
  leftovers.push(redis);
});
afterAll(async () => {
  for (const each of leftovers) each.disconnect();
  await server?.stop();
});

/** A store whose clock is `offset` ms ahead of the real one, under a fresh prefix, and a history store feeding it. */
function stores(offset: number) {
  const prefix = `test-${randomUUID()}:`;
  const keys = lensKeys(prefix);
  const stats = new StatsStore(redis, keys.stats, { keepMs: KEEP, now: () => Date.now() + offset });
  const history = new HistoryStore(redis, keys, { historyTtlSeconds: 3600, tombstoneTtlSeconds: 3600, stats });
  return { keys, stats, history };
}

/** One task's events: received and started `wait` s apart, then succeeded after `runtime` s. */
function taskEvents(name: string, at: number, wait: number, runtime: number): TaskEvent[] {
  const id = randomUUID();
  const base = { kind: 'task' as const, taskId: id, hostname: 'w1@host', parentId: null, rootId: id, exception: null };
  return [
    { ...base, type: 'task-received', at, name, queue: null, retries: 0, runtime: null },
    { ...base, type: 'task-started', at: at + wait * 1000, name: null, queue: null, retries: null, runtime: null },
    {
      ...base,
      type: 'task-succeeded',
      at: at + wait * 1000 + runtime * 1000,
      name: null,
      queue: null,
      retries: null,
      runtime,
    },
  ];
}

describe('rollups kept', () => {
  it('keeps minutes two days, then only hours: a window three days back reads its hours', async () => {
    // The clock three days ahead: events of (real) now are three days old to the store.
    const { stats, history, keys } = stores(3 * DAY);
    const at = Math.floor(Date.now() / HOUR) * HOUR + 10 * MINUTE;
    await history.recordEvents([...taskEvents('app.old', at, 0.5, 1), ...taskEvents('app.old', at + MINUTE, 0.5, 2)]);
    expect(await redis.exists(`${keys.stats}m${at / MINUTE}:n:app.old`)).toBe(0);
    const hourKey = `${keys.stats}h${Math.floor(at / HOUR)}:n:app.old`;
    expect(await redis.hget(hourKey, 's')).toBe('2');
    // The hour is kept --stats-days from its end, counted on the store's clock.
    const ttl = await redis.pttl(hourKey);
    expect(Math.abs(ttl - (Math.floor(at / HOUR) * HOUR + HOUR + KEEP - (Date.now() + 3 * DAY)))).toBeLessThan(5_000);

    const [total] = await stats.totals([{ kind: 'name', key: 'app.old' }], at - 5 * MINUTE, at + 5 * MINUTE);
    expect(total?.counts.s).toBe(2);
    expect(total?.runtime.count).toBe(2);
    // Minutes past the keep read empty; the hour holds them.
    const minutes = await stats.series({ kind: 'name', key: 'app.old' }, at, at + 2 * MINUTE, MINUTE);
    expect(minutes.map(({ rollup }) => rollup.counts.s)).toEqual([0, 0, 0]);
    const hours = await stats.series({ kind: 'name', key: 'app.old' }, at, at + 2 * MINUTE, HOUR);
    expect(hours.map(({ start, rollup }) => [start, rollup.counts.s])).toEqual([[Math.floor(at / HOUR) * HOUR, 2]]);
    expect(await stats.members('name', at - HOUR)).toEqual(['app.old']);
  });

  it('writes nothing past --stats-days, and forgets names not seen since', async () => {
    const { stats, history, keys } = stores(0);
    const old = Date.now() - KEEP - 2 * HOUR;
    await history.recordEvents(taskEvents('app.gone', old, 0.1, 0.1));
    expect(await redis.keys(`${keys.stats}h*`)).toEqual([]);
    // A name seen within the keep, then the clock moves past it: the next write drops it from the registry.
    await history.recordEvents(taskEvents('app.seen', Date.now() - 10 * MINUTE, 0.1, 0.1));
    expect(await stats.members('name', 0)).toEqual(['app.seen']);
    const later = new StatsStore(redis, keys.stats, { keepMs: KEEP, now: () => Date.now() + KEEP + HOUR });
    await later.sampleQueues([{ queue: 'celery', length: 3, oldestAgeSeconds: 12 }]);
    expect(await later.members('name', 0)).toEqual([]);
    expect(await later.members('queue', 0)).toEqual(['celery']);
  });

  it('writes the rollups of a batch whose write failed with the next batch, each event once', async () => {
    const { stats, keys } = stores(0);
    let failures = 1;
    const flaky = {
      record: (updates: Parameters<StatsStore['record']>[0]) =>
        failures-- > 0 ? Promise.reject(new Error('Redis away')) : stats.record(updates),
    };
    const history = new HistoryStore(redis, keys, { historyTtlSeconds: 3600, tombstoneTtlSeconds: 3600, stats: flaky });
    const at = Date.now() - 5 * MINUTE;
    const batch = taskEvents('app.flaky', at, 0.1, 0.2);
    await expect(history.recordEvents(batch)).rejects.toThrow('Redis away');
    // The consumer's retry: the timeline has the events already, the rollups get them now, once.
    await history.recordEvents(batch);
    await history.recordEvents(taskEvents('app.flaky', at, 0.1, 0.2));
    const [total] = await stats.totals([{ kind: 'name', key: 'app.flaky' }], at - MINUTE, Date.now());
    expect([total?.counts.t, total?.counts.s, total?.runtime.count, total?.wait.count]).toEqual([2, 2, 2, 2]);
  });

  it('keeps a sketch to its bound of bins, in a listpack hash; measured bytes per name per minute', async () => {
    const { stats, keys } = stores(0);
    const at = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
    // Typical: 60 tasks of one name in a minute, runtimes and waits within ×10.
    const typical = Array.from({ length: 60 }, (_, i) => ({
      at: at + i * 500,
      name: 'app.typical',
      queue: 'celery',
      fields: {
        t: 1,
        s: 1,
        [`r${binOf(0.1 + i * 0.01)}`]: 1,
        rM: 0.1 + i * 0.01,
        [`w${binOf(0.02 * (1 + i / 10))}`]: 1,
      },
    }));
    // Worst: values over ×10^8, both sketches collapsing, every counter and sample set.
    const worst = Array.from({ length: 3000 }, (_, i) => ({
      at: at + (i % 60) * 1000,
      name: 'app.worst',
      queue: 'celery',
      fields: { t: 1, s: 1, f: 1, x: 1, y: 1, [`r${i % 700}`]: 1, rM: 9e4, [`w${(i * 7) % 700}`]: 1, wM: 9e4 },
    }));
    const sparse = [
      { at, name: 'app.sparse', queue: 'celery', fields: { t: 1, s: 1, r40: 1, rM: 0.5, w20: 1, wM: 0.1 } },
    ];
    await stats.record([...typical, ...worst, ...sparse]);
    const measured: Record<string, number> = {};
    for (const name of ['app.sparse', 'app.typical', 'app.worst']) {
      const key = `${keys.stats}m${at / MINUTE}:n:${name}`;
      const hash = await redis.hgetall(key);
      for (const kind of ['r', 'w']) {
        expect(Object.keys(hash).filter((field) => new RegExp(`^${kind}\\d+$`).test(field)).length).toBeLessThanOrEqual(
          MAX_BINS,
        );
      }
      expect(await redis.object('ENCODING', key)).toBe('listpack');
      measured[name] = Number(await redis.memory('USAGE', key));
      measured[`${name} fields`] = Object.keys(hash).length;
    }
    console.log(`rollup hash per name per minute (MEMORY USAGE): ${JSON.stringify(measured)}`);
    expect(measured['app.worst']).toBeLessThan(3000);
    // The worst sketch collapsed (its level went up) instead of growing.
    expect(Number(await redis.hget(`${keys.stats}m${at / MINUTE}:n:app.worst`, 'rL'))).toBeGreaterThan(0);
  });
});
