/**
 * celery-lens against a real Celery 5.2 worker (Debian's python3-celery):
 * every answer is compared with what Celery's own AsyncResult reports for the
 * same id, asked of Python through test/fixtures/celery/lens_cli.py.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const InteropTask = graphql(`
  query InteropTask($ids: [ID!]!) {
    tasks(ids: $ids) {
      id exists state rawState ready successful failed
      result meta
      error { type message module args traceback }
      name args kwargs worker queue retries
      dateDone parentId groupId
      parent { id }
      children { id }
    }
  }
`);

/** AsyncResult's view, as lens_cli.py prints it. */
interface PyView {
  id: string;
  state: string;
  result: unknown;
  info: unknown;
  traceback: string | null;
  date_done: string | null;
  children: string[] | null;
  parent_id: string | null;
  group_id: string | null;
  name: string | null;
  args: unknown;
  kwargs: unknown;
  worker: string | null;
  retries: number | null;
  queue: string | null;
  ready: boolean;
  successful: boolean;
  failed: boolean;
}
interface Sent {
  id: string;
  ids?: string[];
  groupId?: string;
}

let redis: RedisServer;
const workers: CeleryWorker[] = [];
const apps: Awaited<ReturnType<typeof startApp>>[] = [];
// db 0: result_extended and task_track_started on; db 1: both off. The broker lives on db 15.
const env = (db: number, resultExtended = true) => ({
  brokerUrl: redis.url(15),
  backendUrl: redis.url(db),
  resultExtended,
});

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
  const [extended, plain] = await Promise.all([
    startWorker({ ...env(0), trackStarted: true, queues: ['extended'] }),
    startWorker({ ...env(1, false), trackStarted: false, queues: ['plain'] }),
  ]);
  workers.push(extended, plain);
  apps.push(await startApp(redis.url(0)), await startApp(redis.url(1)));
}, 120_000);

afterAll(async () => {
  for (const app of apps) await app.stop();
  await Promise.all(workers.map((worker) => worker.stop()));
  await redis?.stop();
});

/** Our answer for `ids` next to AsyncResult's, once all of them are ready. */
async function both(ids: string[], db = 0) {
  const views = await celery<PyView[]>('wait', { ids, timeout: 30 }, env(db, db === 0));
  const { data, errors } = await execute(apps[db]!, InteropTask, { ids });
  expect(errors).toBeUndefined();
  return ids.map((_id, index) => ({ ours: data!.tasks[index]!, celery: views[index]! }));
}

async function one(id: string, db = 0) {
  return (await both([id], db))[0]!;
}

/** What a Python value becomes when it went through JSON (tuples are lists). */
function sameAsCelery(ours: Awaited<ReturnType<typeof both>>[number]['ours'], py: PyView) {
  expect(ours.id).toBe(py.id);
  expect(ours.rawState).toBe(py.state);
  expect([ours.ready, ours.successful, ours.failed]).toEqual([py.ready, py.successful, py.failed]);
  if (py.state === 'SUCCESS') expect(ours.result).toEqual(py.result);
  if (ours.error) {
    const exc = py.result as { type: string; str: string; args: unknown[] };
    expect(ours.error).toMatchObject({ type: exc.type, message: exc.str, args: exc.args, traceback: py.traceback });
  } else {
    expect(py.traceback).toBeNull();
  }
  // Celery keeps microseconds; a JS Date keeps milliseconds.
  expect(ours.dateDone).toBe(py.date_done === null ? null : new Date(`${py.date_done.slice(0, 23)}Z`).toISOString());
  expect(ours.children?.map((child) => child?.id)).toEqual(py.children ?? []);
  expect(ours.parentId).toBe(py.parent_id === py.id ? null : py.parent_id);
  expect(ours.parent?.id ?? null).toBe(ours.parentId);
  expect(ours.groupId).toBe(py.group_id);
  for (const field of ['name', 'args', 'kwargs', 'worker', 'retries', 'queue'] as const) {
    expect(ours[field], field).toEqual(py[field]);
  }
}

describe('Celery 5.2 worker, result_extended and task_track_started on', () => {
  it('SUCCESS: state, result, date_done and result_extended fields match AsyncResult', async () => {
    const [sent] = await celery<Sent[]>('send', [{ task: 'add', args: [2, 3], queue: 'extended' }], env(0));
    const { ours, celery: py } = await one(sent!.id);
    sameAsCelery(ours, py);
    expect(ours).toMatchObject({
      state: 'SUCCESS',
      result: 5,
      name: 'lens.add',
      args: [2, 3],
      kwargs: {},
      queue: 'extended',
      retries: 0,
    });
    expect(ours.worker).toMatch(/@/);
  });

  it('FAILURE: a typed error with the traceback Celery stored', async () => {
    const [sent] = await celery<Sent[]>('send', [{ task: 'fail', args: ['kaboom'], queue: 'extended' }], env(0));
    const { ours, celery: py } = await one(sent!.id);
    sameAsCelery(ours, py);
    expect(ours).toMatchObject({
      state: 'FAILURE',
      failed: true,
      result: null,
      error: { type: 'ValueError', message: 'kaboom', module: 'builtins' },
    });
    expect(ours.error?.traceback).toMatch(/ValueError: kaboom/);
  });

  it('a custom PROGRESS state keeps its meta, as AsyncResult.info shows it', async () => {
    const [sent] = await celery<Sent[]>('send', [{ task: 'progress', args: [3, 2.5], queue: 'extended' }], env(0));
    const id = sent!.id;
    // Catch it mid-way, updates 2.5 s apart: Celery's view first (a Python process, slow to start on a
    // loaded machine), ours right after it (milliseconds), so both fall between the same two updates.
    let matched = false;
    let finished = false;
    while (!matched && !finished) {
      const [py] = await celery<PyView[]>('view', { ids: [id] }, env(0));
      finished = py!.state === 'SUCCESS' || py!.state === 'FAILURE';
      if (py!.state !== 'PROGRESS') continue;
      const { data } = await execute(apps[0]!, InteropTask, { ids: [id] });
      const ours = data!.tasks[0]!;
      if (ours.rawState === 'PROGRESS' && JSON.stringify(py!.info) === JSON.stringify(ours.meta)) {
        expect(ours).toMatchObject({
          state: 'CUSTOM',
          ready: false,
          result: null,
          meta: { current: expect.any(Number), total: 3 },
        });
        matched = true;
      }
    }
    expect(matched).toBe(true);
    const { ours, celery: py } = await one(id);
    sameAsCelery(ours, py);
    expect(ours.result).toEqual({ done: 3 });
  });

  it('STARTED (task_track_started): meta holds the pid and hostname, date_done is null', async () => {
    const [sent] = await celery<Sent[]>('send', [{ task: 'sleep', args: [2], queue: 'extended' }], env(0));
    const id = sent!.id;
    let started: Awaited<ReturnType<typeof both>>[number]['ours'] | null = null;
    // A loaded worker may take seconds to pick the task up; it then runs 2 s.
    await until(async () => {
      const { data } = await execute(apps[0]!, InteropTask, { ids: [id] });
      if (data!.tasks[0]!.state === 'STARTED') started = data!.tasks[0]!;
      return started !== null || data!.tasks[0]!.ready;
    }, 20_000);
    expect(started).toMatchObject({
      state: 'STARTED',
      ready: false,
      dateDone: null,
      meta: { pid: expect.any(Number), hostname: expect.stringMatching(/@/) },
    });
    const [py] = await celery<PyView[]>('view', { ids: [id] }, env(0));
    expect(['STARTED', 'SUCCESS']).toContain(py!.state);
  });

  it('a chain of 3: parent ids and children match AsyncResult', async () => {
    const [sent] = await celery<Sent[]>(
      'send',
      [
        {
          chain: [
            { task: 'add', args: [1, 1], queue: 'extended' },
            { task: 'add', args: [2], queue: 'extended' },
            { task: 'add', args: [3], queue: 'extended' },
          ],
        },
      ],
      env(0),
    );
    const ids = sent!.ids!;
    const pairs = await both(ids);
    for (const { ours, celery: py } of pairs) sameAsCelery(ours, py);
    expect(pairs.map((p) => p.ours.result)).toEqual([2, 4, 7]);
    expect(pairs.map((p) => p.ours.parentId)).toEqual([null, ids[0], ids[1]]);
    expect(pairs.map((p) => p.ours.children?.map((c) => c?.id))).toEqual([[ids[1]], [ids[2]], []]);
  });

  it('a group: members carry the group id', async () => {
    const [sent] = await celery<Sent[]>(
      'send',
      [{ group: [0, 1, 2].map((i) => ({ task: 'add', args: [i, i], queue: 'extended' })), save: true }],
      env(0),
    );
    const pairs = await both(sent!.ids!);
    for (const { ours, celery: py } of pairs) sameAsCelery(ours, py);
    expect(pairs.map((p) => [p.ours.result, p.ours.groupId])).toEqual([0, 2, 4].map((r) => [r, sent!.id]));
  });

  it('an id Celery never saw: PENDING with exists: false, as AsyncResult says PENDING', async () => {
    const id = randomUUID();
    const [py] = await celery<PyView[]>('view', { ids: [id] }, env(0));
    const { data } = await execute(apps[0]!, InteropTask, { ids: [id] });
    expect(py!.state).toBe('PENDING');
    expect(data!.tasks[0]).toMatchObject({
      state: 'PENDING',
      rawState: 'PENDING',
      exists: false,
      ready: false,
      dateDone: null,
    });
  });
});

describe('Celery 5.2 worker, result_extended off', () => {
  it('SUCCESS and FAILURE match AsyncResult; name/args/worker are null', async () => {
    const sent = await celery<Sent[]>(
      'send',
      [
        { task: 'add', args: [20, 22], queue: 'plain' },
        { task: 'fail', args: ['plain failure'], queue: 'plain' },
      ],
      env(1, false),
    );
    const pairs = await both(
      sent.map((s) => s.id),
      1,
    );
    for (const { ours, celery: py } of pairs) sameAsCelery(ours, py);
    expect(pairs[0]!.ours).toMatchObject({
      result: 42,
      name: null,
      args: null,
      kwargs: null,
      worker: null,
      queue: null,
      retries: null,
    });
    expect(pairs[1]!.ours.error?.message).toBe('plain failure');
  });
});
