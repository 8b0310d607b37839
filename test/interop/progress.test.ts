/**
 * A 500-task chord on a real Celery 5.2 worker, followed through one
 * groupProgress subscription: counts as the members finish, never more than
 * one event per --progress-interval-ms, and an exact, ready last event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryEnv, type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';

const ChordProgress = graphql(`
  subscription ChordProgress($id: ID!) {
    groupProgress(id: $id) { total queued running succeeded failed revoked expired unknown lost ready percent }
  }
`);

const INTERVAL_MS = 250;
let redis: RedisServer;
let worker: CeleryWorker;
let app: Awaited<ReturnType<typeof startApp>>;
const env = (): CeleryEnv => ({ brokerUrl: redis.url(15), backendUrl: redis.url(0) });

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
  [worker, app] = await Promise.all([
    startWorker({ ...env(), queues: ['celery'], pool: 'prefork', concurrency: 2 }),
    startApp(redis.url(0), ['--broker', redis.url(15), '--progress-interval-ms', String(INTERVAL_MS)]),
  ]);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await worker?.stop();
  await redis?.stop();
});

describe('groupProgress on a real chord', () => {
  it('500 members: exact counts, ready at the end, at most one event per interval', async () => {
    const sent = await celery<{ id: string; groupId: string; ids: string[] }[]>(
      'send',
      [{ chord: Array.from({ length: 500 }, (_, i) => ({ task: 'add', args: [i, 1] })), body: { task: 'tsum' } }],
      env(),
    );
    const chord = sent[0]!;
    expect(chord.ids).toHaveLength(500);
    const client = wsClient(app.url);
    try {
      const arrivals: number[] = [];
      const sub = subscribe(client, ChordProgress, { id: chord.groupId });
      const watch = setInterval(() => {
        while (arrivals.length < sub.events.length) arrivals.push(Date.now());
      }, 2);
      await sub.done;
      clearInterval(watch);
      while (arrivals.length < sub.events.length) arrivals.push(Date.now());
      expect(sub.errors).toEqual([]);
      const events = sub.events.map((e) => e.groupProgress);
      expect(events.at(-1)).toEqual({
        total: 500,
        queued: 0,
        running: 0,
        succeeded: 500,
        failed: 0,
        revoked: 0,
        expired: 0,
        unknown: 0,
        lost: 0,
        ready: true,
        percent: 100,
      });
      // Only the last is ready; the counts only grow; every count adds up to the total.
      expect(events.filter((e) => e.ready)).toHaveLength(1);
      for (const e of events)
        expect(e.queued + e.running + e.succeeded + e.failed + e.revoked + e.expired + e.unknown + e.lost).toBe(
          e.total,
        );
      const done = events.map((e) => e.succeeded);
      expect([...done].sort((a, b) => a - b)).toEqual(done);
      // The chord took several intervals: several events, at most one per interval. Sent at least an
      // interval apart (timed exactly in test/unit/progress-stream.test.ts); one may reach this busy
      // process late (up to 300 ms here), so the count is bounded over the whole span.
      expect(events.length).toBeGreaterThan(1);
      expect((arrivals.length - 1) * INTERVAL_MS).toBeLessThanOrEqual(arrivals.at(-1)! - arrivals[0]! + 300);
      const [callback] = await celery<{ state: string; result: unknown }[]>(
        'wait',
        { ids: [chord.id], timeout: 60 },
        env(),
      );
      expect(callback).toMatchObject({ state: 'SUCCESS', result: (499 * 500) / 2 + 500 });
    } finally {
      await client.dispose();
    }
  }, 120_000);
});
