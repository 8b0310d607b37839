/**
 * LOST against real Celery 5.2 workers, on a Redis broker and on a RabbitMQ
 * one: a prefork worker killed with SIGKILL in the middle of a long task
 * stops beating; celery-lens says LOST within Celery's window (two heartbeat
 * intervals, here of 1 s, + 1 s), naming the worker. With task_acks_late the
 * message goes back to its queue (Redis: restored by the next worker that
 * starts, once kombu's visibility_timeout, here 2 s, passed; RabbitMQ: at
 * once, when the dead worker's connection closes), and the status follows
 * the task to its redelivery and its result.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryEnv, type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { BROKER_KINDS, type TestBroker, testBroker } from '../helpers/test-broker.ts';
import { until } from '../helpers/until.ts';

const Lost = graphql(`
  query Lost($id: ID!) {
    task(id: $id) { state rawState status statusReason }
    workers { hostname online }
  }
`);

let redis: RedisServer;
let broker: TestBroker;
const workers: CeleryWorker[] = [];
let app: Awaited<ReturnType<typeof startApp>>;
const env = (): CeleryEnv => ({
  brokerUrl: broker.url,
  backendUrl: redis.url(0),
  acksLate: true,
  visibilityTimeout: 2, // kombu's Redis transport only
});
const HEARTBEAT_S = 1;
// Celery's rule: two heartbeat intervals; celery-lens adds 1 s for the way here.
const WINDOW_MS = 2 * HEARTBEAT_S * 1000 + 1000;

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

const look = async (id: string) => (await execute(app, Lost, { id })).data!;
const start = async (queues: string[], hostname?: string) => {
  const worker = await startWorker({
    ...env(),
    pool: 'prefork',
    concurrency: 1,
    queues,
    heartbeatInterval: HEARTBEAT_S,
    ...(hostname ? { hostname } : {}),
  });
  workers.push(worker);
  return worker;
};

describe.each(BROKER_KINDS)('a worker killed in the middle of a task, on a %s broker', (kind) => {
  beforeAll(async () => {
    broker = await testBroker(kind, redis);
    app = await startApp(redis.url(0), ['--broker', broker.url, '--queues', 'lost']);
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await broker?.dispose();
  });

  it('LOST within the window, naming the worker; redelivered (acks_late) and followed to its result', async () => {
    const name = `lens-lost-${randomUUID().slice(0, 8)}`;
    const first = await start(['lost'], `${name}@%h`);
    const id = randomUUID();
    await celery('send', [{ task: 'sleep', args: [4], queue: 'lost', task_id: id }], env());
    // Running by its task-started event and by the STARTED state its worker stores: two writes that may come in
    // either order (the event through the broker, the state through the result backend).
    await until(async () => {
      const { task } = await look(id);
      return task?.status === 'RUNNING' && task.rawState === 'STARTED';
    }, 20_000);
    // Its heartbeats are heard: it is online, the task is not lost.
    await until(async () => (await look(id)).workers.some((w) => w.hostname.startsWith(`${name}@`) && w.online));
    expect((await look(id)).task).toMatchObject({ rawState: 'STARTED', status: 'RUNNING' });

    await first.kill();
    const killedAt = Date.now();
    await until(async () => (await look(id)).task!.status === 'LOST', WINDOW_MS + 3000);
    // Heartbeats come every second: the last one was at most 1 s before the kill.
    expect(Date.now() - killedAt).toBeLessThan(WINDOW_MS + 1500);
    const lost = (await look(id)).task!;
    expect(lost).toMatchObject({ state: 'STARTED', status: 'LOST' });
    expect(lost.statusReason).toMatch(
      new RegExp(`^the result backend says STARTED, on worker ${name}@\\S+, last heard at \\d{4}-.*no heartbeat since`),
    );
    expect(lost.statusReason).not.toMatch(/broker queue/);

    if (kind === 'redis') {
      // kombu restores an unacked message once visibility_timeout passed, when a worker starts:
      // one that consumes another queue puts it back in "lost" without taking it.
      await until(async () => Date.now() - killedAt > 2500);
      await start(['elsewhere']);
      await until(
        async () =>
          /; its message is in the broker queue "lost" again \(unacknowledged when the worker went: task_acks_late, or not started yet\): a worker will run it again$/.test(
            (await look(id)).task!.statusReason,
          ),
        15_000,
      );
      expect((await look(id)).task!.status).toBe('LOST');
    }
    // RabbitMQ requeued it when the connection closed; its queues are not searched, so the reason names none.

    // The worker comes back under its name: it receives the message again and runs the task to its end.
    await start(['lost'], `${name}@%h`);
    await until(async () => (await look(id)).task!.status !== 'LOST', 15_000);
    expect((await look(id)).task!.status).toMatch(/^(RUNNING|SUCCEEDED)$/);
    await until(async () => (await look(id)).task!.status === 'SUCCEEDED', 20_000);
    const [view] = await celery<{ state: string; result: unknown }[]>('view', { ids: [id] }, env());
    expect(view).toMatchObject({ state: 'SUCCESS', result: 4 });
  }, 90_000);
});
