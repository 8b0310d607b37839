import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { publishEvents, writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { celeryDate, isoOf } from '../helpers/clock.ts';
import { historyRecordOf } from '../helpers/history-record.ts';

const Status = graphql(`
  query Status($id: ID!) {
    task(id: $id) {
      state exists status statusReason
      sentAt receivedAt startedAt finishedAt runtime
      timeline { type at hostname retries }
      lastOutcome { state dateDone errorType errorMessage }
      children { id }
    }
  }
`);

const lens = useLens();
const now = () => Date.now() / 1000;
const event = (type: string, uuid: string, extra: Record<string, unknown> = {}) => ({
  hostname: 'lens-w1@vm',
  utcoffset: 0,
  pid: 1,
  clock: 1,
  uuid,
  timestamp: now(),
  type,
  ...extra,
});
const status = async (id: string) => (await execute(lens.app, Status, { id })).data!.task!;

const Workers = graphql(`
  query Workers {
    workers { hostname online active processed }
  }
`);

describe('workers', () => {
  it('lists workers from their heartbeats', async () => {
    const hostname = `lens-${randomUUID().slice(0, 8)}@vm`;
    await publishEvents(lens.redis.client(), 0, [
      { hostname, type: 'worker-heartbeat', timestamp: now(), active: 2, processed: 40, freq: 2 },
    ]);
    await until(async () => ((await execute(lens.app, Workers)).data?.workers.length ?? 0) > 0);
    expect((await execute(lens.app, Workers)).data?.workers).toContainEqual({
      hostname,
      online: true,
      active: 2,
      processed: 40,
    });
    // /readyz reports the event stream and how late its last event arrived.
    const ready = await lens.app.yoga.fetch('http://yoga/readyz');
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { subscriber: string; events: { consumer: string; lagMs: number } };
    expect(body).toMatchObject({ subscriber: 'up', events: { consumer: 'up' } });
    expect(body.events.lagMs).toBeGreaterThanOrEqual(0);
    expect(body.events.lagMs).toBeLessThan(5000);
  });
});

describe('workers, named by whoever publishes on the broker', () => {
  it('are at most 10,000, the ones heard from longest ago forgotten; a hostname longer than a node name is ignored', async () => {
    const app = await startApp(lens.redis.url());
    try {
      const redis = lens.redis.client();
      const beat = (hostname: string) => ({
        hostname,
        type: 'worker-heartbeat',
        timestamp: now(),
        active: 0,
        processed: 0,
      });
      const first = `first-${randomUUID()}@vm`;
      // Heard once its PSUBSCRIBE is in place.
      await until(async () => {
        await publishEvents(redis, 0, [beat(first)]);
        return ((await execute(app, Workers)).data?.workers.length ?? 0) > 0;
      });
      const names = Array.from({ length: 10_100 }, (_, index) => `w${index}-${randomUUID()}@vm`);
      for (let at = 0; at < names.length; at += 1000)
        await publishEvents(redis, 0, names.slice(at, at + 1000).map(beat));
      await publishEvents(redis, 0, [beat(`${'x'.repeat(600)}@vm`), beat(names[0] as string)]);
      // The consumer handles messages a few at a time: wait until the last one (names[0] again, evicting names[100]) is in.
      const heard = async () => new Set((await execute(app, Workers)).data?.workers.map((w) => w.hostname));
      await until(async () => {
        const now = await heard();
        return now.has(names[0] as string) && !now.has(names[100] as string) && now.has(names.at(-1) as string);
      });
      const listed = await heard();
      expect(listed.size).toBe(10_000);
      // The first heard went first (`first`, names[0…99]); names[0], heard again, came back and names[100] went.
      expect([first, names[1], names[100]].map((name) => listed.has(name as string))).toEqual([false, false, false]);
      expect([names[0], names[101], names.at(-1)].map((name) => listed.has(name as string))).toEqual([
        true,
        true,
        true,
      ]);
      expect([...listed].some((name) => name.length > 512)).toBe(false);
    } finally {
      await app.stop();
    }
  });
});

describe('Task.status: PENDING disambiguated', () => {
  it('UNKNOWN for an id nothing knows', async () => {
    expect(await status(randomUUID())).toMatchObject({
      state: 'PENDING',
      exists: false,
      status: 'UNKNOWN',
      statusReason: expect.stringMatching(/^no result, no tombstone/),
    });
  });

  it('QUEUED → RUNNING from events, then the backend decides; timestamps and timeline in order', async () => {
    const id = randomUUID();
    await publishEvents(lens.redis.client(), 0, [
      event('task-sent', id, { name: 'lens.add', queue: 'celery', retries: 0, root_id: id, parent_id: null }),
    ]);
    await until(async () => (await status(id)).status === 'QUEUED');
    expect((await status(id)).statusReason).toMatch(/^the last event is task-sent/);
    await publishEvents(lens.redis.client(), 0, [event('task-received', id), event('task-started', id)]);
    await until(async () => (await status(id)).status === 'RUNNING');
    await publishEvents(lens.redis.client(), 0, [event('task-succeeded', id, { result: '5', runtime: 0.25 })]);
    await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 5, date_done: celeryDate() }, { id });
    await until(async () => (await status(id)).timeline.length === 4);
    const task = await status(id);
    expect(task).toMatchObject({ status: 'SUCCEEDED', statusReason: 'the result backend says SUCCESS', runtime: 0.25 });
    expect(task.timeline.map((e) => e.type)).toEqual(['SENT', 'RECEIVED', 'STARTED', 'SUCCEEDED']);
    expect(task.timeline.map((e) => e.retries)).toEqual([0, null, null, null]);
    const times = [task.sentAt, task.receivedAt, task.startedAt, task.finishedAt].map((t) => Date.parse(t ?? ''));
    expect(times.every((t) => Number.isFinite(t))).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('EXPIRED with the last known outcome once Celery forgets a result', async () => {
    const id = randomUUID();
    const done = celeryDate();
    await writeMeta(
      lens.redis.client(),
      {
        status: 'FAILURE',
        result: { exc_type: 'ValueError', exc_message: ['kaboom'], exc_module: 'builtins' },
        date_done: done,
      },
      { id },
    );
    await until(async () => (await status(id)).lastOutcome !== null);
    await lens.redis.client().del(`celery-task-meta-${id}`); // what result_expires does
    expect(await status(id)).toMatchObject({
      state: 'PENDING',
      exists: false,
      status: 'EXPIRED',
      lastOutcome: { state: 'FAILURE', dateDone: isoOf(done), errorType: 'ValueError', errorMessage: 'kaboom' },
    });
    expect((await status(id)).statusReason).toContain(`celery-lens saw it end FAILURE at ${isoOf(done)}`);
  });

  it('knows the children of a running task from the events', async () => {
    const [parent, child] = [randomUUID(), randomUUID()];
    await writeMeta(lens.redis.client(), { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id: parent });
    await publishEvents(lens.redis.client(), 0, [event('task-sent', child, { parent_id: parent, root_id: parent })]);
    await until(async () => (await status(parent)).children?.length === 1);
    expect((await status(parent)).children).toEqual([{ id: child }]);
  });

  it('the consumer survives a Redis restart: later events and outcomes are recorded again', async () => {
    await lens.redis.kill();
    await lens.redis.restart();
    const id = randomUUID();
    const client = lens.redis.client();
    // Re-subscribed once its connection is back: keep publishing until it hears.
    await until(async () => {
      await publishEvents(client, 0, [event('task-sent', id)]);
      return (await status(id).catch(() => null))?.status === 'QUEUED';
    }, 15_000);
    await writeMeta(client, { status: 'SUCCESS', result: 1, date_done: celeryDate() }, { id });
    await until(async () => (await status(id)).lastOutcome?.state === 'SUCCESS');
  });

  it('two celery-lens processes on one Redis record each event once', async () => {
    const second = await startApp(lens.redis.url());
    try {
      const id = randomUUID();
      // Both processes' consumers hold their two pattern subscriptions.
      await until(async () => {
        const clients = (await lens.redis.client().client('LIST')) as string;
        return (
          clients.split('\n').filter((line) => line.includes('name=celery-lens-events') && line.includes('psub=2'))
            .length === 2
        );
      });
      await publishEvents(lens.redis.client(), 0, [
        event('task-sent', id),
        event('task-received', id),
        event('task-started', id),
      ]);
      await until(async () => (await status(id)).timeline.length === 3);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await status(id)).timeline).toHaveLength(3);
      expect((await historyRecordOf(lens.redis.client(), id))?.members).toHaveLength(3);
    } finally {
      await second.stop();
    }
  });
});
