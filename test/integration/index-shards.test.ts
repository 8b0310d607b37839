/**
 * The task index spread over shards (--index-shards, store/index/index-shards.ts):
 * the same events written to an index of one shard on a plain Redis and to an
 * index of several, on a plain Redis and on a real Redis Cluster (three
 * primaries, its pipelines split per node as the store's are), answer the same
 * pages, counts, stats and minutes; the cluster's index lives on more than one
 * primary; --index-max-tasks is kept over all shards.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/celery/events.ts';
import { type LensCluster, createCluster } from '../../src/redis/cluster-connection.ts';
import type { StoreRedis } from '../../src/redis/store-redis.ts';
import { HistoryStore } from '../../src/store/history-store.ts';
import type { IndexFilter, IndexOrder } from '../../src/store/index/index-types.ts';
import { shardOf } from '../../src/store/index/index-shards.ts';
import { checkIndexLayout } from '../../src/store/index/index-layout.ts';
import { TaskIndex } from '../../src/store/index/task-index.ts';
import { startApp } from '../helpers/app.ts';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { type RedisCluster, startRedisCluster } from '../helpers/redis-cluster.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { taskEvent } from '../helpers/task-event.ts';
import { until } from '../helpers/until.ts';

let server: RedisServer;
let plain: Redis;
let cluster: RedisCluster;
let store: LensCluster;
beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedis(), startRedisCluster(3)]);
  plain = server.client();
  store = createCluster(
    {
      ...(await import('../../src/redis/cluster-url.ts')).parseStoreUrl(
        `redis+cluster://127.0.0.1:${cluster.ports[0]}`,
      ),
    },
    { commandTimeoutMs: 5000, connectionName: 'index-shards-test', role: 'store' },
  );
  await store.connect();
  await until(async () => (await store.ping()) === 'PONG');
  // Each node's connection opens on first use; the store refuses commands meanwhile (no offline queue).
  await Promise.all(store.nodes('master').map((node) => node.ping().catch(() => null)));
  await until(() => store.nodes('master').every((node) => node.status === 'ready'));
}, 90_000);
afterAll(async () => {
  plain?.disconnect();
  store?.disconnect();
  await Promise.all([server?.stop(), cluster?.stop()]);
});

function indexOn(redis: StoreRedis, shards: number, maxTasks = 10_000) {
  const keys = lensKeys(`s${shards}-${randomUUID().slice(0, 8)}:`);
  const index = new TaskIndex(redis, keys.index, { maxTasks, retentionSeconds: 86_400, shards });
  const settings = { historyTtlSeconds: 3600, tombstoneTtlSeconds: 3600, index, indexKwargs: ['tenant'] };
  return { keys, index, history: new HistoryStore(redis as Redis, keys, settings) };
}

/** 400 tasks of 7 names on 3 workers, a workflow of a quarter of them, half finished (a sixth failed), kwargs. */
function events(now: number) {
  const root = randomUUID();
  const all: TaskEvent[] = [];
  for (let i = 0; i < 400; i += 1) {
    const id = i === 0 ? root : randomUUID();
    // Three tasks a millisecond: ties broken by id.
    const at = now - 100_000 + Math.floor(i / 3);
    const hostname = `w${i % 3}@h`;
    const rootId = i % 4 === 0 ? root : id;
    all.push(
      taskEvent('task-received', id, at, { name: `app.t${i % 7}`, hostname, rootId, kwargs: `{'tenant': ${i % 5}}` }),
    );
    if (i % 2 === 1) {
      const type = i % 6 === 1 ? 'task-failed' : 'task-succeeded';
      all.push(taskEvent(type, id, at + 1, { hostname, runtime: i / 100, exception: "KeyError('k')" }));
    }
  }
  return { root, all };
}

async function record(history: HistoryStore, all: readonly TaskEvent[]) {
  for (let from = 0; from < all.length; from += 24) await history.recordEvents(all.slice(from, from + 24));
}

/** Every match, a page of 17 at a time, going on from where a page stopped. */
async function pages(index: TaskIndex, filter: IndexFilter, order: IndexOrder, budget?: number): Promise<string[]> {
  const ids: string[] = [];
  let after = null;
  for (;;) {
    const page = await index.search(filter, order, 17, after, budget);
    ids.push(...page.entries.map((entry) => entry.id));
    if (page.stoppedAt === null && page.entries.length < 17) return ids;
    after = page.stoppedAt ?? page.entries.at(-1) ?? null;
  }
}

/** What a client can learn from an index: every filter's pages both ways (and by small budgets), counts, cells, minutes. */
async function answers(index: TaskIndex, root: string, now: number) {
  const filters: IndexFilter[] = [
    {},
    { statuses: ['SUCCEEDED'] },
    { name: 'app.t3' },
    { statuses: ['FAILED'], worker: 'w1@h' },
    { rootId: root },
    { rootId: root, statuses: ['FAILED'] },
    { kwargs: [{ key: 'tenant', value: '2' }] },
    { since: now - 99_900, until: now - 99_850 },
  ];
  const out: unknown[] = [];
  for (const filter of filters) {
    for (const order of ['desc', 'asc'] as const) out.push(await pages(index, filter, order));
    // A walk stopped by its budget goes on from where it stopped, and finds the same.
    if (filter.rootId || filter.kwargs) out.push(await pages(index, filter, 'desc', 40));
    out.push(await index.count(filter, 1000), await index.count(filter, 10));
  }
  const cells = await index.cells(now - 200_000, now, 100);
  out.push(
    cells
      .map((c) => [
        c.status,
        c.name,
        c.worker,
        c.exceptionType,
        c.count,
        c.firstAt,
        c.lastAt,
        c.lastId,
        c.runtimes.length,
      ])
      .sort(),
    await index.minutes(now - 200_000, now),
  );
  return out;
}

describe('the index over several shards', () => {
  it('answers as one shard does, on a plain Redis and on a Redis Cluster whose primaries share it', async () => {
    const now = Date.now();
    const { root, all } = events(now);
    const one = indexOn(plain, 1);
    const four = indexOn(plain, 4);
    const spread = indexOn(store, 8);
    await Promise.all([record(one.history, all), record(four.history, all), record(spread.history, all)]);
    const expected = await answers(one.index, root, now);
    expect(await answers(four.index, root, now)).toEqual(expected);
    expect(await answers(spread.index, root, now)).toEqual(expected);
    const ids = all.slice(0, 40).map((event) => event.taskId);
    expect(await spread.index.latestTimes(ids)).toEqual(await one.index.latestTimes(ids));

    // The cluster's index: every shard holds tasks, and the shards live on every primary.
    const byNode = await Promise.all(
      cluster.ports.map(async (port) => {
        const node = (await import('ioredis')).Redis;
        const client = new node({ port, host: '127.0.0.1', lazyConnect: true });
        await client.connect();
        try {
          return await client.keys(`${spread.keys.index.slice(0, -'{ix}:'.length)}{ix:*}:rec`);
        } finally {
          client.disconnect();
        }
      }),
    );
    expect(byNode.flat()).toHaveLength(8);
    expect(byNode.filter((keys) => keys.length > 0).length).toBe(3);
    // One shard is the layout of before: `{ix}:`.
    expect(await plain.hlen(`${one.keys.index}rec`)).toBe(400);
  }, 60_000);

  it('pages right when the newest tasks all live in one shard (a range read short is read again whole)', async () => {
    const now = Date.now();
    // 60 tasks of shard 0 newest, then 60 spread: a page of 17 is shard 0's alone.
    const skewed: string[] = [];
    while (skewed.length < 60) {
      const id = randomUUID();
      if (shardOf(id, 8) === 0) skewed.push(id);
    }
    const spread = Array.from({ length: 60 }, () => randomUUID());
    const all = [...spread, ...skewed].map((id, i) =>
      taskEvent('task-received', id, now - 10_000 + i, { name: 'app.skew', hostname: `w${i % 2}@h` }),
    );
    const one = indexOn(plain, 1);
    const eight = indexOn(store, 8);
    await Promise.all([record(one.history, all), record(eight.history, all)]);
    for (const filter of [{}, { name: 'app.skew' }, { worker: 'w1@h' }])
      for (const order of ['desc', 'asc'] as const)
        expect(await pages(eight.index, filter, order)).toEqual(await pages(one.index, filter, order));
  }, 60_000);

  it('finds a workflow three deep from stored results alone, its tasks in different shards', async () => {
    // Stored results name a parent, not the root: a grandchild's root is its parent's, read in the parent's shard.
    const now = Date.now();
    const idIn = (s: number) => {
      for (;;) {
        const id = randomUUID();
        if (shardOf(id, 8) === s) return id;
      }
    };
    const [root, child, grandchild] = [idIn(0), idIn(1), idIn(2)];
    const meta = (id: string, parentId: string | null, at: number) => ({
      id,
      status: 'SUCCEEDED' as const,
      at,
      name: 'app.chain',
      worker: 'w1@h',
      queue: 'celery',
      rootId: null,
      parentId,
      exceptionType: null,
      runtime: null,
      kwargs: {},
      source: 'meta' as const,
      digest: null,
    });
    for (const redis of [plain, store]) {
      const { index } = indexOn(redis, redis === plain ? 1 : 8);
      for (const update of [meta(root, null, now - 3), meta(child, root, now - 2), meta(grandchild, child, now - 1)]) {
        const pipeline = redis.pipeline();
        index.addUpdates(pipeline, [update], now);
        index.releaseLater((await pipeline.exec()) as [Error | null, unknown][]);
      }
      await until(async () => (await pages(index, { rootId: root }, 'desc')).length === 3);
      expect(await pages(index, { rootId: root }, 'desc')).toEqual([grandchild, child, root]);
    }
    // Four deep in one batch, as the backfill writes: each guess corrected from its parent's correction.
    const chain = [idIn(4), idIn(5), idIn(6), idIn(7)];
    for (const redis of [plain, store]) {
      const { index } = indexOn(redis, redis === plain ? 1 : 8);
      const pipeline = redis.pipeline();
      index.addUpdates(
        pipeline,
        chain.map((id, n) => meta(id, n === 0 ? null : (chain[n - 1] as string), now - 4 + n)),
        now,
      );
      index.releaseLater((await pipeline.exec()) as [Error | null, unknown][]);
      await until(async () => (await pages(index, { rootId: chain[0] as string }, 'desc')).length === 4);
      expect(await pages(index, { rootId: chain[0] as string }, 'desc')).toEqual([...chain].reverse());
    }
    // A grandchild in its guessed parent's shard takes the guess from the parent's record in the write: moved
    // with the parent once the parent's root is known.
    const [top, middle, guessed, last] = [idIn(0), idIn(1), idIn(2), idIn(2)];
    for (const redis of [plain, store]) {
      const { index } = indexOn(redis, redis === plain ? 1 : 8);
      for (const run of [[meta(top, null, now - 4)], [meta(middle, top, now - 3)]]) {
        const pipeline = redis.pipeline();
        index.addUpdates(pipeline, run, now);
        index.releaseLater((await pipeline.exec()) as [Error | null, unknown][]);
        await until(async () => (await pages(index, { rootId: top }, 'desc')).includes(run[0]?.id as string));
      }
      const pipeline = redis.pipeline();
      index.addUpdates(pipeline, [meta(guessed, middle, now - 2), meta(last, guessed, now - 1)], now);
      index.releaseLater((await pipeline.exec()) as [Error | null, unknown][]);
      await until(async () => (await pages(index, { rootId: top }, 'desc')).length === 4);
      expect(await pages(index, { rootId: top }, 'desc')).toEqual([last, guessed, middle, top]);
      // The middle task's own workflow listing holds itself alone (a listing names its root), none moved there.
      expect(await pages(index, { rootId: middle }, 'desc')).toEqual([middle]);
    }
  }, 60_000);

  it('keeps --index-max-tasks over all shards, the oldest going first', async () => {
    const now = Date.now();
    const { all } = events(now);
    const one = indexOn(plain, 1, 100);
    const spread = indexOn(store, 8, 100);
    await Promise.all([record(one.history, all), record(spread.history, all)]);
    // Each batch keeps each shard within its share; the retention pass, to the maximum exactly.
    await spread.index.trim(now);
    expect(await spread.index.count({}, 1000)).toEqual({ count: 100, capped: false });
    expect(await pages(spread.index, {}, 'asc')).toEqual(await pages(one.index, {}, 'asc'));
    expect(await spread.index.trim(now + 2 * 86_400_000)).toBe(100);
    expect(await spread.index.count({}, 1000)).toEqual({ count: 0, capped: false });
  }, 60_000);

  it('tells an operator whose process uses another shard count than the store holds', async () => {
    const { keys, history } = indexOn(plain, 1);
    await record(history, events(Date.now()).all.slice(0, 40));
    expect(await checkIndexLayout(plain, keys.index, 1)).toEqual({ shards: 1, recorded: null, unsharded: 0 });
    const tasks = await plain.zcard(`${keys.index}all`);
    expect(tasks).toBeGreaterThan(0);
    expect(await checkIndexLayout(plain, keys.index, 8)).toEqual({ shards: 8, recorded: 1, unsharded: tasks });
    // A process started so logs it, naming the way back.
    const app = await startApp(server.url(0), [
      '--lens-prefix',
      keys.index.replace('{ix}:', ''),
      '--index-shards',
      '8',
    ]);
    try {
      await until(() => app.logs.some((line) => line.includes('written with --index-shards 1, this process uses 8')));
    } finally {
      await app.stop();
    }
  });
});
