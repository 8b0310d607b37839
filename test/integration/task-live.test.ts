/**
 * A `task`/`tasks` subscription stays true after its updates: the TTL of a
 * published update is Redis' (PTTL), as a query reads it, whatever
 * --result-expires says; and Celery's events that arrive after the final
 * state (a worker stores SUCCESS, then sends task-succeeded) emit the task
 * again with its times and runtime, to the selections that show them. Both
 * paths: graphql-ws `task(id)` runs in cohorts, `tasks(ids)` the ordinary way.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { publishEvents, writeMeta } from '../helpers/celery-meta.ts';
import { celeryDate } from '../helpers/clock.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { subscribe, useWsClients } from '../helpers/ws-client.ts';

const LiveTtl = graphql(`
  subscription LiveTtl($id: ID!) {
    task(id: $id, untilReady: false) { rawState ttlSeconds expiresAt }
  }
`);
const LiveTtls = graphql(`
  subscription LiveTtls($ids: [ID!]!) {
    tasks(ids: $ids, untilReady: false) { id rawState ttlSeconds expiresAt }
  }
`);
const LiveTimes = graphql(`
  subscription LiveTimes($id: ID!) {
    task(id: $id, untilReady: false) { rawState status startedAt finishedAt runtime }
  }
`);
const LiveTimesMany = graphql(`
  subscription LiveTimesMany($ids: [ID!]!) {
    tasks(ids: $ids, untilReady: false) { id rawState status startedAt finishedAt runtime }
  }
`);
const LiveStates = graphql(`
  subscription LiveStates($id: ID!) {
    task(id: $id, untilReady: false) { rawState result }
  }
`);

// Celery's default result_expires: the writes below use other TTLs, as an app with its own would.
const lens = useLens(['--result-expires', '86400']);
const ws = useWsClients(() => lens.app.url);
let client: Redis;
beforeAll(() => {
  client = lens.redis.client();
});

const key = (id: string) => `celery-task-meta-${id}`;
const event = (type: string, uuid: string, extra: Record<string, unknown> = {}) => ({
  hostname: 'lens-w1@vm',
  utcoffset: 0,
  pid: 1,
  clock: 1,
  uuid,
  timestamp: Date.now() / 1000,
  type,
  ...extra,
});

/** ttlSeconds and expiresAt against a PTTL read just after the event arrived: equal to the second. */
async function expectRedisTtl(
  id: string,
  got: { ttlSeconds?: number | null; expiresAt?: unknown },
  receivedAt: number,
) {
  const pttl = await client.pttl(key(id));
  const readAt = Date.now();
  expect(pttl).toBeGreaterThan(0);
  // The key's TTL ran on for (readAt - receivedAt) ms between the event and this PTTL.
  expect(Math.abs((got.ttlSeconds ?? NaN) * 1000 - pttl)).toBeLessThanOrEqual(1000 + (readAt - receivedAt));
  expect(Math.abs(Date.parse(String(got.expiresAt)) - (readAt + pttl))).toBeLessThanOrEqual(
    1000 + (readAt - receivedAt),
  );
}

describe('the TTL of a live update', () => {
  it('is the key’s PTTL in task(id) (cohort), not --result-expires, and follows each write', async () => {
    const id = randomUUID();
    const sub = subscribe(ws(), LiveTtl, { id });
    await sub.waitFor(1);
    expect(lens.app.cohorts.size).toBe(1);
    expect(sub.events[0]?.task).toEqual({ rawState: 'PENDING', ttlSeconds: null, expiresAt: null });

    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id, ttl: 3581 });
    await sub.waitFor(2);
    await expectRedisTtl(id, sub.events[1]!.task, Date.now());
    expect(sub.events[1]?.task.ttlSeconds).not.toBe(86400);

    await writeMeta(client, { status: 'SUCCESS', result: 1, date_done: celeryDate() }, { id, ttl: 120 });
    await sub.waitFor(3);
    expect(sub.events[2]?.task.rawState).toBe('SUCCESS');
    await expectRedisTtl(id, sub.events[2]!.task, Date.now());
  });

  it('is the key’s PTTL in tasks(ids) (the ordinary path) too', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const sub = subscribe(ws(), LiveTtls, { ids: [a, b] });
    await sub.waitFor(2);
    await writeMeta(client, { status: 'SUCCESS', result: 1, date_done: celeryDate() }, { id: a, ttl: 600 });
    await sub.waitFor(3);
    await writeMeta(client, { status: 'SUCCESS', result: 2, date_done: celeryDate() }, { id: b, ttl: 7200 });
    await sub.waitFor(4);
    const [forA, forB] = [sub.events[2]!.tasks, sub.events[3]!.tasks];
    expect([forA.id, forB.id]).toEqual([a, b]);
    await expectRedisTtl(a, forA, Date.now());
    await expectRedisTtl(b, forB, Date.now());
  });
});

describe('events after the final state', () => {
  /** A worker's order: STARTED stored, task-received/-started sent, SUCCESS stored, then task-succeeded sent. */
  async function runLikeAWorker(id: string) {
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'lens-w1@vm' } }, { id });
    await publishEvents(client, 0, [event('task-received', id, { name: 'lens.add' }), event('task-started', id)]);
    await writeMeta(client, { status: 'SUCCESS', result: 3, date_done: celeryDate() }, { id });
    await publishEvents(client, 0, [event('task-succeeded', id, { result: '3', runtime: 0.42 })]);
  }

  it('emit the task again in task(id) (cohort): times and runtime arrive after SUCCESS, with no new state', async () => {
    const id = randomUUID();
    const times = subscribe(ws(), LiveTimes, { id });
    const states = subscribe(ws(), LiveStates, { id });
    await Promise.all([times.waitFor(1), states.waitFor(1)]);
    expect(lens.app.cohorts.size).toBe(2);
    await runLikeAWorker(id);
    // The events and the stored states reach celery-lens on two connections: whichever comes last, the last event has both.
    await expect
      .poll(() => times.events.at(-1)?.task, { timeout: 10_000 })
      .toMatchObject({ rawState: 'SUCCESS', status: 'SUCCEEDED', runtime: 0.42 });
    const last = times.events.at(-1)!.task;
    expect(Date.parse(last.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(last.finishedAt ?? ''));

    // A selection that shows no event's field is sent stored changes only: the later write comes right after SUCCESS.
    await writeMeta(client, { status: 'SUCCESS', result: 4, date_done: celeryDate(Date.now() + 1000) }, { id });
    await expect.poll(() => states.events.at(-1)?.task.result, { timeout: 10_000 }).toBe(4);
    expect(states.events.map((e) => [e.task.rawState, e.task.result])).toEqual([
      ['PENDING', null],
      ['STARTED', null],
      ['SUCCESS', 3],
      ['SUCCESS', 4],
    ]);
  });

  it('emit the task again in tasks(ids) (the ordinary path)', async () => {
    const id = randomUUID();
    const sub = subscribe(ws(), LiveTimesMany, { ids: [id] });
    await sub.waitFor(1);
    await runLikeAWorker(id);
    await expect
      .poll(() => sub.events.at(-1)?.tasks, { timeout: 10_000 })
      .toMatchObject({
        id,
        rawState: 'SUCCESS',
        status: 'SUCCEEDED',
        runtime: 0.42,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      });
  });
});
