/**
 * The consumer's scripts take a batch's values packed in one argument
 * (src/store/packed-args.ts, lua/unpack.lua: each value as its length in
 * bytes, ':', its bytes). Values whose characters take several bytes, and
 * values that look like the packing itself, come back as they went in: in
 * the history, the index and the rollups.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore, type TaskHistory } from '../../src/store/history-store.ts';
import { TaskIndex } from '../../src/store/index/task-index.ts';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { StatsStore } from '../../src/store/stats/stats-store.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { taskEvent } from '../helpers/task-event.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('values packed for the scripts', () => {
  it('keep multi-byte characters and colons, digits and empty values in place', async () => {
    const keys = lensKeys(`packed-${randomUUID()}:`);
    const client = redis.client();
    const index = new TaskIndex(client, keys.index, { maxTasks: 1000, retentionSeconds: 86400 });
    const stats = new StatsStore(client, keys.stats, { keepMs: 86_400_000 });
    const history = new HistoryStore(client, keys, { historyTtlSeconds: 60, tombstoneTtlSeconds: 60, index, stats });
    const id = randomUUID();
    const name = 'tâches.ajouter_😀';
    const queue = '12:3:';
    const hostname = 'wörker@hôte:1';
    const at = Date.now() - 5000;
    const extra = { name, queue, hostname };
    await history.recordEvents([
      taskEvent('task-received', id, at, extra),
      taskEvent('task-started', id, at + 10, { hostname }),
      taskEvent('task-succeeded', id, at + 20, { hostname, runtime: 0.01 }),
    ]);
    const [read] = (await history.readHistory([id])) as TaskHistory[];
    expect(read).toMatchObject({ name, queue, worker: hostname, receivedAt: at, startedAt: at + 10, runtime: 0.01 });
    expect(read?.timeline.map((entry) => entry.hostname)).toEqual([hostname, hostname, hostname]);
    const cells = await index.cells(at - 1000, at + 1000, 0);
    expect(cells).toMatchObject([{ status: 'SUCCEEDED', name, queue, worker: hostname, count: 1 }]);
    const [rollup] = await stats.totals([{ kind: 'name', key: name }], at - 60_000, at + 60_000);
    expect(rollup?.counts).toMatchObject({ s: 1, t: 1 });
  });
});
