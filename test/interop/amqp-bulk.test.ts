/**
 * Bulk actions by filter on a RabbitMQ broker (a vhost of this file's own)
 * against real Celery 5.2.6 prefork workers: what is QUEUED is known from the
 * task-sent events, a dry run counts it and touches nothing, the real run
 * revokes every one (one broadcast per batch on celery.pidbox) before any
 * runs, and a re-send of a name's failures links each to its new task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { type Action, ResendMatching, Revoke, RevokeMatching, bulkOperations, ok } from '../helpers/bulk-operations.ts';
import { type CeleryEnv, type CeleryWorker, ensureCelery, startWorker } from '../helpers/celery.ts';
import { type Vhost, createVhost } from '../helpers/rabbitmq.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const IDLE = 'bulk-idle'; // one process serves it, busy with a long task until the revoke is done
let vhost: Vhost;
let redis: RedisServer;
const workers: CeleryWorker[] = [];
let app: Awaited<ReturnType<typeof startApp>>;
const env = (): CeleryEnv => ({ brokerUrl: vhost.url(), backendUrl: redis.url(0) });

const { sendMany, total, tasks, ended } = bulkOperations(() => app);

beforeAll(async () => {
  await ensureCelery();
  [vhost, redis] = await Promise.all([createVhost(), startRedis()]);
  const flags = ['--broker', vhost.url(), '--queues', `celery,${IDLE}`, '--control', 'true', '--send-allow', 'lens.*'];
  app = await startApp(redis.url(0), [...flags, '--bulk-batch', '7', '--bulk-pause-ms', '20']);
  workers.push(
    ...(await Promise.all([
      startWorker({ ...env(), pool: 'prefork', concurrency: 2 }),
      startWorker({ ...env(), pool: 'prefork', concurrency: 1, queues: [IDLE] }),
    ])),
  );
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await Promise.all(workers.map((worker) => worker.stop()));
  await redis?.stop();
  await vhost?.delete();
});

describe('bulk actions on a RabbitMQ broker', () => {
  it('a dry run counts 40 queued tasks of a queue and revokes none; the real run revokes all 40 before any runs', async () => {
    const [sleeper] = await sendMany(1, 'lens.sleep', IDLE, () => [120]);
    await until(async () => (await tasks([sleeper as string]))[0]?.state === 'STARTED', 30_000);
    const ids = await sendMany(40, 'lens.add', IDLE, (index) => [index, 1]);
    // QUEUED from the task-sent events (RabbitMQ's queues are not scanned), the ones the worker prefetched too.
    const filter = { queue: IDLE, status: ['QUEUED'] };
    let [queued, states] = [0, new Map<string, number>()];
    await until(
      async () => {
        queued = await total(filter);
        if (queued === 40) return true;
        states = new Map();
        for (const task of await tasks(ids)) states.set(task.state, (states.get(task.state) ?? 0) + 1);
        return false;
      },
      30_000,
      () => `${queued} QUEUED in ${IDLE}; the 40 tasks' states: ${JSON.stringify(Object.fromEntries(states))}`,
    );
    const dry = await ok<{ revokeTasksMatching: Action & { dryRun: boolean } }>(app, RevokeMatching, {
      filter,
      dryRun: true,
    });
    expect(dry.revokeTasksMatching).toMatchObject({ state: 'DONE', matched: 40, done: 0, dryRun: true });
    const run = await ok<{ revokeTasksMatching: Action & { id: string } }>(app, RevokeMatching, { filter });
    expect(run.revokeTasksMatching).toMatchObject({ state: 'RUNNING', matched: 40 });
    expect(await ended(run.revokeTasksMatching.id)).toMatchObject({ state: 'DONE', matched: 40, done: 40, failed: 0 });
    // Only now is the queue's process free: the worker discards every one of the 40, none runs.
    await ok(app, Revoke, { id: sleeper });
    await until(async () => (await tasks(ids)).every((task) => task.state === 'REVOKED'), 30_000);
    for (const task of await tasks(ids)) expect(task.timeline.map((entry) => entry.type)).not.toContain('STARTED');
  }, 150_000);

  it("re-sends a name's failures, each linked to its new task both ways", async () => {
    const since = new Date().toISOString();
    const ids = await sendMany(3, 'lens.fail', 'celery', (index) => [`boom-${index}`]);
    const filter = { name: 'lens.fail', status: ['FAILED'], since };
    await until(async () => (await total(filter)) === 3, 30_000);
    const run = await ok<{ resendTasksMatching: { id: string; matched: number } }>(app, ResendMatching, { filter });
    expect(run.resendTasksMatching.matched).toBe(3);
    expect(await ended(run.resendTasksMatching.id)).toMatchObject({ state: 'DONE', done: 3, failed: 0 });
    const originals = await tasks(ids);
    for (const task of originals) expect(task.resentAs).toHaveLength(1);
    const copies = await tasks(originals.map((task) => task.resentAs[0]?.id as string));
    expect(copies.map((task) => task.resentFrom?.id)).toEqual(ids);
    await until(async () => (await tasks(copies.map((task) => task.id))).every((t) => t.state === 'FAILURE'), 30_000);
  }, 90_000);
});
