import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTaskStream } from '../../src/live/task-stream.ts';
import type { TaskUpdate } from '../../src/live/task-watcher.ts';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { taskSubscribers, writeMeta } from '../helpers/celery-meta.ts';
import { until } from '../helpers/until.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { subscribe, useWsClients, wsClient } from '../helpers/ws-client.ts';
import { celeryDate } from '../helpers/clock.ts';

const WatchTask = graphql(`
  subscription WatchTask($id: ID!, $untilReady: Boolean! = true) {
    task(id: $id, untilReady: $untilReady) { id state rawState meta result ttlSeconds }
  }
`);
const TaskCompleted = graphql(`
  subscription TaskCompleted($id: ID!) {
    taskCompleted(id: $id) { id state result error { type message } }
  }
`);
const WatchTasks = graphql(`
  subscription WatchTasks($ids: [ID!]!) {
    tasks(ids: $ids) { id state result }
  }
`);

let redis: RedisServer;
let client: Redis;
let app: Awaited<ReturnType<typeof startApp>>;
const leftovers: (() => unknown)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  client = redis.client();
  // As Celery's result_expires in these tests' writes (writeMeta: 3600 s). Not consuming: the watcher
  // subscribes each task's channel, the mechanics these tests follow (a consuming process is fed by its
  // pattern instead: state-feed.test.ts).
  app = await startApp(redis.url(), ['--result-expires', '3600', '--consume', 'false']);
});
afterEach(async () => {
  for (const dispose of leftovers.splice(0).reverse()) await dispose();
});
afterAll(async () => {
  await app.stop();
  await redis.stop();
});

const ws = useWsClients(() => app.url);

const numsub = (ids: string[]) => taskSubscribers(client, ids);

describe('subscription task(id)', () => {
  it('emits the current state, each PROGRESS meta in order, then completes after SUCCESS', async () => {
    const id = randomUUID();
    const sub = subscribe(ws(), WatchTask, { id });
    await sub.waitFor(1);
    for (let step = 1; step <= 5; step += 1)
      await writeMeta(client, { status: 'PROGRESS', result: { current: step, total: 5 } }, { id });
    await writeMeta(client, { status: 'SUCCESS', result: 'done' }, { id });
    await sub.done;
    expect(sub.events.map((e) => [e.task.rawState, e.task.meta ?? e.task.result])).toEqual([
      ['PENDING', null],
      ...[1, 2, 3, 4, 5].map((step) => ['PROGRESS', { current: step, total: 5 }]),
      ['SUCCESS', 'done'],
    ]);
    // A published value's TTL is its key's PTTL (writeMeta: 3600 s), as a query reads it.
    expect(sub.events.at(-1)?.task.ttlSeconds).toBe(3600);
    await until(async () => (await numsub([id]))[0] === 0);
  });

  it('does not repeat an identical state, and never moves a ready task back', async () => {
    const id = randomUUID();
    const sub = subscribe(ws(), WatchTask, { id, untilReady: false });
    await sub.waitFor(1);
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id });
    const raw = await client.get(`celery-task-meta-${id}`);
    await client.publish(`celery-task-meta-${id}`, raw as string); // the same bytes again
    await writeMeta(client, { status: 'SUCCESS', result: 1, date_done: celeryDate() }, { id });
    await writeMeta(client, { status: 'STARTED', result: { pid: 2, hostname: 'w' } }, { id });
    await writeMeta(client, { status: 'SUCCESS', result: 2, date_done: celeryDate(Date.now() + 1000) }, { id });
    await sub.waitFor(4);
    sub.stop();
    expect(sub.events.map((e) => [e.task.rawState, e.task.result])).toEqual([
      ['PENDING', null],
      ['STARTED', null],
      ['SUCCESS', 1],
      ['SUCCESS', 2],
    ]);
  });

  it('completes at once for a task that is already done', async () => {
    const id = await writeMeta(client, { status: 'SUCCESS', result: 7 });
    const sub = subscribe(ws(), WatchTask, { id });
    await sub.done;
    expect(sub.events).toEqual([
      { task: { id, state: 'SUCCESS', rawState: 'SUCCESS', meta: null, result: 7, ttlSeconds: 3600 } },
    ]);
  });

  it('rejects a bad id with INVALID_TASK_ID', async () => {
    const sub = subscribe(ws(), WatchTask, { id: 'nope' });
    await sub.done;
    expect(sub.events).toEqual([]);
    expect(sub.errors).toMatchObject([{ extensions: { code: 'INVALID_TASK_ID' } }]);
  });
});

describe('subscription taskCompleted(id)', () => {
  it('emits exactly once, the final state', async () => {
    const id = randomUUID();
    const sub = subscribe(ws(), TaskCompleted, { id });
    await until(async () => (await numsub([id]))[0] === 1);
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id });
    await writeMeta(
      client,
      { status: 'FAILURE', result: { exc_type: 'ValueError', exc_message: ['kaboom'], exc_module: 'builtins' } },
      { id },
    );
    await sub.done;
    expect(sub.events).toEqual([
      { taskCompleted: { id, state: 'FAILURE', result: null, error: { type: 'ValueError', message: 'kaboom' } } },
    ]);
  });

  it('stops listening for shutdown when it ends (no listener left behind per subscription)', async () => {
    const listening = () => getEventListeners(app.shutdown, 'abort').length;
    const before = listening();
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const subs = ids.map((id) => subscribe(ws(), TaskCompleted, { id }));
    // Over graphql-ws they run in cohorts: one listener for all of them, not one each.
    await until(() => app.watcher.listenerCount === ids.length);
    expect(listening()).toBeGreaterThan(before);
    for (const id of ids) await writeMeta(client, { status: 'SUCCESS', result: 1 }, { id });
    await Promise.all(subs.map((sub) => sub.done));
    await until(() => listening() === before);
  });

  it('works over SSE (Yoga built-in) too', async () => {
    const id = await writeMeta(client, { status: 'SUCCESS', result: [1, 2] });
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: `subscription { taskCompleted(id: "${id}") { id state result } }` }),
    });
    const body = await response.text();
    expect(body).toContain(`data: {"data":{"taskCompleted":{"id":"${id}","state":"SUCCESS","result":[1,2]}}}`);
    expect(body).toContain('event: complete');
  });
});

describe('subscription tasks(ids)', () => {
  it('streams many tasks in one subscription, each event naming its task, until all are ready', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await writeMeta(client, { status: 'SUCCESS', result: 0 }, { id: ids[0] });
    const sub = subscribe(ws(), WatchTasks, { ids });
    await sub.waitFor(3);
    await writeMeta(client, { status: 'SUCCESS', result: 1 }, { id: ids[1] });
    await writeMeta(
      client,
      { status: 'FAILURE', result: { exc_type: 'E', exc_message: [], exc_module: null } },
      { id: ids[2] },
    );
    await sub.done;
    expect(
      sub.events
        .slice(0, 3)
        .map((e) => e.tasks.id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(sub.events.slice(3).map((e) => [e.tasks.id, e.tasks.state])).toEqual([
      [ids[1], 'SUCCESS'],
      [ids[2], 'FAILURE'],
    ]);
  });
});

describe('one shared subscriber connection', () => {
  it('serves 200 subscriptions on 100 tasks over one Redis connection, and leaves nothing subscribed', async () => {
    const ids = Array.from({ length: 100 }, () => randomUUID());
    const client1 = ws();
    const client2 = ws();
    const subs = ids.flatMap((id) => [
      subscribe(client1, TaskCompleted, { id }),
      subscribe(client2, TaskCompleted, { id }),
    ]);
    await until(async () => (await numsub(ids)).every((count) => count === 1));
    const clients = (await client.client('LIST')) as string;
    expect(clients.match(/name=celery-lens-sub /g)).toHaveLength(1);
    // Redis counts a channel as it runs the command; the watcher once the reply is read.
    await until(() => app.watcher.channelCount === 100);
    for (const id of ids) await writeMeta(client, { status: 'SUCCESS', result: id }, { id });
    await Promise.all(subs.map((sub) => sub.done));
    for (const sub of subs) expect(sub.events).toHaveLength(1);
    expect(subs.map((sub) => sub.events[0]?.taskCompleted.result)).toEqual(ids.flatMap((id) => [id, id]));
    await until(async () => (await numsub(ids)).every((count) => count === 0));
    await until(() => app.watcher.channelCount === 0);
  });

  it('unsubscribes when clients disconnect mid-stream', async () => {
    const ids = [randomUUID(), randomUUID()];
    const c = wsClient(app.url);
    for (const id of ids) subscribe(c, WatchTask, { id });
    await until(async () => (await numsub(ids)).every((count) => count === 1));
    await c.dispose();
    await until(async () => (await numsub(ids)).every((count) => count === 0));
  });
});

describe('no lost update', () => {
  it('keeps a change published between SUBSCRIBE and the first read, and drops the older ones', async () => {
    const id = randomUUID();
    await writeMeta(client, { status: 'PROGRESS', result: { current: 1 } }, { id });
    // Make changes land while the first read is in flight: one before it runs, one after.
    const read = app.backend.readTasksRaw.bind(app.backend);
    app.backend.readTasksRaw = async (ids) => {
      await writeMeta(client, { status: 'PROGRESS', result: { current: 2 } }, { id });
      const result = await read(ids);
      await writeMeta(client, { status: 'PROGRESS', result: { current: 3 } }, { id });
      return result;
    };
    leftovers.push(() => {
      app.backend.readTasksRaw = read;
    });
    const sub = subscribe(ws(), WatchTask, { id, untilReady: false });
    await sub.waitFor(2);
    await writeMeta(client, { status: 'SUCCESS', result: 4 }, { id });
    await sub.waitFor(3);
    sub.stop();
    expect(sub.events.map((e) => e.task.meta ?? e.task.result)).toEqual([{ current: 2 }, { current: 3 }, 4]);
  });

  it('re-subscribes and re-reads after Redis restarts, so a change made meanwhile still arrives', async () => {
    const ids = [randomUUID(), randomUUID()];
    const subs = ids.map((id) => subscribe(ws(), TaskCompleted, { id }));
    await until(async () => (await numsub(ids)).every((count) => count === 1));
    await redis.kill();
    await redis.restart();
    const fresh = redis.client();
    // Every channel is subscribed again on the new (empty) server.
    await until(async () => (await taskSubscribers(fresh, ids)).every((count) => count === 1));
    // Written with no PUBLISH while the subscriber is connected: only a re-read can see it.
    // (Writing it before the subscriber came back would race its own re-read.)
    for (const id of ids) {
      await fresh.set(
        `celery-task-meta-${id}`,
        JSON.stringify({ status: 'SUCCESS', result: id, traceback: null, children: [], date_done: null, task_id: id }),
      );
    }
    // The subscriber connection drops and comes back: the watched keys are read again.
    await fresh.client('KILL', 'TYPE', 'pubsub');
    await Promise.all(subs.map((sub) => sub.done));
    expect(subs.map((sub) => sub.events.map((e) => e.taskCompleted.result))).toEqual(ids.map((id) => [id]));
    client = fresh;
  });
});

describe('slow clients', () => {
  it('collapse to the latest state of each task past maxQueued, never growing without bound', async () => {
    const ids = [randomUUID(), randomUUID()];
    const stream = await openTaskStream(app.watcher, ids, { untilReady: false, maxQueued: 4 });
    leftovers.push(() => stream.return?.());
    // Nobody reads the stream while 2 × 50 updates arrive.
    for (let step = 1; step <= 50; step += 1) {
      for (const id of ids) await writeMeta(client, { status: 'PROGRESS', result: { step } }, { id });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const seen: TaskUpdate[] = [];
    for (;;) {
      const next = await Promise.race([
        stream.next(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 100)),
      ]);
      if (!next || next.done) break;
      seen.push(next.value);
    }
    expect(seen.length).toBeLessThanOrEqual(4);
    const last = new Map(seen.map((update) => [(update as { id: string }).id, update]));
    for (const id of ids) expect((last.get(id) as { meta: { result: unknown } }).meta.result).toEqual({ step: 50 });
  });
});
