/**
 * The PENDING problem against real Celery 5.2 workers: queued, unknown,
 * expired and retried tasks, with events on and off; on a Redis broker and
 * on a RabbitMQ one, with the same assertions but where RabbitMQ differs (its
 * queues cannot be searched for a task without events; expiry is the result
 * backend's alone and is checked on Redis).
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
import { subscribe, wsClient } from '../helpers/ws-client.ts';

const Why = graphql(`
  query Why($id: ID!) {
    task(id: $id) {
      state exists status statusReason
      sentAt receivedAt startedAt finishedAt
      timeline { type retries }
      lastOutcome { state errorType }
    }
  }
`);
const Follow = graphql(`
  subscription Follow($id: ID!) {
    task(id: $id) { rawState status retries }
  }
`);

let redis: RedisServer;
let broker: TestBroker;
const workers: CeleryWorker[] = [];
let app: Awaited<ReturnType<typeof startApp>>;
// Events on, results kept 2 s / events off entirely. Nobody consumes "lonely".
const loud = (): CeleryEnv => ({ brokerUrl: broker.url, backendUrl: redis.url(0), events: true, resultExpires: 2 });
const quiet = (): CeleryEnv => ({ brokerUrl: broker.url, backendUrl: redis.url(0), events: false });

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

const why = async (id: string) => (await execute(app, Why, { id })).data!.task!;
const send = async (env: CeleryEnv, spec: Record<string, unknown>) =>
  (await celery<{ id: string }[]>('send', [spec], env))[0]!.id;

describe.each(BROKER_KINDS)('PENDING disambiguated, with a real worker on a %s broker', (kind) => {
  beforeAll(async () => {
    broker = await testBroker(kind, redis);
    workers.push(
      ...(await Promise.all([
        startWorker({ ...loud(), queues: ['loud'], pool: 'prefork' }),
        startWorker({ ...quiet(), queues: ['quiet'] }),
      ])),
    );
    app = await startApp(redis.url(0), ['--broker', broker.url, '--queues', 'celery,lonely']);
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await broker?.dispose();
  });

  it('an id nobody sent: PENDING for Celery, UNKNOWN here', async () => {
    const id = randomUUID();
    const [view] = await celery<{ state: string }[]>('view', { ids: [id] }, quiet());
    expect(view!.state).toBe('PENDING');
    expect(await why(id)).toMatchObject({ state: 'PENDING', exists: false, status: 'UNKNOWN' });
  });

  it('queued where no worker listens, with task_send_sent_event on: QUEUED from the task-sent event', async () => {
    const id = await send(loud(), { task: 'add', args: [1, 1], queue: 'lonely' });
    await until(async () => (await why(id)).status === 'QUEUED');
    expect(await why(id)).toMatchObject({
      state: 'PENDING',
      exists: false,
      statusReason: expect.stringMatching(/^the last event is task-sent/),
    });
  });

  it('queued where no worker listens, with events off: QUEUED from the broker queue (UNKNOWN on RabbitMQ, saying why)', async () => {
    const id = await send(quiet(), { task: 'add', args: [1, 1], queue: 'lonely' });
    const task = await why(id);
    expect(task).toMatchObject(
      kind === 'redis'
        ? {
            state: 'PENDING',
            status: 'QUEUED',
            statusReason: 'its message is waiting in the broker queue "lonely"',
            timeline: [],
          }
        : {
            state: 'PENDING',
            status: 'UNKNOWN',
            statusReason: expect.stringContaining('task-sent event'),
            timeline: [],
          },
    );
  });

  it('timestamps from events, in order; none with events off', async () => {
    const id = await send(loud(), { task: 'add', args: [2, 2], queue: 'loud' });
    await until(async () => (await why(id)).finishedAt !== null);
    const task = await why(id);
    expect(task.timeline.map((e) => e.type)).toEqual(['SENT', 'RECEIVED', 'STARTED', 'SUCCEEDED']);
    const times = [task.sentAt, task.receivedAt, task.startedAt, task.finishedAt].map((t) => Date.parse(t!));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const silent = await send(quiet(), { task: 'add', args: [2, 2], queue: 'quiet' });
    await celery('wait', { ids: [silent], timeout: 30 }, quiet());
    expect(await why(silent)).toMatchObject({ status: 'SUCCEEDED', sentAt: null, startedAt: null, timeline: [] });
  });

  it("a retried task's timeline: each re-send after the attempt that sent it, each receipt after its send", async () => {
    const id = randomUUID();
    await send(loud(), { task: 'flaky', args: [2], queue: 'loud', task_id: id });
    // 3 attempts: SENT, RECEIVED, STARTED each, 2 RETRIED, 1 SUCCEEDED; events arrive in batches.
    await until(async () => (await why(id)).timeline.length === 12, 20_000);
    const timeline = (await why(id)).timeline;
    expect(timeline[0]).toEqual({ type: 'SENT', retries: 0 });
    expect(timeline.at(-1)?.type).toBe('SUCCEEDED');
    for (const attempt of [0, 1, 2]) {
      const sent = timeline.findIndex((e) => e.type === 'SENT' && e.retries === attempt);
      const received = timeline.findIndex((e) => e.type === 'RECEIVED' && e.retries === attempt);
      expect(sent).toBeGreaterThanOrEqual(0);
      expect(received).toBeGreaterThan(sent);
      // Attempt N is re-sent by attempt N-1 while it runs: after the starts of attempts 0 … N-1.
      expect(timeline.slice(0, sent).filter((e) => e.type === 'STARTED')).toHaveLength(attempt);
    }
  });

  it.runIf(kind === 'redis')(
    'result_expires=2: once Celery forgets the result, EXPIRED with its old outcome',
    async () => {
      const id = await send(loud(), { task: 'fail', args: ['gone soon'], queue: 'loud' });
      await until(async () => (await why(id)).status === 'FAILED');
      await until(async () => (await why(id)).exists === false, 10_000);
      const [view] = await celery<{ state: string }[]>('view', { ids: [id] }, loud());
      expect(view!.state).toBe('PENDING');
      expect(await why(id)).toMatchObject({
        state: 'PENDING',
        status: 'EXPIRED',
        lastOutcome: { state: 'FAILURE', errorType: 'ValueError' },
      });
    },
  );

  it('a retried task is RETRYING, then SUCCEEDED', async () => {
    const id = randomUUID();
    const client = wsClient(app.url);
    try {
      const sub = subscribe(client, Follow, { id });
      await sub.waitFor(1);
      await send(quiet(), { task: 'flaky', args: [2], queue: 'quiet', task_id: id });
      await sub.done;
      const statuses = sub.events.map((e) => e.task.status);
      expect(statuses[0]).toBe('UNKNOWN');
      expect(statuses.filter((s) => s === 'RETRYING')).toHaveLength(2);
      expect(statuses.indexOf('RETRYING')).toBeLessThan(statuses.lastIndexOf('RUNNING'));
      expect(sub.events.at(-1)?.task).toEqual({ rawState: 'SUCCESS', status: 'SUCCEEDED', retries: 2 });
    } finally {
      await client.dispose();
    }
  });
});
