/**
 * Statuses from metas as Celery 5.6 writes them (test/fixtures/celery-5.6,
 * built from its source), and EXPIRED only for ends celery-lens saw.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { publishEvent, publishTaskSent } from '../helpers/worker-events.ts';

const Newer = graphql(`
  query Newer($id: ID!) {
    task(id: $id) { state exists status statusReason dateDone startedAt worker name timeline { type } }
  }
`);

const fixtures = (
  JSON.parse(readFileSync(new URL('../fixtures/celery-5.6/metas.json', import.meta.url), 'utf8')) as {
    metas: Record<string, { id: string; value: string }>;
  }
).metas;

/** The day the fixtures were made (read from them), moved to yesterday: what the test writes is relative to now. */
const FIXTURE_DAY = /"date_done": "(\d{4}-\d{2}-\d{2})T/.exec(Object.values(fixtures)[0]!.value)![1]!;
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

const lens = useLens();
let client: Redis;
beforeAll(() => {
  client = lens.redis.client();
});

/** Stores a 5.6 fixture under a fresh id, as Celery does: SETEX and PUBLISH of the same bytes. */
async function store(name: string, id = randomUUID()): Promise<string> {
  const { id: original, value } = fixtures[name]!;
  const bytes = value.replaceAll(original, id).replaceAll(FIXTURE_DAY, DAY);
  await client.multi().setex(`celery-task-meta-${id}`, 3600, bytes).publish(`celery-task-meta-${id}`, bytes).exec();
  return id;
}
const task = async (id: string) => (await execute(lens.app, Newer, { id })).data!.task!;

describe('Celery 5.6.2+: REVOKED stored before any worker received the task', () => {
  it('sent, never received: REVOKED, and the reason says the revoke stored it', async () => {
    const id = randomUUID();
    await publishTaskSent(client, id);
    await until(async () => (await task(id)).timeline.length === 1);
    await store('revoked_before_receive', id);
    const revoked = await task(id);
    expect(revoked).toMatchObject({
      state: 'REVOKED',
      status: 'REVOKED',
      worker: null,
      name: null,
      dateDone: `${DAY}T10:00:00.123Z`,
    });
    expect(revoked.statusReason).toBe(
      'the result backend says REVOKED, stored by the revoke before any worker received the task (Celery ≥ 5.6.2 stores REVOKED when a worker hears the revoke); a worker that gets its message discards it',
    );
  });

  it('received by a worker: no such claim', async () => {
    const id = randomUUID();
    await publishTaskSent(client, id);
    await publishEvent(client, {
      type: 'task-received',
      uuid: id,
      hostname: 'w@h',
      timestamp: Date.now() / 1000 + 0.01,
      name: 'lens.add',
      retries: 0,
    });
    await until(async () => (await task(id)).timeline.length === 2);
    await store('revoked_before_receive', id);
    expect((await task(id)).statusReason).toBe('the result backend says REVOKED');
  });

  it('no events at all: no claim either (celery-lens cannot tell)', async () => {
    const id = await store('revoked_before_receive');
    expect(await task(id)).toMatchObject({ status: 'REVOKED', statusReason: 'the result backend says REVOKED' });
  });
});

describe('Celery 5.3+ fields', () => {
  it("date_done in Celery's timezone, stamps ignored; date_started shown as startedAt", async () => {
    const done = await store('success_timezone_stamped');
    expect(await task(done)).toMatchObject({
      status: 'SUCCEEDED',
      dateDone: `${DAY}T10:00:00.123Z`,
      name: 'lens.add',
      worker: 'celery@vm',
    });
    const started = await store('started_with_date_started');
    expect(await task(started)).toMatchObject({ status: 'RUNNING', startedAt: `${DAY}T14:59:58.000Z` });
  });
});

describe('EXPIRED only for an end celery-lens saw', () => {
  it('a rejected message is no end: FAILED with the reason, not EXPIRED', async () => {
    const id = randomUUID();
    await publishEvent(client, {
      type: 'task-rejected',
      uuid: id,
      hostname: 'w@h',
      timestamp: Date.now() / 1000,
      requeue: false,
    });
    await until(async () => (await task(id)).timeline.length === 1);
    const rejected = await task(id);
    expect(rejected.status).toBe('FAILED');
    expect(rejected.statusReason).toMatch(
      /^a worker rejected its message \(task-rejected at .*\) and no result is stored/,
    );
  });

  it('an end seen only as an event: EXPIRED; nothing seen (a celery-lens that was not listening): UNKNOWN, never EXPIRED', async () => {
    const seen = randomUUID();
    await publishEvent(client, {
      type: 'task-succeeded',
      uuid: seen,
      hostname: 'w@h',
      timestamp: Date.now() / 1000,
      runtime: 0.1,
      result: '3',
    });
    await until(async () => (await task(seen)).timeline.length === 1);
    expect(await task(seen)).toMatchObject({ exists: false, status: 'EXPIRED' });
    // Celery's key gone and no trace under celery-lens' prefix: it may have existed; celery-lens does not claim it.
    expect(await task(randomUUID())).toMatchObject({ exists: false, status: 'UNKNOWN' });
  });
});
