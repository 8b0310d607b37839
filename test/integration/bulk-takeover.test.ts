/**
 * A bulk re-send whose process died between claiming a batch and committing
 * it, after sending one task of it: the process that takes it over (once the
 * lease lapsed) acts on that batch again without a second message for the
 * task already sent, and finishes the rest. And how far past its start an
 * action reaches: a failure the index dates just after it (its worker's event
 * told later, or a worker's clock ahead) is counted and re-sent. Real Redis
 * for the index, the records and the broker; the stored calls are given (no
 * worker runs here).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulkRunner } from '../../src/bulk/bulk-runner.ts';
import { BulkStore } from '../../src/bulk/bulk-store.ts';
import { RedisBroker } from '../../src/broker/redis/redis-broker.ts';
import { TaskControl } from '../../src/broker/task-control.ts';
import type { TaskCall } from '../../src/celery/outgoing-messages.ts';
import { TaskIndex } from '../../src/store/index/task-index.ts';
import type { IndexUpdate } from '../../src/store/index/index-types.ts';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { SentTasks } from '../../src/store/sent-tasks.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

let server: RedisServer;
const connections: Redis[] = [];
const connect = () => {
  const connection = new Redis(server.port);
  connections.push(connection);
  return connection;
};
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  for (const connection of connections) connection.disconnect();
  await server?.stop();
});

const failed = (id: string, at: number): IndexUpdate => ({
  id,
  status: 'FAILED',
  at,
  name: 'lens.fail',
  worker: 'w@h',
  queue: 'celery',
  rootId: null,
  parentId: null,
  exceptionType: 'ValueError',
  runtime: 0.1,
  kwargs: {},
  source: 'worker',
  digest: null,
});

/** An index holding failures at these times, a bulk store, and task control on a Redis broker queue of its own. */
async function rig(times: readonly number[]) {
  const redis = connect();
  const keys = lensKeys(`takeover-${randomUUID()}:`);
  const index = new TaskIndex(redis, keys.index, { maxTasks: 1000, retentionSeconds: 86_400 });
  const ids = times.map(() => randomUUID());
  const pipeline = redis.pipeline();
  index.addUpdates(
    pipeline,
    ids.map((id, n) => failed(id, times[n] as number)),
  );
  await pipeline.exec();
  const store = new BulkStore(redis, keys.bulk, connect());
  const queue = `takeover-${randomUUID()}`;
  const broker = new RedisBroker(redis, { db: 0, queues: [queue], scanLimit: 100 });
  const control = new TaskControl(broker, new SentTasks(redis, keys, { linkTtlSeconds: 3600, reserveSeconds: 3600 }));
  const resendCall = async (id: string): Promise<TaskCall> => ({
    id: randomUUID(),
    name: 'lens.fail',
    args: [id],
    kwargs: {},
    queue,
    eta: null,
    expires: null,
    priority: null,
  });
  return { redis, index, ids, store, queue, control, resendCall };
}

const filter = { statuses: ['FAILED' as const], name: 'lens.fail' };
const options = { terminate: false, signal: 'SIGTERM', queue: null, max: null };

describe('taking over a bulk action with a batch in flight', () => {
  it('re-sends each task once: the one sent before the death is not sent again, only linked', async () => {
    const now = Date.now();
    const { redis, index, ids, store, queue, control, resendCall } = await rig(
      Array.from({ length: 5 }, (_, n) => now - 10_000 + n),
    );

    // The dead process: it created the action, claimed the newest two tasks, sent the first, and died.
    const action = await store.create(
      { kind: 'RESEND', filter, options, dryRun: false, by: 'test', matched: 5 },
      'dead',
      300,
    );
    const { entries } = await index.search({ ...filter, until: action.startedAt.getTime() }, 'desc', 2, null);
    const planned = entries.map((entry) => [entry.id, randomUUID()] as const);
    const claim = await store.claim(action.id, 'dead', entries.at(-1)!, planned);
    expect(claim).toMatchObject({ status: 'ok', claimed: planned });
    await control.send({ ...(await resendCall(planned[0]![0])), id: planned[0]![1] });
    expect(await redis.llen(queue)).toBe(1);

    // Another process, once the dead one's lease lapsed.
    const runner = new BulkRunner({ store, index, control, resendCall }, { batch: 2, pauseMs: 0, leaseMs: 300 });
    runner.start();
    try {
      await until(async () => (await store.read(action.id))?.state === 'DONE', 10_000);
    } finally {
      await runner.stop();
    }
    expect(await store.read(action.id)).toMatchObject({ done: 5, failed: 0, matched: 5, inflight: [] });
    // Five messages for five tasks: the first batch's kept the ids the claim recorded.
    expect(await redis.llen(queue)).toBe(5);
    for (const id of ids) expect(await control.resentAs(id)).toHaveLength(1);
    for (const [from, to] of planned) expect(await control.resentAs(from)).toEqual([to]);
  });
});

describe("a bulk action's reach", () => {
  it('counts and re-sends a failure dated just after its start, not one a minute ahead', async () => {
    const now = Date.now();
    // The newest: its worker's event told the end a second after the action starts (or its clock runs ahead).
    const times = [now - 10_000, now - 5000, now + 1000, now + 60_000];
    const { ids, store, index, queue, redis, control, resendCall } = await rig(times);
    const runner = new BulkRunner({ store, index, control, resendCall }, { batch: 2, pauseMs: 0, leaseMs: 5000 });
    try {
      const begun = await runner.begin({ kind: 'RESEND', filter, options, dryRun: false, by: 'test' }, now);
      expect(begun.matched).toBe(3);
      await until(async () => (await store.read(begun.id))?.state === 'DONE', 10_000);
      expect(await store.read(begun.id)).toMatchObject({ done: 3, failed: 0, matched: 3 });
    } finally {
      await runner.stop();
    }
    expect(await redis.llen(queue)).toBe(3);
    for (const id of ids.slice(0, 3)) expect(await control.resentAs(id)).toHaveLength(1);
    expect(await control.resentAs(ids[3] as string)).toEqual([]);
  });
});
