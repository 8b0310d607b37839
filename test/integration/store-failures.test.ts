/**
 * celery-lens' own stores (goals, timelines, tombstones, group members, the
 * broker scan) when Redis fails: dead, stalled past --redis-timeout-ms, or
 * refusing a command. Every failure is BACKEND_UNAVAILABLE, never "no goal",
 * "not queued" or a masked INTERNAL_SERVER_ERROR.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/redis/connection.ts';
import { HistoryStore } from '../../src/store/history-store.ts';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { loadConfig } from '../../src/config/config.ts';
import { BackendUnavailableError } from '../../src/errors/backend-unavailable-error.ts';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';

const GoalQuery = graphql(`
  query StoreGoal($key: ID!) { goal(key: $key) { key status attempts { id } } }
`);
const GoalCreate = graphql(`
  mutation StoreCreate($key: ID!) { createGoal(key: $key) { key } }
`);
const GoalUpdate = graphql(`
  mutation StoreUpdate($key: ID!) { updateGoalStatus(key: $key, status: RUNNING) { key } }
`);
const GoalAttach = graphql(`
  mutation StoreAttach($key: ID!, $taskId: ID!) { attachTask(key: $key, taskId: $taskId) { key } }
`);
const GoalWatch = graphql(`
  subscription StoreWatch($key: ID!) { goal(key: $key) { status } }
`);
const History = graphql(`
  query StoreHistory($id: ID!) { task(id: $id) { id timeline { type } } }
`);
const Outcome = graphql(`
  query StoreOutcome($id: ID!) { task(id: $id) { id lastOutcome { state } } }
`);
const Histories = graphql(`
  query StoreHistories($ids: [ID!]!) { tasks(ids: $ids) { id timeline { type } lastOutcome { state } } }
`);
const Status = graphql(`
  query StoreStatus($id: ID!) { task(id: $id) { id status } }
`);
const Members = graphql(`
  query StoreMembers($id: ID!) { group(id: $id) { id membersKnown } }
`);

const TIMEOUT_MS = 300;
const lens = useLens(['--redis-timeout-ms', String(TIMEOUT_MS)]);
const leftovers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of leftovers.splice(0).reverse()) await dispose();
});

/** SIGSTOP: the server keeps its connections open and answers nothing, as a Redis stuck on a slow command. */
async function stall(server: RedisServer): Promise<() => void> {
  const info = await server.client().info('server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  process.kill(pid, 'SIGSTOP');
  const resume = () => {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // Already gone.
    }
  };
  leftovers.push(async () => resume());
  return resume;
}

/** Kills the fixture's Redis; afterwards, restarts it and waits until the app reads it again. */
async function killLensRedis(): Promise<void> {
  await lens.redis.kill();
  leftovers.push(async () => {
    await lens.redis.restart();
    await until(async () => (await execute(lens.app, GoalQuery, { key: 'healed' })).errors === undefined);
  });
}

const codeOf = (result: { errors?: readonly { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

/** Every goal query, mutation and subscription, on a goal that exists (when Redis answers). */
async function everyGoalPath(app: Awaited<ReturnType<typeof startApp>>, key: string) {
  const taskId = randomUUID();
  const client = wsClient(app.url);
  leftovers.push(async () => {
    await client.dispose();
  });
  const watch = subscribe(client, GoalWatch, { key });
  const subscription = await watch.done.then(
    () => `completed with ${JSON.stringify(watch.errors)}`,
    (error: Error) => error.message,
  );
  return {
    query: codeOf(await execute(app, GoalQuery, { key })),
    create: codeOf(await execute(app, GoalCreate, { key })),
    update: codeOf(await execute(app, GoalUpdate, { key })),
    attach: codeOf(await execute(app, GoalAttach, { key, taskId })),
    subscription: /BACKEND_UNAVAILABLE/.test(subscription) ? 'BACKEND_UNAVAILABLE' : subscription,
  };
}

const ALL_UNAVAILABLE = {
  query: 'BACKEND_UNAVAILABLE',
  create: 'BACKEND_UNAVAILABLE',
  update: 'BACKEND_UNAVAILABLE',
  attach: 'BACKEND_UNAVAILABLE',
  subscription: 'BACKEND_UNAVAILABLE',
};

describe('goals when Redis fails', () => {
  it('every goal query, mutation and subscription answers BACKEND_UNAVAILABLE while Redis is down', async () => {
    const key = `down:${randomUUID()}`;
    await execute(lens.app, GoalCreate, { key });
    await killLensRedis();
    expect(await everyGoalPath(lens.app, key)).toEqual(ALL_UNAVAILABLE);
    expect(lens.app.logs.filter((line) => /INTERNAL_SERVER_ERROR|unexpected error/.test(line))).toEqual([]);
  });

  it('every goal query, mutation and subscription answers BACKEND_UNAVAILABLE while Redis is stalled', async () => {
    const key = `stalled:${randomUUID()}`;
    await execute(lens.app, GoalCreate, { key });
    const resume = await stall(lens.redis);
    expect(await everyGoalPath(lens.app, key)).toEqual(ALL_UNAVAILABLE);
    resume();
    // Redis may still apply the mutations it received while stalled: the caller was told it does not know.
    // Polled: the first read after SIGCONT can still meet the 300 ms timeout while Redis catches up on a loaded machine.
    await until(async () => (await execute(lens.app, GoalQuery, { key })).data?.goal?.key === key);
  });
});

describe('goal subscriptions after a refused SUBSCRIBE', () => {
  it('a later subscription to the same goal still subscribes and hears changes', async () => {
    const password = randomUUID();
    const admin = lens.redis.client();
    await admin.call(
      'ACL',
      'SETUSER',
      'no-goal-channels',
      'reset',
      'on',
      `>${password}`,
      '~*',
      '&celery-task-meta-*',
      '+@all',
    );
    const app = await startApp(`redis://no-goal-channels:${password}@127.0.0.1:${lens.redis.port}/0`, [
      '--consume',
      'false',
    ]);
    leftovers.push(() => app.stop());
    const key = `refused:${randomUUID()}`;
    await execute(lens.app, GoalCreate, { key });
    const client = wsClient(app.url);
    leftovers.push(async () => {
      await client.dispose();
    });
    const refused = subscribe(client, GoalWatch, { key });
    await expect(refused.done).rejects.toThrow(/BACKEND_UNAVAILABLE/);

    await admin.call('ACL', 'SETUSER', 'no-goal-channels', 'allchannels');
    const watch = subscribe(client, GoalWatch, { key });
    await watch.waitFor(1);
    await execute(lens.app, GoalUpdate, { key });
    await watch.waitFor(2);
    expect(watch.events.map((event) => event.goal?.status)).toEqual(['PENDING', 'RUNNING']);
    watch.stop();
  });
});

describe('history and group members when Redis fails', () => {
  it('the history store throws BACKEND_UNAVAILABLE while Redis is down or stalled, never an empty history', async () => {
    const config = loadConfig(['--backend', lens.redis.url(), '--redis-timeout-ms', String(TIMEOUT_MS)], {});
    const redis = createRedis(config.backend, { commandTimeoutMs: TIMEOUT_MS, connectionName: 'store-test' });
    redis.on('error', () => {});
    await redis.connect();
    leftovers.push(async () => redis.disconnect());
    const store = new HistoryStore(redis, lensKeys(), { historyTtlSeconds: 60, tombstoneTtlSeconds: 60 });
    const id = randomUUID();
    const reads = () =>
      Promise.all(
        [store.readHistory([id]), store.readGroupMembers([id])].map((read) =>
          read.then(
            () => 'answered',
            (error: unknown) => error,
          ),
        ),
      );

    expect(await reads()).toEqual(['answered', 'answered']);
    const resume = await stall(lens.redis);
    for (const error of await reads()) expect(error).toBeInstanceOf(BackendUnavailableError);
    resume();
    await killLensRedis();
    for (const error of await reads()) expect(error).toBeInstanceOf(BackendUnavailableError);
  });

  it('timeline, tombstone and group-member reads that Redis refuses answer BACKEND_UNAVAILABLE', async () => {
    // A user whose reads of celery-lens' own keys fail while Celery's keys read fine.
    const password = randomUUID();
    await lens.redis
      .client()
      .call('ACL', 'SETUSER', 'no-history', 'reset', 'on', `>${password}`, '~*', '&*', '+@all', '-zrange', '-hgetall');
    const app = await startApp(`redis://no-history:${password}@127.0.0.1:${lens.redis.port}/0`, ['--consume', 'false']);
    leftovers.push(() => app.stop());
    const id = randomUUID();
    expect(codeOf(await execute(app, History, { id }))).toBe('BACKEND_UNAVAILABLE');
    expect(codeOf(await execute(app, Outcome, { id }))).toBe('BACKEND_UNAVAILABLE');
    expect(codeOf(await execute(app, Members, { id }))).toBe('BACKEND_UNAVAILABLE');
  });
});

describe('history celery-lens cannot read', () => {
  it('a timeline or tombstone of another type or garbage is UNDECODABLE_LENS_DATA for that task; the others resolve', async () => {
    const redis = lens.redis.client();
    const [fine, ...bad] = Array.from({ length: 10 }, () => randomUUID() as string) as [string, ...string[]];
    const [wrongType, garbageEntry, farEntry, garbageTomb, badDateTomb, wrongTypeTomb, garbageTime, farTime, record] =
      bad as [string, string, string, string, string, string, string, string, string];
    await redis.set(`celery-lens:events:${wrongType}`, 'not a zset');
    await redis.zadd(`celery-lens:events:${garbageEntry}`, 1, '{"type":"task-sent"');
    await redis.zadd(`celery-lens:events:${farEntry}`, 1, '{"type":"task-sent","at":1e300,"hostname":null}');
    await redis.set(`celery-lens:tomb:${garbageTomb}`, '{"state":1}');
    await redis.set(`celery-lens:tomb:${badDateTomb}`, '{"state":"SUCCESS","dateDone":"someday","recordedAt":1}');
    await redis.hset(`celery-lens:tomb:${wrongTypeTomb}`, { state: 'SUCCESS' });
    await redis.hset(`celery-lens:task:${garbageTime}`, { sentAt: 'soon' });
    await redis.hset(`celery-lens:task:${farTime}`, { startedAt: '1e300' });
    // The history records of this version (history-record.ts), and the hash and ZSET above of earlier ones.
    await redis.set(`celery-lens:t:${record}`, '1\x1fnot a record');
    const result = await execute(lens.app, Histories, { ids: [fine, ...bad] });
    expect(result.data?.tasks?.map((task) => task?.id ?? null)).toEqual([fine, ...bad.map(() => null)]);
    const kinds = ['events', 'events', 'events', 'tomb', 'tomb', 'tomb', 'task', 'task', 't'];
    // Both fields of each task (timeline, lastOutcome) report it.
    const reported = new Set(
      result.errors?.map((error) => JSON.stringify([error.path?.[1], error.extensions?.code, error.extensions?.key])),
    );
    expect([...reported].map((json) => JSON.parse(json) as unknown).sort()).toEqual(
      bad.map((id, index) => [index + 1, 'UNDECODABLE_LENS_DATA', `celery-lens:${kinds[index]}:${id}`]).sort(),
    );
  });
});

describe('the broker scan when the broker fails', () => {
  it('answers BACKEND_UNAVAILABLE, not UNKNOWN, while the broker is down or stalled', async () => {
    const broker = await startRedis();
    leftovers.push(() => broker.stop());
    const app = await startApp(lens.redis.url(), [
      '--broker',
      broker.url(),
      '--consume',
      'false',
      '--redis-timeout-ms',
      String(TIMEOUT_MS),
    ]);
    leftovers.push(() => app.stop());
    const id = randomUUID();
    expect((await execute(app, Status, { id })).data?.task?.status).toBe('UNKNOWN');
    // A queue name holding something else than a list has no messages to find: still UNKNOWN.
    await broker.client().set('celery', 'not a list');
    expect((await execute(app, Status, { id })).data?.task?.status).toBe('UNKNOWN');

    const resume = await stall(broker);
    // One scan answers the requests of the next second (broker-queues.ts); the first scan after that meets the stall.
    await until(async () => codeOf(await execute(app, Status, { id })) === 'BACKEND_UNAVAILABLE', 5000);
    resume();
    await broker.kill();
    expect(codeOf(await execute(app, Status, { id }))).toBe('BACKEND_UNAVAILABLE');
  });

  it('answers BACKEND_UNAVAILABLE when the broker refuses the scan', async () => {
    const password = randomUUID();
    await lens.redis
      .client()
      .call('ACL', 'SETUSER', 'no-lrange', 'reset', 'on', `>${password}`, '~*', '&*', '+@all', '-lrange');
    const app = await startApp(`redis://no-lrange:${password}@127.0.0.1:${lens.redis.port}/0`, ['--consume', 'false']);
    leftovers.push(() => app.stop());
    expect(codeOf(await execute(app, Status, { id: randomUUID() }))).toBe('BACKEND_UNAVAILABLE');
  });
});
