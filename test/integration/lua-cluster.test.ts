/**
 * celery-lens' Lua scripts on a real Redis Cluster (three primaries): each
 * script declares its keys in KEYS and the keys it touches share a hash tag,
 * so an ioredis Cluster client routes every call to the node of that slot and
 * the node runs it. Main's scripts (numkeys 0, keys built from ARGV) went to
 * any node, which refuses a key it does not hold.
 */
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateStoredCursorKey } from '../../src/store/cursor-key-store.ts';
import { decodeChange } from '../../src/store/index/index-feed.ts';
import { INDEX_SCRIPTS } from '../../src/store/index/index-scripts.ts';
import type { IndexUpdate } from '../../src/store/index/index-types.ts';
import { TaskIndex } from '../../src/store/index/task-index.ts';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { StateLog } from '../../src/store/state-log.ts';
import { type RedisCluster, startRedisCluster } from '../helpers/redis-cluster.ts';
import { until } from '../helpers/until.ts';

let cluster: RedisCluster;
let client: Cluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
  client = cluster.client();
  await until(async () => (await client.ping()) === 'PONG');
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

/** The stores take an ioredis Redis; a Cluster client has the commands they use. */
const asRedis = (cluster: Cluster) => cluster as unknown as Redis;

function update(id: string, at: number, fields: Partial<IndexUpdate> = {}): IndexUpdate {
  return {
    id,
    status: 'SUCCEEDED',
    at,
    name: 'app.job',
    worker: 'w1@h',
    queue: 'celery',
    rootId: null,
    parentId: null,
    exceptionType: null,
    runtime: 0.5,
    kwargs: {},
    source: 'worker',
    digest: null,
    ...fields,
  };
}

async function write(index: TaskIndex, updates: readonly IndexUpdate[], hold: 'never' | 'always' = 'never') {
  const pipeline = client.pipeline();
  index.addUpdates(pipeline, updates, Date.now(), hold);
  const replies = (await pipeline.exec()) ?? [];
  for (const [error] of replies) expect(error).toBeNull();
  return replies;
}

describe('the Lua scripts on a Redis Cluster', () => {
  it('is a cluster that refuses a script touching a key it did not declare, on a node that does not hold it', async () => {
    const key = `probe-${randomUUID()}`;
    const errors = await Promise.all(
      cluster.ports.map(async (port) => {
        const { Redis } = await import('ioredis');
        const node = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
        try {
          await node.eval("return redis.call('GET', ARGV[1])", 0, key);
          return null;
        } catch (error) {
          return (error as Error).message;
        } finally {
          node.disconnect();
        }
      }),
    );
    expect(errors.filter((message) => message !== null).length).toBe(cluster.ports.length - 1);
  });

  it("runs the index' scripts: writes, walks, cell stats, trims and sweeps, releases held ends", async () => {
    const keys = lensKeys(`c-${randomUUID()}:`);
    const index = new TaskIndex(asRedis(client), keys.index, { maxTasks: 4, retentionSeconds: 7 * 86400 });
    const now = Date.now();
    const root = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await write(index, [
      update(root, now - 5000, { kwargs: { tenant: '"t1"' } }),
      update(a, now - 4000, { parentId: root, kwargs: { tenant: '"t1"' } }),
      update(b, now - 3000, { parentId: a, status: 'FAILED', exceptionType: 'KeyError' }),
    ]);
    // a moves cell (a new cell, numbered in the script), c joins the workflow through its parent's record.
    await write(index, [
      update(a, now - 2000, { status: 'FAILED', exceptionType: 'ValueError' }),
      update(c, now - 1000, { parentId: b }),
    ]);

    const workflow = await index.search({ rootId: root }, 'desc', 10, null);
    expect(workflow.entries.map((entry) => entry.id)).toEqual([c, a, b, root]);
    const tenant = await index.search({ kwargs: [{ key: 'tenant', value: '"t1"' }] }, 'asc', 10, null);
    expect(tenant.entries.map((entry) => entry.id)).toEqual([root, a]);
    expect(await index.count({ rootId: root, statuses: ['FAILED'] }, 100)).toEqual({ count: 2, capped: false });
    const failed = await index.search({ statuses: ['FAILED'] }, 'desc', 10, null);
    expect(failed.entries.map((entry) => entry.id)).toEqual([a, b]);

    const cells = await index.cells(now - 60_000, now, 10);
    const byKind = cells.map((cell) => `${cell.status}:${cell.exceptionType}:${cell.count}:${cell.runtimes.length}`);
    expect(byKind.sort()).toEqual(['FAILED:KeyError:1:1', 'FAILED:ValueError:1:1', 'SUCCEEDED::2:2']);

    // Past maxTasks (4): the write trims the oldest, root, out of its cell, workflow and kwargs sets.
    const d = randomUUID();
    await write(index, [update(d, now, { kwargs: { tenant: '"t1"' } })]);
    expect(await index.latestTimes([root, d])).toEqual([null, now]);
    const after = await index.search({ kwargs: [{ key: 'tenant', value: '"t1"' }] }, 'asc', 10, null);
    expect(after.entries.map((entry) => entry.id)).toEqual([a, d]);
    expect(await index.trim(now)).toBe(0);

    // An end held for its worker's event, released HOLD_MS later on the changes channel.
    const subscriber = cluster.client();
    const heard: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => {
      for (const change of message.split('\x1d')) heard.push(decodeChange(change)?.id ?? '');
    });
    await subscriber.subscribe(index.changesChannel);
    const e = randomUUID();
    const replies = await write(index, [update(e, now, { source: 'meta' })], 'always');
    expect((replies[0]?.[1] as unknown[]).slice(2)).toEqual([e]);
    index.releaseLater(replies as [Error | null, unknown][]);
    await until(() => heard.includes(e), 15_000);
  }, 30_000);

  it('forgets cells left without tasks (the sweep)', async () => {
    const keys = lensKeys(`c-${randomUUID()}:`);
    const index = new TaskIndex(asRedis(client), keys.index, { maxTasks: 100, retentionSeconds: 7 * 86400 });
    await write(index, [update(randomUUID(), Date.now())]);
    // An entry an earlier version left: a cell with no task.
    await client.hset(`${keys.index}cells`, '99', 'SUCCEEDED\x1fold.job\x1fw\x1fq\x1f');
    await index.trim();
    expect(await client.hexists(`${keys.index}cells`, '99')).toBe(0);
    expect(await client.hlen(`${keys.index}cells`)).toBe(1);
    expect(INDEX_SCRIPTS.sweep.lua).toContain('forgetCell');
  });

  it('numbers published states (the resume log) and rotates the cursor keys', async () => {
    const keys = lensKeys(`c-${randomUUID()}:`);
    const log = new StateLog(asRedis(client), keys);
    const first = await log.record(randomUUID(), Buffer.from('{"status": "STARTED"}'));
    const id = randomUUID();
    const second = await log.record(id, Buffer.from('{"status": "SUCCESS"}'));
    expect(second).toEqual({ epoch: first.epoch, seq: first.seq + 1 });
    expect(await log.record(id, Buffer.from('{"status": "SUCCESS"}'))).toEqual(second);

    const ring = `${keys.cursorKeys()}`;
    const rotated = await rotateStoredCursorKey(asRedis(client), ring);
    expect(rotated.verifying).toEqual([rotated.signing]);
  });
});
