/**
 * Subscriptions fed by a real Celery 5.2 worker's publish-on-set, with the
 * worker on a Redis broker and on a RabbitMQ one (the states come from the
 * Redis result backend either way: the same assertions hold).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { BROKER_KINDS, type BrokerKind, type TestBroker, testBroker } from '../helpers/test-broker.ts';
import { until } from '../helpers/until.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';
import { released, watching } from '../helpers/watching.ts';

const Completed = graphql(`
  subscription InteropCompleted($id: ID!) {
    taskCompleted(id: $id) { id state result }
  }
`);
const Watch = graphql(`
  subscription InteropWatch($id: ID!) {
    task(id: $id) { id rawState meta result }
  }
`);
const States = graphql(`
  query InteropStates($ids: [ID!]!) {
    tasks(ids: $ids) { id state }
  }
`);

type App = Awaited<ReturnType<typeof startApp>>;
let redis: RedisServer;
/** Each broker mode's worker and celery-lens, started by its describe. */
const modes = new Map<BrokerKind, { broker: TestBroker; worker: CeleryWorker; app: App }>();
let app: App;
let env = () => ({ brokerUrl: redis.url(15), backendUrl: redis.url(0) });
const leftovers: (() => unknown)[] = [];

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  for (const dispose of leftovers.reverse()) await dispose();
  for (const { app, worker, broker } of modes.values()) {
    await app.stop();
    await worker.stop();
    await broker.dispose();
  }
  await redis?.stop();
});

function ws() {
  const client = wsClient(app.url);
  leftovers.push(() => client.dispose());
  return client;
}

describe.each(BROKER_KINDS)('awaiting completion with a real worker on a %s broker', (kind) => {
  beforeAll(async () => {
    const broker = await testBroker(kind, redis);
    env = () => ({ brokerUrl: broker.url, backendUrl: redis.url(0) });
    const worker = await startWorker({ ...env(), queues: ['subs'], concurrency: 16 });
    app = await startApp(redis.url(0), ['--broker', broker.url]);
    modes.set(kind, { broker, worker, app });
  }, 120_000);

  it('50 concurrent tasks: every subscriber gets its final state exactly once', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const client = ws();
    const subs = ids.map((id) => subscribe(client, Completed, { id }));
    await until(() => watching(app, ids));
    await celery(
      'send',
      ids.map((id, i) => ({ task: 'add', args: [i, 1000], queue: 'subs', task_id: id })),
      env(),
    );
    await Promise.all(subs.map((sub) => sub.done));
    expect(subs.map((sub) => sub.events)).toEqual(
      ids.map((id, i) => [{ taskCompleted: { id, state: 'SUCCESS', result: i + 1000 } }]),
    );
    await until(() => released(app, ids));
  });

  it('a PROGRESS task streams each progress meta in order', async () => {
    const id = randomUUID();
    const sub = subscribe(ws(), Watch, { id });
    await sub.waitFor(1);
    await celery('send', [{ task: 'progress', args: [5, 0.2], queue: 'subs', task_id: id }], env());
    await sub.done;
    expect(sub.events.map((e) => [e.task.rawState, e.task.meta ?? e.task.result])).toEqual([
      ['PENDING', null],
      ['STARTED', { pid: expect.any(Number), hostname: expect.stringMatching(/^lens-/) }],
      ...[1, 2, 3, 4, 5].map((current) => ['PROGRESS', { current, total: 5 }]),
      ['SUCCESS', { done: 5 }],
    ]);
  });
});

describe('awaiting completion while the result backend restarts', () => {
  beforeAll(() => {
    // The Redis broker's worker and celery-lens (the backend's loss is the point, the broker's is not).
    const redisMode = modes.get('redis');
    if (!redisMode) throw new Error('the Redis-broker suite did not start');
    app = redisMode.app;
    env = () => ({ brokerUrl: redisMode.broker.url, backendUrl: redis.url(0) });
  });

  it('Redis killed and restarted while tasks run: every subscriber still receives every final state', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const subs = ids.map((id) => subscribe(ws(), Completed, { id }));
    await until(() => watching(app, ids));
    await celery(
      'send',
      ids.map((id) => ({ task: 'sleep', args: [3], queue: 'subs', task_id: id })),
      env(),
    );
    // Kill it once every task has started and some still run, so their results are written after the restart
    // (on a loaded machine the five may not all be running in the same instant).
    await until(async () => {
      const states = (await execute(app, States, { ids })).data?.tasks.map((task) => task?.state) ?? [];
      return (
        states.length === ids.length &&
        states.every((state) => state === 'STARTED' || state === 'SUCCESS') &&
        states.includes('STARTED')
      );
    }, 30_000);
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await redis.restart();
    await Promise.all(subs.map((sub) => sub.done));
    expect(subs.map((sub) => sub.events)).toEqual(
      ids.map((id) => [{ taskCompleted: { id, state: 'SUCCESS', result: 3 } }]),
    );
  }, 60_000);
});
