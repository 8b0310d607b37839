import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { until } from '../helpers/until.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';

const Create = graphql(`
  mutation Create($key: ID!, $metadata: JSON) {
    createGoal(key: $key, metadata: $metadata) { key status metadata attempts { id } currentTask { id } createdAt updatedAt }
  }
`);
const Update = graphql(`
  mutation Update($key: ID!, $status: GoalStatus!, $metadata: JSON) {
    updateGoalStatus(key: $key, status: $status, metadata: $metadata) { key status metadata }
  }
`);
const Attach = graphql(`
  mutation Attach($key: ID!, $taskId: ID!) {
    attachTask(key: $key, taskId: $taskId) { key attempts { id } currentTask { id state } }
  }
`);
const ReadGoal = graphql(`
  query ReadGoal($key: ID!) {
    goal(key: $key) { key status metadata attempts { id status } currentTask { id state } }
  }
`);
const WatchGoal = graphql(`
  subscription WatchGoal($key: ID!) {
    goal(key: $key) { status currentTask { id state } }
  }
`);

const PagedAttempts = graphql(`
  query PagedAttempts($key: ID!, $offset: Int, $limit: Int) {
    goal(key: $key) { status attempts(offset: $offset, limit: $limit) { id } currentTask { id } }
  }
`);

const lens = useLens();
const key = () => `report:${randomUUID()}`;

describe('business goals', () => {
  it('create, update, attach attempts; status is kept apart from Celery state', async () => {
    const k = key();
    const created = await execute(lens.app, Create, { key: k, metadata: { user: 7 } });
    expect(created.data?.createGoal).toMatchObject({
      key: k,
      status: 'PENDING',
      metadata: { user: 7 },
      attempts: [],
      currentTask: null,
    });
    const [first, second] = [randomUUID(), randomUUID()];
    await writeMeta(
      lens.redis.client(),
      { status: 'FAILURE', result: { exc_type: 'E', exc_message: [], exc_module: null } },
      { id: first },
    );
    await execute(lens.app, Attach, { key: k, taskId: first });
    const attached = await execute(lens.app, Attach, { key: k, taskId: second });
    expect(attached.data?.attachTask).toEqual({
      key: k,
      attempts: [{ id: first }, { id: second }],
      currentTask: { id: second, state: 'PENDING' },
    });
    await execute(lens.app, Update, { key: k, status: 'RUNNING' });
    const { data } = await execute(lens.app, ReadGoal, { key: k });
    expect(data?.goal).toEqual({
      key: k,
      status: 'RUNNING',
      metadata: { user: 7 },
      attempts: [
        { id: first, status: 'FAILED' },
        { id: second, status: 'UNKNOWN' },
      ],
      currentTask: { id: second, state: 'PENDING' },
    });
    // No TTL: goals outlive Celery's results.
    expect(await lens.redis.client().ttl(`celery-lens:goal:${k}`)).toBe(-1);
  });

  it('answers coded errors', async () => {
    const k = key();
    await execute(lens.app, Create, { key: k });
    expect((await execute(lens.app, Create, { key: k })).errors?.[0]?.extensions?.code).toBe('GOAL_EXISTS');
    expect((await execute(lens.app, Update, { key: key(), status: 'FAILED' })).errors?.[0]?.extensions?.code).toBe(
      'GOAL_NOT_FOUND',
    );
    expect((await execute(lens.app, Create, { key: 'has space' })).errors?.[0]?.extensions?.code).toBe(
      'INVALID_GOAL_KEY',
    );
    expect((await execute(lens.app, Attach, { key: k, taskId: 'nope' })).errors?.[0]?.extensions?.code).toBe(
      'INVALID_TASK_ID',
    );
    expect((await execute(lens.app, ReadGoal, { key: key() })).data?.goal).toBeNull();
  });

  it('the goal subscription fires on goal changes, on another process, and when the current task changes', async () => {
    const k = key();
    const other = await startApp(lens.redis.url());
    const client = wsClient(lens.app.url);
    const listening = () => getEventListeners(lens.app.shutdown, 'abort').length;
    const before = listening();
    try {
      await execute(lens.app, Create, { key: k });
      const sub = subscribe(client, WatchGoal, { key: k });
      await sub.waitFor(1);
      const task = randomUUID();
      await execute(other, Attach, { key: k, taskId: task }); // a change made through another process
      await sub.waitFor(2);
      await writeMeta(lens.redis.client(), { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id: task });
      await sub.waitFor(3);
      await execute(other, Update, { key: k, status: 'SUCCEEDED' });
      await sub.waitFor(4);
      expect(listening()).toBe(before + 1);
      sub.stop();
      // The ended subscription no longer listens for shutdown.
      await until(() => listening() === before);
      expect(sub.events.map((e) => [e.goal?.status, e.goal?.currentTask?.state ?? null])).toEqual([
        ['PENDING', null],
        ['PENDING', 'PENDING'],
        ['PENDING', 'STARTED'],
        ['SUCCEEDED', 'STARTED'],
      ]);
    } finally {
      await client.dispose();
      await other.stop();
    }
  });

  it('lists attempts in pages of at most --max-ids: a goal any caller attached to without end stays readable', async () => {
    const k = key();
    const redis = lens.redis.client();
    await execute(lens.app, Create, { key: k });
    // 130,000 attempts (what callers can attach over time): listing them all once overflowed the stack (INTERNAL_SERVER_ERROR).
    const ids = Array.from({ length: 130_000 }, () => randomUUID());
    for (let at = 0; at < ids.length; at += 10_000)
      await redis.rpush(`celery-lens:goal-attempts:${k}`, ...ids.slice(at, at + 10_000));
    const all = await execute(lens.app, PagedAttempts, { key: k });
    expect(all.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([
      ['TOO_MANY_IDS', ['goal', 'attempts']],
    ]);
    const last = await execute(lens.app, PagedAttempts, { key: k, offset: 129_998, limit: 5 });
    expect(last.errors).toBeUndefined();
    expect(last.data?.goal).toEqual({
      status: 'PENDING',
      attempts: ids.slice(-2).map((id) => ({ id })),
      currentTask: { id: ids.at(-1) },
    });

    // A task attached twice is listed twice, in order.
    const small = await startApp(lens.redis.url(), ['--max-ids', '3']);
    try {
      const k2 = key();
      const [a, b] = [randomUUID(), randomUUID()];
      await execute(small, Create, { key: k2 });
      for (const id of [a, b, a]) await execute(small, Attach, { key: k2, taskId: id });
      expect((await execute(small, PagedAttempts, { key: k2 })).data?.goal?.attempts).toEqual(
        [a, b, a].map((id) => ({ id })),
      );
      await execute(small, Attach, { key: k2, taskId: b });
      const over = await execute(small, PagedAttempts, { key: k2 });
      expect(over.errors?.[0]?.extensions?.code).toBe('TOO_MANY_IDS');
      expect((await execute(small, PagedAttempts, { key: k2, offset: 1, limit: 3 })).data?.goal?.attempts).toEqual(
        [b, a, b].map((id) => ({ id })),
      );
      expect((await execute(small, PagedAttempts, { key: k2, limit: 4 })).errors?.[0]?.extensions?.code).toBe(
        'TOO_MANY_IDS',
      );
    } finally {
      await small.stop();
    }
  });

  it('refuses metadata nested deeper than a stored value may be (INVALID_ARGUMENT), creating and updating', async () => {
    const k = key();
    const nested = (levels: number) => {
      let value: unknown = 1;
      for (let level = 0; level < levels; level += 1) value = [value];
      return value;
    };
    // 5,000 levels overflowed JSON.stringify in the store: INTERNAL_SERVER_ERROR. Written by hand: JSON.stringify cannot either.
    const body = `{"query":${JSON.stringify(print(Create))},"variables":{"key":"${k}","metadata":${'['.repeat(5000)}1${']'.repeat(5000)}}}`;
    const response = await lens.app.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const deep = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(deep.errors?.map((error) => [error.extensions?.code, error.extensions?.argument])).toEqual([
      ['INVALID_ARGUMENT', 'metadata'],
    ]);
    expect((await execute(lens.app, ReadGoal, { key: k })).data?.goal).toBeNull();
    expect((await execute(lens.app, Create, { key: k, metadata: nested(1000) })).errors).toBeUndefined();
    const update = await execute(lens.app, Update, { key: k, status: 'RUNNING', metadata: nested(1001) });
    expect(update.errors?.[0]?.extensions?.code).toBe('INVALID_ARGUMENT');
    expect((await execute(lens.app, ReadGoal, { key: k })).data?.goal?.status).toBe('PENDING');
  });
});
