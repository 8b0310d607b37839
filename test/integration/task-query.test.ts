import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { until } from '../helpers/until.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { celeryDate, isoOf } from '../helpers/clock.ts';

const TaskQuery = graphql(`
  query TaskQuery($id: ID!) {
    task(id: $id) {
      id exists state rawState ready successful failed
      result meta
      error { type message module args traceback }
      name args kwargs worker queue retries
      dateDone expiresAt ttlSeconds parentId groupId
    }
  }
`);

const TasksQuery = graphql(`
  query TasksQuery($ids: [ID!]!) {
    tasks(ids: $ids) { id state exists }
  }
`);

// The TTL asked through a fragment, as a client's generated code often does.
const TasksWithTtlQuery = graphql(`
  query TasksWithTtlQuery($ids: [ID!]!) {
    tasks(ids: $ids) { id exists ...Expiry }
  }
  fragment Expiry on Task { ttlSeconds }
`);

let redis: RedisServer;
let client: Redis;
let app: Awaited<ReturnType<typeof startApp>>;
const leftovers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  leftovers.push(() => redis.stop());
  client = redis.client();
  // This file checks what is asked of Redis, not how fast: a 130,000-key read may outlast the
  // default 2 s command timeout on a loaded machine (stalls and timeouts are outage.test.ts').
  app = await startApp(redis.url(), ['--redis-timeout-ms', '30000']);
  leftovers.push(() => app.stop());
});
afterAll(async () => {
  for (const dispose of leftovers.reverse()) await dispose();
});

describe('task(id)', () => {
  it('answers PENDING with exists: false for a valid id that has no key', async () => {
    const id = randomUUID();
    const { data, errors } = await execute(app, TaskQuery, { id });
    expect(errors).toBeUndefined();
    expect(data?.task).toMatchObject({
      id,
      exists: false,
      state: 'PENDING',
      rawState: 'PENDING',
      ready: false,
      ttlSeconds: null,
      expiresAt: null,
      result: null,
    });
  });

  it('reads a SUCCESS with result_extended fields, dateDone as UTC and the TTL', async () => {
    const done = celeryDate();
    const id = await writeMeta(
      client,
      {
        status: 'SUCCESS',
        result: 5,
        date_done: done,
        name: 'lens.add',
        args: [2, 3],
        kwargs: {},
        worker: 'celery@vm',
        retries: 0,
        queue: 'celery',
      },
      { ttl: 3600 },
    );
    const { data } = await execute(app, TaskQuery, { id });
    expect(data?.task).toMatchObject({
      exists: true,
      state: 'SUCCESS',
      ready: true,
      successful: true,
      failed: false,
      result: 5,
      meta: null,
      error: null,
      name: 'lens.add',
      args: [2, 3],
      kwargs: {},
      worker: 'celery@vm',
      queue: 'celery',
      retries: 0,
      dateDone: isoOf(done),
    });
    expect(data?.task?.ttlSeconds).toBeGreaterThan(3590);
    expect(data?.task?.ttlSeconds).toBeLessThanOrEqual(3600);
    const expires = Date.parse(data?.task?.expiresAt ?? '');
    expect(Math.abs(expires - (Date.now() + 3600_000))).toBeLessThan(10_000);
  });

  it('reads a FAILURE as a typed error with traceback', async () => {
    const id = await writeMeta(client, {
      status: 'FAILURE',
      result: { exc_type: 'ValueError', exc_message: ['kaboom'], exc_module: 'builtins' },
      traceback: 'Traceback (most recent call last):\nValueError: kaboom\n',
      date_done: celeryDate(),
    });
    const { data } = await execute(app, TaskQuery, { id });
    expect(data?.task).toMatchObject({
      state: 'FAILURE',
      failed: true,
      ready: true,
      result: null,
      meta: null,
      error: {
        type: 'ValueError',
        message: 'kaboom',
        module: 'builtins',
        args: ['kaboom'],
        traceback: expect.stringContaining('ValueError: kaboom'),
      },
    });
  });

  it('keeps custom states: rawState and meta', async () => {
    const id = await writeMeta(client, { status: 'PROGRESS', result: { current: 3, total: 10 } });
    const { data } = await execute(app, TaskQuery, { id });
    expect(data?.task).toMatchObject({
      state: 'CUSTOM',
      rawState: 'PROGRESS',
      ready: false,
      meta: { current: 3, total: 10 },
      result: null,
      dateDone: null,
    });
  });

  it('does not take a retry for its own parent', async () => {
    const id = randomUUID();
    await writeMeta(
      client,
      {
        status: 'RETRY',
        parent_id: id,
        retries: 1,
        result: { exc_type: 'Retry', exc_message: ['Retry in 1s'], exc_module: 'celery.exceptions' },
      },
      { id },
    );
    const parent = randomUUID();
    const child = await writeMeta(client, { status: 'SUCCESS', result: 1, parent_id: parent, group_id: 'g1' });
    expect((await execute(app, TaskQuery, { id })).data?.task).toMatchObject({
      state: 'RETRY',
      parentId: null,
      retries: 1,
      error: { type: 'Retry' },
    });
    expect((await execute(app, TaskQuery, { id: child })).data?.task).toMatchObject({
      parentId: parent,
      groupId: 'g1',
    });
  });

  it('reports a key without expiry as expiresAt null', async () => {
    const id = randomUUID();
    await client.set(
      `celery-task-meta-${id}`,
      JSON.stringify({ status: 'SUCCESS', result: null, traceback: null, children: [], date_done: null, task_id: id }),
    );
    const { data } = await execute(app, TaskQuery, { id });
    expect(data?.task).toMatchObject({ exists: true, expiresAt: null, ttlSeconds: null });
  });
});

describe('bad input', () => {
  it('answers INVALID_TASK_ID for an id that fails the pattern, without failing the rest', async () => {
    const good = randomUUID();
    const { data, errors } = await execute(app, TasksQuery, { ids: [good, 'not-an-id', `${good}x`] });
    expect(data?.tasks).toEqual([{ id: good, state: 'PENDING', exists: false }, null, null]);
    expect(errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['tasks', 1], 'INVALID_TASK_ID'],
      [['tasks', 2], 'INVALID_TASK_ID'],
    ]);
  });

  it.each([
    ['pickle', Buffer.from('80049526000000000000007d94288c06737461747573948c07535543434553539475', 'hex'), /pickle/],
    ['garbage', Buffer.from('not json at all'), /not JSON/],
    ['a JSON string', Buffer.from('"SUCCESS"'), /expected to be a JSON object, got a string/],
    ['a bad status', Buffer.from('{"status": 3}'), /"status" is expected to be a string, got a number/],
    ['a bad date', Buffer.from('{"status":"SUCCESS","date_done":"soon"}'), /"date_done" is not an ISO date/],
  ])('answers UNDECODABLE_META for %s, and the other tasks still resolve', async (_name, value, message) => {
    const bad = randomUUID();
    await client.setex(`celery-task-meta-${bad}`, 60, value);
    const good = await writeMeta(client, { status: 'SUCCESS', result: 1 });
    const { data, errors } = await execute(app, TasksQuery, { ids: [bad, good] });
    expect(data?.tasks).toEqual([null, { id: good, state: 'SUCCESS', exists: true }]);
    expect(errors?.[0]).toMatchObject({ path: ['tasks', 0], extensions: { code: 'UNDECODABLE_META' } });
    expect(errors?.[0]?.message).toMatch(message);
  });

  it('answers UNDECODABLE_META for a task key of the wrong Redis type', async () => {
    const id = randomUUID();
    await client.rpush(`celery-task-meta-${id}`, 'x');
    const { errors } = await execute(app, TaskQuery, { id });
    expect(errors?.[0]).toMatchObject({
      extensions: { code: 'UNDECODABLE_META' },
      message: expect.stringMatching(/not a string/),
    });
  });
});

describe('batching', () => {
  /** The Redis commands, and round trips, that `run` caused. */
  async function commandsDuring(run: () => Promise<void>) {
    await client.config('RESETSTAT');
    const before = app.backend.roundTrips;
    await run();
    expect(app.backend.roundTrips - before).toBe(1);
    const stats = await client.info('commandstats');
    // RESETSTAT cleared the counters; this INFO is counted only after it answers.
    return Object.fromEntries(
      [...stats.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map(([, name, count]) => [name, Number(count)]),
    );
  }

  it('sends the reads made together in one round trip, each answered with its own tasks', async () => {
    const [done, wrong, missing] = [
      await writeMeta(client, { status: 'SUCCESS', result: 3 }),
      randomUUID(),
      randomUUID(),
    ];
    await client.rpush(`celery-task-meta-${wrong}`, 'x');
    const before = app.backend.roundTrips;
    const [first, second, third] = await Promise.all([
      app.backend.readTasks([done, missing], { ttl: 'all' }),
      app.backend.readTasks([wrong], { ttl: 'none' }),
      app.backend.readTasks([missing, done], { ttl: 'none' }),
    ]);
    expect(app.backend.roundTrips - before).toBe(2); // the three reads, then the PTTL that tells the wrong type
    expect(first).toMatchObject([
      { id: done, meta: { result: 3 } },
      { id: missing, meta: null },
    ]);
    expect(first?.[0]).toMatchObject({ ttlMs: expect.any(Number) });
    expect(second?.[0]).toBeInstanceOf(Error);
    expect(third).toMatchObject([
      { id: missing, meta: null, ttlMs: null },
      { id: done, meta: { result: 3 }, ttlMs: null },
    ]);
  });

  it('reads 1,000 tasks in one round trip: one MGET and one EXISTS when no TTL is asked for', async () => {
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    const handled = app.consumer?.handled ?? 0;
    for (const id of ids.slice(0, 500)) await writeMeta(client, { status: 'SUCCESS', result: id }, { id });
    await until(() => (app.consumer?.handled ?? 0) >= handled + 500);
    const calls = await commandsDuring(async () => {
      const { data, errors } = await execute(app, TasksQuery, { ids });
      expect(errors).toBeUndefined();
      expect(data?.tasks.map((t) => t?.id)).toEqual(ids);
      expect(data?.tasks.filter((t) => t?.exists)).toHaveLength(500);
    });
    expect(calls).toEqual({ mget: 1, exists: 1 });
  });

  it('reads a PTTL per key, in the same round trip, when the query asks for ttlSeconds (here in a fragment)', async () => {
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    const handled = app.consumer?.handled ?? 0;
    for (const id of ids.slice(0, 500)) await writeMeta(client, { status: 'SUCCESS', result: id }, { id, ttl: 600 });
    // The consumer records each published state (a tombstone SET): let it finish before counting commands.
    await until(() => (app.consumer?.handled ?? 0) >= handled + 500);
    let ttls: (number | null | undefined)[] = [];
    const calls = await commandsDuring(async () => {
      const { data, errors } = await execute(app, TasksWithTtlQuery, { ids });
      expect(errors).toBeUndefined();
      ttls = data?.tasks.map((t) => t?.ttlSeconds) ?? [];
    });
    expect(calls).toEqual({ mget: 1, pttl: 1000 });
    expect(ttls).toHaveLength(1000);
    expect(ttls?.slice(0, 500).every((ttl) => typeof ttl === 'number' && ttl > 590 && ttl <= 600)).toBe(true);
    expect(ttls?.slice(500).every((ttl) => ttl === null)).toBe(true);
  });

  it('reads any number of keys in one round trip of bounded commands (130,000 ids: no spread of every key into one call)', async () => {
    const ids = Array.from({ length: 130_000 }, () => randomUUID());
    const known = ids[129_999] as string;
    await writeMeta(client, { status: 'SUCCESS', result: 7 }, { id: known });
    const calls = await commandsDuring(async () => {
      const read = await app.backend.readTasks(ids, { ttl: 'none' });
      expect(read).toHaveLength(130_000);
      expect(read[129_999]).toMatchObject({ id: known, meta: { state: 'SUCCESS', result: 7 } });
      expect(read[0]).toMatchObject({ meta: null });
    });
    expect(calls).toMatchObject({ mget: 130, exists: 130 });
    // EXISTS summed over the chunks still tells a key of another type (then one more trip for its PTTL).
    await client.rpush(`celery-task-meta-${ids[65_000]}`, 'x');
    const read = await app.backend.readTasks(ids, { ttl: 'none' });
    expect(read[65_000]).toBeInstanceOf(Error);
    expect(read.filter((task) => task instanceof Error)).toHaveLength(1);
  });

  it('still tells a key of the wrong Redis type from no key when no TTL is asked for', async () => {
    const wrong = randomUUID();
    await client.rpush(`celery-task-meta-${wrong}`, 'x');
    const good = await writeMeta(client, { status: 'SUCCESS', result: 1 });
    const missing = randomUUID();
    const { data, errors } = await execute(app, TasksQuery, { ids: [good, wrong, missing] });
    expect(data?.tasks).toEqual([
      { id: good, state: 'SUCCESS', exists: true },
      null,
      { id: missing, state: 'PENDING', exists: false },
    ]);
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({
      path: ['tasks', 1],
      extensions: { code: 'UNDECODABLE_META' },
      message: expect.stringMatching(/not a string/),
    });
  });

  it('deduplicates repeated ids and keeps their order', async () => {
    const id = await writeMeta(client, { status: 'SUCCESS', result: 'x' });
    const other = randomUUID();
    const { data } = await execute(app, TasksQuery, { ids: [id, other, id] });
    expect(data?.tasks.map((t) => [t?.id, t?.state])).toEqual([
      [id, 'SUCCESS'],
      [other, 'PENDING'],
      [id, 'SUCCESS'],
    ]);
  });
});

describe('where Celery keeps its keys', () => {
  it('reads the db of the URL and the global_keyprefix', async () => {
    const db3 = redis.client(3);
    const id = await writeMeta(db3, { status: 'SUCCESS', result: 'db3' }, { prefix: 'prod_' });
    const prefixed = await startApp(redis.url(3), ['--global-keyprefix', 'prod']);
    leftovers.push(() => prefixed.stop());
    expect((await execute(prefixed, TaskQuery, { id })).data?.task).toMatchObject({ exists: true, result: 'db3' });
    expect((await execute(app, TaskQuery, { id })).data?.task).toMatchObject({ exists: false });
  });
});
