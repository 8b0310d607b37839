/**
 * Redis drops celery-lens' pub/sub connections when a burst overflows their
 * client-output-buffer-limit (set low here): what was published until they
 * are back is lost. The drop is logged and counted, and the gap is healed
 * from the result backend: a task that finished meanwhile reaches its
 * awaitTask and its subscription, a group's progress re-counts, and the
 * index learns the final states (intake/index-heal.ts).
 */
import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { celeryDate } from '../helpers/clock.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { startApp } from '../helpers/app.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';

type Progress = { groupProgress: { total: number; running: number; succeeded: number; ready: boolean } };
const FOLLOW_TASK = parse('subscription ($id: ID!) { task(id: $id) { id state } }') as TypedDocumentNode<
  { task: { id: string; state: string } },
  { id: string }
>;
const FOLLOW_GROUP = parse(
  'subscription ($id: ID!) { groupProgress(id: $id) { total running succeeded ready } }',
) as TypedDocumentNode<Progress, { id: string }>;
const AWAIT = 'query ($id: ID!) { awaitTask(id: $id, timeoutSeconds: 60) { timedOut task { state result } } }';

const lens = useLens(['--max-await-seconds', '60']);
let client: Redis;
beforeAll(() => {
  client = lens.redis.client();
});
afterAll(async () => {
  // Redis' own default.
  await client?.config('SET', 'client-output-buffer-limit', 'pubsub 33554432 8388608 60');
});

const meta = (id: string, status: string, result: unknown, group?: string) =>
  JSON.stringify({
    status,
    result,
    traceback: null,
    children: [],
    date_done: status === 'SUCCESS' ? `${celeryDate()}+00:00` : null,
    ...(group ? { group_id: group } : {}),
    task_id: id,
  });

async function metric(connection: string, url = lens.app.url): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return Number(
    new RegExp(`celery_lens_subscriber_disconnects_total\\{connection="${connection}"\\} (\\d+)`).exec(text)?.[1],
  );
}

describe('a dropped pub/sub connection', () => {
  it('is logged and counted, and a task that finished meanwhile reaches its awaitTask, its subscription and its group progress', async () => {
    const [awaited, followed, group] = [randomUUID(), randomUUID(), randomUUID()];
    const members = [randomUUID(), randomUUID()];
    for (const id of members)
      await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w@h' }, group_id: group }, { id });
    const ws = wsClient(lens.app.url);
    try {
      const progress = subscribe(ws, FOLLOW_GROUP, { id: group });
      await until(() => progress.events.at(-1)?.groupProgress.running === 2);
      const task = subscribe(ws, FOLLOW_TASK, { id: followed });
      await task.waitFor(1);
      const answer = fetch(lens.app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: AWAIT, variables: { id: awaited } }),
      }).then(
        async (response) =>
          (await response.json()) as {
            data?: { awaitTask: { timedOut: boolean; task: { state: string; result: unknown } } };
          },
      );
      await until(() => lens.app.watcher.watchedCount === 2);
      expect([await metric('subscriptions'), await metric('events')]).toEqual([0, 0]);

      // A burst of large PROGRESS updates overflows the output buffer of the connection that hears states (the
      // consumer's, which feeds the watcher too); everything
      // published after it in the same transaction, the final states included, is never sent to them.
      await client.config('SET', 'client-output-buffer-limit', 'pubsub 1kb 1kb 1');
      const burst = client.multi();
      const key = (id: string) => `celery-task-meta-${id}`;
      for (let step = 0; step < 5; step += 1)
        burst.publish(key(awaited), meta(awaited, 'PROGRESS', { step, blob: 'x'.repeat(20_000) }));
      for (const id of [awaited, followed])
        burst.setex(key(id), 3600, meta(id, 'SUCCESS', 42)).publish(key(id), meta(id, 'SUCCESS', 42));
      for (const id of members)
        burst.setex(key(id), 3600, meta(id, 'SUCCESS', 1, group)).publish(key(id), meta(id, 'SUCCESS', 1, group));
      await burst.exec();
      await client.config('SET', 'client-output-buffer-limit', 'pubsub 33554432 8388608 60');

      expect((await answer).data?.awaitTask).toEqual({ timedOut: false, task: { state: 'SUCCESS', result: 42 } });
      await task.done;
      expect(task.events.at(-1)).toEqual({ task: { id: followed, state: 'SUCCESS' } });
      await progress.done;
      expect(progress.events.at(-1)).toEqual({ groupProgress: { total: 2, running: 0, succeeded: 2, ready: true } });

      expect(await metric('subscriptions')).toBe(0);
      expect(await metric('events')).toBe(1);
      const lines = lens.app.logs.map(
        (line) =>
          JSON.parse(line) as { level: number; msg: string; role?: string; lost?: string; watchedTasks?: number },
      );
      const dropped = lines.filter((line) => line.msg === 'pub/sub connection dropped');
      expect(
        dropped.map(({ level, role }) => ({ level, role })).sort((a, b) => a.role!.localeCompare(b.role!)),
      ).toEqual([{ level: 40, role: 'events' }]);
      expect(dropped.find((line) => line.role === 'events')).toMatchObject({
        watchedTasks: 2,
        lost: expect.stringContaining('re-read from the result backend'),
      });
      await until(() => lens.app.logs.some((line) => line.includes('pub/sub connection is back')));
      // The index heals from the result backend: the two tasks it never heard of are indexed (and the members it held running end).
      const healed = async () =>
        Number(
          /^celery_lens_index_healed_total (\d+)$/m.exec(
            await (await fetch(new URL('/metrics', lens.app.url))).text(),
          )?.[1],
        );
      await until(
        async () => (await lens.app.index?.latestTimes([awaited, followed]))?.every((at) => at !== null) === true,
      );
      expect(await healed()).toBeGreaterThanOrEqual(2);
    } finally {
      await ws.dispose();
    }
  });
});

describe('a dropped connection to a broker of its own', () => {
  it("is the events connection's: logged, counted, and subscribed again", async () => {
    const broker = await startRedis();
    const app = await startApp(lens.redis.url(), ['--broker', broker.url(1)]);
    try {
      await until(async () => (await fetch(new URL('/readyz', app.url))).status === 200);
      await broker.client().client('KILL', 'TYPE', 'pubsub');
      await until(async () => (await metric('events', app.url)) === 1);
      expect(await metric('subscriptions', app.url)).toBe(0);
      const dropped = app.logs
        .map((line) => JSON.parse(line) as { msg: string; connection?: string; role?: string })
        .filter((line) => line.msg === 'pub/sub connection dropped');
      expect(dropped).toMatchObject([{ connection: 'celery-lens-events', role: 'events' }]);
      // Its pattern subscriptions are renewed: events flow again.
      await until(async () => Number(await broker.client().pubsub('NUMPAT')) === 1);
      expect((await fetch(new URL('/readyz', app.url))).status).toBe(200);
    } finally {
      await app.stop();
      await broker.stop();
    }
  });
});
