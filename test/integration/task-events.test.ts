/**
 * taskEvents over graphql-ws, fed through the consumer as Celery publishes:
 * one event per failure, complete (finishedAt), whichever of the result and
 * the task-failed event arrives first, and sent again with finishedAt when
 * the event comes after the result was sent without it (HOLD_MS); queued tasks named from their
 * task-sent event in task(id), searchTasks and taskGraph; lastHeardAt the
 * time searchTasks orders by, a PROGRESS update included.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { publishEvents } from '../helpers/celery-meta.ts';
import { HOLD_MS } from '../../src/store/index/index-types.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { celeryDate } from '../helpers/clock.ts';
import { until } from '../helpers/until.ts';
import { publishTaskSent } from '../helpers/worker-events.ts';
import { subscribe, useWsClients } from '../helpers/ws-client.ts';

const lens = useLens();
const ws = useWsClients(() => lens.app.url);

const Failed = graphql(`
  subscription FailedEvents($filter: TaskFilter) {
    taskEvents(filter: $filter) { id status state finishedAt lastHeardAt error { type } }
  }
`);
const Queued = graphql(`
  query QueuedNames($id: ID!, $name: String!) {
    task(id: $id) { name status lastHeardAt }
    searchTasks(filter: { name: $name }) { edges { node { id name } } }
    taskGraph(rootId: $id) { nodes { id task { name status } } }
  }
`);
const Heard = graphql(`
  query HeardAt($id: ID!) { task(id: $id) { lastHeardAt } }
`);
const Listed = graphql(`
  query ListedTimes($prefix: String!) {
    searchTasks(filter: { namePrefix: $prefix }) { edges { node { id name lastHeardAt } } }
  }
`);

const iso = (ms: number) => new Date(ms).toISOString();
const failure = { exc_type: 'ValueError', exc_message: ['kaboom'], exc_module: 'builtins' };

/** A worker's events about `id`, as it batches them (timestamps in seconds). */
const events = (id: string, name: string, steps: [string, number][]) =>
  steps.map(([type, at]) => ({
    type,
    uuid: id,
    name,
    hostname: 'w1@h',
    timestamp: at / 1000,
    ...(type === 'task-failed' ? { exception: "ValueError('kaboom')" } : {}),
  }));

/** A stored FAILURE, as Celery's backend writes it: SETEX first (before the worker's event is sent), PUBLISH of the same bytes. */
function failureMeta(id: string, name: string, doneAt: number) {
  const key = `celery-task-meta-${id}`;
  const value = JSON.stringify({
    status: 'FAILURE',
    result: failure,
    traceback: 'Traceback…',
    children: [],
    date_done: celeryDate(doneAt),
    name,
    task_id: id,
  });
  const redis = lens.redis.client();
  return { store: () => redis.setex(key, 3600, value), publish: () => redis.publish(key, value) };
}

async function listening() {
  const name = `app.fails-${randomUUID().slice(0, 8)}`;
  const sub = subscribe(ws(), Failed, { filter: { status: ['FAILED'], name } });
  await until(
    async () => Number(((await lens.redis.client().pubsub('NUMSUB', 'celery-lens:{ix}:changes')) as unknown[])[1]) > 0,
  );
  return { name, sub };
}

/** A failure whose event comes first (the result stored, not yet published): sent at once. */
async function lone(name: string, id: string, at: number) {
  await failureMeta(id, name, at - 5).store();
  await publishEvents(
    lens.redis.client(),
    0,
    events(id, name, [
      ['task-received', at - 10],
      ['task-started', at - 8],
      ['task-failed', at],
    ]),
  );
}

/** An end told with its task-failed event, at `at`. */
const failedAt = (id: string, at: number) => ({
  id,
  status: 'FAILED',
  state: 'FAILURE',
  finishedAt: iso(at),
  lastHeardAt: iso(at),
  error: { type: 'ValueError' },
});

/** A task received at t0, started 10 ms later, its FAILURE stored and published 20 ms after t0 (no task-failed event yet). */
async function receivedStartedFailed(redis: Redis, id: string, name: string, t0: number): Promise<void> {
  await publishEvents(
    redis,
    0,
    events(id, name, [
      ['task-received', t0],
      ['task-started', t0 + 10],
    ]),
  );
  const meta = failureMeta(id, name, t0 + 20);
  await meta.store();
  await meta.publish();
}

describe('taskEvents: one event per failure, with finishedAt', () => {
  it('the result published before the task-failed event (as one Redis delivers them): sent with the event', async () => {
    const { name, sub } = await listening();
    const redis = lens.redis.client();
    const [id, early, late] = [randomUUID(), randomUUID(), randomUUID()];
    const t0 = Date.now() - 2000;
    await receivedStartedFailed(redis, id, name, t0);
    await until(async () => (await execute(lens.app, Heard, { id })).data?.task?.lastHeardAt === iso(t0 + 20));
    // Indexed as failed, not sent yet: a failure after it comes through first.
    await lone(name, early, t0 + 25);
    await sub.waitFor(1, 20_000);
    await publishEvents(redis, 0, events(id, name, [['task-failed', t0 + 30]]));
    await sub.waitFor(2, 20_000);
    // Once a later failure is heard, anything more about the first was heard before it.
    await lone(name, late, t0 + 40);
    await sub.waitFor(3, 20_000);
    expect(sub.events.map((event) => event.taskEvents)).toEqual([
      failedAt(early, t0 + 25),
      failedAt(id, t0 + 30),
      failedAt(late, t0 + 40),
    ]);
    expect(sub.errors).toEqual([]);
  });

  it('the task-failed event before the result is published (broker and backend apart)', async () => {
    const { name, sub } = await listening();
    const redis = lens.redis.client();
    const [id, marker] = [randomUUID(), randomUUID()];
    const t0 = Date.now() - 2000;
    const meta = failureMeta(id, name, t0 + 20);
    await meta.store();
    await publishEvents(
      redis,
      0,
      events(id, name, [
        ['task-received', t0],
        ['task-started', t0 + 10],
      ]),
    );
    await publishEvents(redis, 0, events(id, name, [['task-failed', t0 + 30]]));
    await sub.waitFor(1, 20_000);
    await meta.publish();
    // A later failure: once it is heard, anything more about the first was heard before it.
    await failureMeta(marker, name, t0 + 40).store();
    await publishEvents(
      redis,
      0,
      events(marker, name, [
        ['task-received', t0 + 35],
        ['task-failed', t0 + 40],
      ]),
    );
    await sub.waitFor(2, 20_000);
    expect(sub.events.map((event) => event.taskEvents.id)).toEqual([id, marker]);
    expect(sub.events[0]?.taskEvents).toEqual(failedAt(id, t0 + 30));
  });

  it('the task-failed event later than HOLD_MS after the result (a loaded worker): sent without finishedAt, then again with it', async () => {
    const { name, sub } = await listening();
    const redis = lens.redis.client();
    const [id, marker] = [randomUUID(), randomUUID()];
    const t0 = Date.now() - 2000;
    await receivedStartedFailed(redis, id, name, t0);
    // Held for the event, then sent without it.
    await sub.waitFor(1, HOLD_MS + 10_000);
    expect(sub.events[0]?.taskEvents).toMatchObject({ id, status: 'FAILED', finishedAt: null });
    await publishEvents(redis, 0, events(id, name, [['task-failed', t0 + 30]]));
    await sub.waitFor(2, 20_000);
    // Once a later failure is heard, anything more about the first was heard before it: sent twice in all.
    await lone(name, marker, t0 + 40);
    await sub.waitFor(3, 20_000);
    expect(sub.events.map((event) => event.taskEvents.id)).toEqual([id, id, marker]);
    expect(sub.events[1]?.taskEvents).toEqual(failedAt(id, t0 + 30));
    expect(sub.errors).toEqual([]);
  });
});

describe('queued tasks', () => {
  it('carry the name of their task-sent event in task(id), searchTasks and taskGraph', async () => {
    const id = randomUUID();
    const name = `app.queued-${randomUUID().slice(0, 8)}`;
    const at = Date.now() - 1000;
    await publishTaskSent(lens.redis.client(), id, { name, queue: 'nowhere', at });
    await until(async () => (await execute(lens.app, Queued, { id, name })).data?.searchTasks.edges.length === 1);
    const { data, errors } = await execute(lens.app, Queued, { id, name });
    expect(errors).toBeUndefined();
    expect(data?.task).toEqual({ name, status: 'QUEUED', lastHeardAt: iso(at) });
    expect(data?.searchTasks.edges).toEqual([{ node: { id, name } }]);
    expect(data?.taskGraph?.nodes).toEqual([{ id, task: { name, status: 'QUEUED' } }]);
  });
});

describe('lastHeardAt', () => {
  it('is the time searchTasks orders by, a PROGRESS update included', async () => {
    const redis = lens.redis.client();
    const prefix = `app.heard-${randomUUID().slice(0, 8)}`;
    const [slow, quick] = [randomUUID(), randomUUID()];
    const t0 = Date.now() - 5000;
    // slow starts first, quick finishes after it started; then slow reports progress.
    await publishEvents(
      redis,
      0,
      events(slow, `${prefix}.slow`, [
        ['task-received', t0],
        ['task-started', t0 + 10],
      ]),
    );
    await publishEvents(redis, 0, [
      ...events(quick, `${prefix}.quick`, [
        ['task-received', t0 + 20],
        ['task-started', t0 + 30],
      ]),
      { type: 'task-succeeded', uuid: quick, hostname: 'w1@h', timestamp: (t0 + 40) / 1000, runtime: 0.01 },
    ]);
    const list = async () =>
      (await execute(lens.app, Listed, { prefix })).data?.searchTasks.edges.map((edge) => edge.node) ?? [];
    await until(async () => (await list()).length === 2);
    expect((await list()).map((node) => [node.id, node.lastHeardAt])).toEqual([
      [quick, iso(t0 + 40)],
      [slow, iso(t0 + 10)],
    ]);
    // The times come with the search's entries: the page reads no record again for them.
    const hmgets = async () => Number(/cmdstat_hmget:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
    const hmgetsBefore = await hmgets();
    expect((await list()).length).toBe(2);
    expect(await hmgets()).toBe(hmgetsBefore);
    const progress = JSON.stringify({
      status: 'PROGRESS',
      result: { done: 1 },
      traceback: null,
      children: [],
      date_done: null,
      task_id: slow,
    });
    const before = Date.now();
    await redis
      .multi()
      .setex(`celery-task-meta-${slow}`, 3600, progress)
      .publish(`celery-task-meta-${slow}`, progress)
      .exec();
    await until(async () => (await list())[0]?.id === slow);
    const [first, second] = await list();
    expect(second).toEqual({ id: quick, name: `${prefix}.quick`, lastHeardAt: iso(t0 + 40) });
    // Heard on receipt: no earlier than it was stored, and the list's order is the column's.
    expect(Date.parse(first!.lastHeardAt!)).toBeGreaterThanOrEqual(before);
  });
});
