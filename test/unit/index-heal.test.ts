/**
 * IndexHeal's choices without a Redis (the integration tests drive it on
 * real servers): which result keys it reads (by their remaining TTL), which
 * final states it records (not those the index holds at that time or later),
 * and that a heal the store refuses is tried again later with what it had.
 */
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { celeryKeys } from '../../src/celery/keys.ts';
import { decodeTaskMeta, type TaskMeta } from '../../src/celery/meta.ts';
import { IndexHeal, type HealReport } from '../../src/intake/index-heal.ts';
import type { IndexEntry } from '../../src/store/index/index-types.ts';
import { celeryDate } from '../helpers/clock.ts';

const celery = celeryKeys();
const DAY = 86_400;

interface Stored {
  readonly state: string;
  /** Remaining TTL, ms. */
  readonly pttl: number;
  readonly doneAt?: number;
}

/** A result backend holding `stored` (id → value and TTL), answering SCAN, PTTL and MGET as Redis does. */
function backend(stored: Record<string, Stored>) {
  const value = (id: string, { state, doneAt }: Stored) =>
    Buffer.from(
      JSON.stringify({
        status: state,
        result: 1,
        traceback: null,
        children: [],
        date_done: state === 'STARTED' ? null : celeryDate(doneAt ?? Date.now()),
        task_id: id,
      }),
    );
  const read: string[] = [];
  const fake = {
    read,
    async scan() {
      return ['0', Object.keys(stored).map((id) => celery.task(id))];
    },
    pipeline() {
      const keys: string[] = [];
      const chain = {
        pttl(key: string) {
          keys.push(key);
          return chain;
        },
        async exec() {
          return keys.map((key) => [null, stored[celery.taskIdOf(key) as string]?.pttl ?? -2]);
        },
      };
      return chain;
    },
    async mgetBuffer(...keys: string[]) {
      return keys.map((key) => {
        const id = celery.taskIdOf(key) as string;
        read.push(id);
        const entry = stored[id];
        return entry ? value(id, entry) : null;
      });
    },
  };
  return fake;
}

function heal(
  stored: Record<string, Stored>,
  { unfinished = [] as string[], indexed = {} as Record<string, number>, failures = 0 } = {},
) {
  const server = backend(stored);
  const recorded: string[] = [];
  let refusals = failures;
  const healer = new IndexHeal(
    {
      backend: server as unknown as Redis,
      celery,
      history: {
        async recordMeta(meta: TaskMeta) {
          if (refusals > 0) {
            refusals -= 1;
            throw new Error('STORE_UNAVAILABLE');
          }
          recorded.push(meta.id);
        },
      },
      index: {
        async search(_filter, _order, limit, after) {
          const from = after ? unfinished.indexOf(after.id) + 1 : 0;
          const entries: IndexEntry[] = unfinished.slice(from, from + limit).map((id) => ({ id, at: 0 }));
          return { entries, stoppedAt: null };
        },
        async latestTimes(ids) {
          return ids.map((id) => indexed[id] ?? null);
        },
      },
      decode: (id, key, bytes) => decodeTaskMeta(id, key, bytes),
    },
    { resultExpiresSeconds: DAY, keysPerSecond: 1e9 },
  );
  const reports: HealReport[] = [];
  const errors: number[] = [];
  healer.onEnd = (report) => reports.push(report);
  healer.onError = (_error, retryInMs) => errors.push(retryInMs);
  return { healer, recorded, reports, errors, read: server.read };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('IndexHeal', () => {
  it('reads the unfinished tasks and the keys written since the drop; records the final states the index lacks', async () => {
    vi.useFakeTimers();
    const now = Date.now();
    const { healer, recorded, reports, read } = heal(
      {
        running: { state: 'SUCCESS', pttl: DAY * 1000 - 3_600_000 }, // written an hour ago, but the index holds it unfinished
        still: { state: 'STARTED', pttl: DAY * 1000 - 1000 },
        fresh: { state: 'FAILURE', pttl: DAY * 1000 - 1000 },
        heard: { state: 'SUCCESS', pttl: DAY * 1000 - 1000, doneAt: now - 1000 },
        old: { state: 'SUCCESS', pttl: DAY * 1000 - 3_600_000 },
        forever: { state: 'SUCCESS', pttl: -1 },
      },
      { unfinished: ['running', 'still', 'gone'], indexed: { heard: now } },
    );
    healer.dropped(now - 10_000);
    healer.gap();
    await vi.advanceTimersByTimeAsync(100);
    expect(recorded.sort()).toEqual(['forever', 'fresh', 'running']);
    // An hour-old key is not read (its TTL says so); one without a TTL is.
    expect(read).not.toContain('old');
    expect(read).toContain('forever');
    expect(reports).toMatchObject([{ unfinished: 3, scanned: 6, read: 3, healed: 3 }]);
    expect(healer.healed).toBe(3);
  });

  it("reads what was written since the drop when Celery's result_expires is shorter than --result-expires", async () => {
    vi.useFakeTimers();
    const hour = 3_600_000;
    const { healer, recorded, read } = heal({
      fresh: { state: 'SUCCESS', pttl: hour - 1000 },
      old: { state: 'SUCCESS', pttl: hour / 2 },
    });
    healer.dropped(Date.now() - 10_000);
    healer.gap();
    await vi.advanceTimersByTimeAsync(100);
    expect(recorded).toEqual(['fresh']);
    expect(read).toEqual(['fresh']);
  });

  it('tries a refused heal again later, with the tasks it had, and backs off', async () => {
    vi.useFakeTimers();
    const { healer, recorded, reports, errors } = heal({ a: { state: 'SUCCESS', pttl: DAY * 1000 } }, { failures: 2 });
    healer.lost(['a']);
    await vi.advanceTimersByTimeAsync(2000);
    expect(errors).toEqual([2000]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(errors).toEqual([2000, 4000]);
    expect(recorded).toEqual([]);
    await vi.advanceTimersByTimeAsync(4000);
    expect(recorded).toEqual(['a']);
    expect(reports).toMatchObject([{ since: null, lost: 1, healed: 1 }]);
    // Nothing pending: no heal runs after.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reports).toHaveLength(1);
    healer.stop();
  });
});
