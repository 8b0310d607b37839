/**
 * Bulk actions by filter on a RabbitMQ broker (a vhost of this file's own)
 * against real Celery 5.2.6 prefork workers: what is QUEUED is known from the
 * task-sent events, a dry run counts it and touches nothing, the real run
 * revokes every one (one broadcast per batch on celery.pidbox) before any
 * runs, and a re-send of a name's failures links each to its new task.
 */
import { type DocumentNode, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryEnv, type CeleryWorker, ensureCelery, startWorker } from '../helpers/celery.ts';
import { type Vhost, createVhost } from '../helpers/rabbitmq.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const Send = graphql(`
  mutation BulkSend($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }
`);
const RevokeMatching = graphql(`
  mutation BulkRevokeMatching($filter: TaskFilter!, $dryRun: Boolean! = false, $max: Int) {
    revokeTasksMatching(filter: $filter, dryRun: $dryRun, max: $max) { id kind state matched done failed dryRun startedAt finishedAt filter }
  }
`);
const ResendMatching = graphql(`
  mutation BulkResendMatching($filter: TaskFilter!) {
    resendTasksMatching(filter: $filter) { id kind state matched done failed }
  }
`);
const Look = graphql(`
  query BulkLook($id: ID!) { bulkAction(id: $id) { id state matched done failed finishedAt error } }
`);
const Count = graphql(`
  query BulkCount($filter: TaskFilter) { searchTasks(filter: $filter, first: 0) { totalCount } }
`);
const Revoke = graphql(`
  mutation BulkRevokeOne($id: ID!) { revokeTask(id: $id, terminate: true, signal: "SIGKILL") { id } }
`);
const Tasks = graphql(`
  query BulkTasks($ids: [ID!]!) { tasks(ids: $ids) { id state timeline { type } resentAs { id } resentFrom { id } } }
`);

const IDLE = 'bulk-idle'; // one process serves it, busy with a long task until the revoke is done
let vhost: Vhost;
let redis: RedisServer;
const workers: CeleryWorker[] = [];
let app: Awaited<ReturnType<typeof startApp>>;
const env = (): CeleryEnv => ({ brokerUrl: vhost.url(), backendUrl: redis.url(0) });

async function ok<T>(document: DocumentNode, variables: object): Promise<T> {
  const response = await app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const { data, errors } = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(errors).toBeUndefined();
  return data as T;
}
async function sendMany(count: number, name: string, queue: string, args: (index: number) => unknown[]) {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1)
    ids.push((await ok<{ sendTask: { id: string } }>(Send, { name, args: args(index), queue })).sendTask.id);
  return ids;
}
const total = async (filter: object) =>
  (await ok<{ searchTasks: { totalCount: number } }>(Count, { filter })).searchTasks.totalCount;
type Action = { state: string; matched: number; done: number; failed: number };
const look = async (id: string) => (await ok<{ bulkAction: Action | null }>(Look, { id })).bulkAction;
type TaskRow = { id: string; state: string; timeline: { type: string }[]; resentAs: { id: string }[] };
const tasks = async (ids: string[]) =>
  (await ok<{ tasks: (TaskRow & { resentFrom: { id: string } | null })[] }>(Tasks, { ids })).tasks;
async function ended(id: string): Promise<Action> {
  await until(async () => (await look(id))?.state !== 'RUNNING', 30_000);
  return (await look(id)) as Action;
}

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
    await until(async () => (await total(filter)) === 40, 30_000);
    const dry = await ok<{ revokeTasksMatching: Action & { dryRun: boolean } }>(RevokeMatching, {
      filter,
      dryRun: true,
    });
    expect(dry.revokeTasksMatching).toMatchObject({ state: 'DONE', matched: 40, done: 0, dryRun: true });
    const run = await ok<{ revokeTasksMatching: Action & { id: string } }>(RevokeMatching, { filter });
    expect(run.revokeTasksMatching).toMatchObject({ state: 'RUNNING', matched: 40 });
    expect(await ended(run.revokeTasksMatching.id)).toMatchObject({ state: 'DONE', matched: 40, done: 40, failed: 0 });
    // Only now is the queue's process free: the worker discards every one of the 40, none runs.
    await ok(Revoke, { id: sleeper });
    await until(async () => (await tasks(ids)).every((task) => task.state === 'REVOKED'), 30_000);
    for (const task of await tasks(ids)) expect(task.timeline.map((entry) => entry.type)).not.toContain('STARTED');
  }, 150_000);

  it("re-sends a name's failures, each linked to its new task both ways", async () => {
    const since = new Date().toISOString();
    const ids = await sendMany(3, 'lens.fail', 'celery', (index) => [`boom-${index}`]);
    const filter = { name: 'lens.fail', status: ['FAILED'], since };
    await until(async () => (await total(filter)) === 3, 30_000);
    const run = await ok<{ resendTasksMatching: { id: string; matched: number } }>(ResendMatching, { filter });
    expect(run.resendTasksMatching.matched).toBe(3);
    expect(await ended(run.resendTasksMatching.id)).toMatchObject({ state: 'DONE', done: 3, failed: 0 });
    const originals = await tasks(ids);
    for (const task of originals) expect(task.resentAs).toHaveLength(1);
    const copies = await tasks(originals.map((task) => task.resentAs[0]?.id as string));
    expect(copies.map((task) => task.resentFrom?.id)).toEqual(ids);
    await until(async () => (await tasks(copies.map((task) => task.id))).every((t) => t.state === 'FAILURE'), 30_000);
  }, 90_000);
});
