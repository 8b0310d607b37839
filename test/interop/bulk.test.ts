/**
 * Bulk actions by filter against real Celery 5.2.6 prefork workers: a dry
 * run counts and touches nothing; a revoke of 40 queued tasks ends DONE with
 * every one REVOKED without running; a re-send of a name's failures links
 * each to its new task; cancel stops an action; a process killed mid-action
 * leaves it to another, which finishes it without acting twice; every bulk
 * mutation without the control scope is FORBIDDEN and writes nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type DocumentNode, print } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { aclRule } from '../../src/redis/acl.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startApp } from '../helpers/app.ts';
import { type CeleryWorker, ensureCelery, startWorker } from '../helpers/celery.ts';
import { freePort, type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { subscribe, useWsClients } from '../helpers/ws-client.ts';
import {
  Look,
  ResendMatching,
  Revoke,
  RevokeMatching,
  type App,
  bulkOperations,
  ok,
} from '../helpers/bulk-operations.ts';

const Cancel = graphql(`
  mutation BulkCancel($id: ID!) { cancelBulkAction(id: $id) { id state done } }
`);
const List = graphql(`
  query BulkList($first: Int, $after: String) { bulkActions(first: $first, after: $after) { edges { cursor node { id kind } } pageInfo { hasNextPage endCursor } } }
`);
const Follow = graphql(`
  subscription BulkFollow($id: ID!) { bulkAction(id: $id) { id state done matched } }
`);

const BROKER_DB = 15;
const IDLE = 'bulk-idle'; // one process serves it, busy with a long task until the revoke is done
const SLOW = 'bulk-slow'; // never consumed: the cancelled action's tasks
const BIN = fileURLToPath(new URL('../../bin/celery-lens.mjs', import.meta.url));
let redis: RedisServer;
let worker: CeleryWorker;
const workers: CeleryWorker[] = [];
const children: ChildProcess[] = [];
let app: Awaited<ReturnType<typeof startApp>>;
const env = () => ({ brokerUrl: redis.url(BROKER_DB), backendUrl: redis.url(0) });
const flags = () => [
  '--broker',
  redis.url(BROKER_DB),
  '--queues',
  `celery,${IDLE},${SLOW}`,
  '--control',
  'true',
  '--send-allow',
  'lens.*',
  '--bulk-batch',
  '7',
  '--bulk-pause-ms',
  '20',
  '--bulk-lease-seconds',
  '2',
];

type BulkPage = { edges: { node: { id: string } }[]; pageInfo: { endCursor: string | null } };
const { sendMany, total, look, tasks, ended } = bulkOperations(() => app);

/** Revoke broadcasts heard on the pidbox, by their task ids. */
async function pidbox() {
  const listener = new Redis(redis.port, { db: BROKER_DB });
  const heard: string[][] = [];
  listener.on('message', (_channel: string, message: string) => {
    const body = JSON.parse(Buffer.from((JSON.parse(message) as { body: string }).body, 'base64').toString()) as {
      method: string;
      arguments: { task_id: string[] };
    };
    if (body.method === 'revoke') heard.push(body.arguments.task_id);
  });
  await listener.subscribe(`/${BROKER_DB}.celery.pidbox`);
  return { heard, close: () => listener.disconnect() };
}

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
  [worker, app] = await Promise.all([
    startWorker({ ...env(), pool: 'prefork', concurrency: 2 }),
    startApp(redis.url(0), flags()),
  ]);
  workers.push(await startWorker({ ...env(), pool: 'prefork', concurrency: 1, queues: [IDLE] }));
}, 60_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await app?.stop();
  await Promise.all([worker, ...workers].map((each) => each?.stop()));
  await redis?.stop();
});

describe('revokeTasksMatching', () => {
  it('a dry run counts 40 queued tasks of a queue and revokes none; the real run revokes all 40 before any runs', async () => {
    // The queue's only process runs a long task: the 40 wait (a few prefetched by the worker, the rest in the list).
    const [sleeper] = await sendMany(1, 'lens.sleep', IDLE, () => [120]);
    await until(async () => (await tasks([sleeper!]))[0]?.state === 'STARTED', 20_000);
    const ids = await sendMany(40, 'lens.add', IDLE, (index) => [index, 1]);
    const filter = { queue: IDLE, status: ['QUEUED'] };
    await until(async () => (await total(filter)) === 40, 20_000);
    const box = await pidbox();
    let [runId, dryId] = ['', ''];
    try {
      const dry = await ok<{ revokeTasksMatching: Record<string, unknown> }>(app, RevokeMatching, {
        filter,
        dryRun: true,
      });
      expect(dry.revokeTasksMatching).toMatchObject({
        kind: 'REVOKE',
        state: 'DONE',
        matched: 40,
        done: 0,
        dryRun: true,
      });
      expect(dry.revokeTasksMatching.filter).toMatchObject({ queue: IDLE, status: ['QUEUED'] });
      dryId = dry.revokeTasksMatching.id as string;
      const run = await ok<{ revokeTasksMatching: { id: string; state: string; matched: number } }>(
        app,
        RevokeMatching,
        {
          filter,
        },
      );
      expect(run.revokeTasksMatching).toMatchObject({ state: 'RUNNING', matched: 40 });
      runId = run.revokeTasksMatching.id;
      const done = await ended(runId);
      expect(done).toMatchObject({ state: 'DONE', matched: 40, done: 40, failed: 0 });
      // The dry run broadcast nothing; the real one one revoke per batch of 7, each task once.
      await until(() => box.heard.flat().length === 40);
      expect(box.heard.map((batch) => batch.length)).toEqual([7, 7, 7, 7, 7, 5]);
      expect(new Set(box.heard.flat())).toEqual(new Set(ids));
    } finally {
      box.close();
    }
    // Only now is the queue's process free: the worker discards every one of the 40, none runs.
    await ok(app, Revoke, { id: sleeper });
    await until(async () => (await tasks(ids)).every((task) => task.state === 'REVOKED'), 30_000);
    for (const task of await tasks(ids)) expect(task.timeline.map((entry) => entry.type)).not.toContain('STARTED');
    // Newest first: the real run, then the dry run; one a page.
    const first = await ok<{ bulkActions: BulkPage }>(app, List, { first: 1 });
    expect(first.bulkActions.edges.map((edge) => edge.node.id)).toEqual([runId]);
    const next = await ok<{ bulkActions: BulkPage }>(app, List, {
      first: 1,
      after: first.bulkActions.pageInfo.endCursor,
    });
    expect(next.bulkActions.edges.map((edge) => edge.node.id)).toEqual([dryId]);
  }, 120_000);

  let slowUrl = '';
  const client = useWsClients(() => slowUrl);

  it('cancel stops it: no batch after the cancel, and it stays CANCELLED; the subscription follows it to the end', async () => {
    const slow = await startApp(redis.url(0), [...flags(), '--bulk-batch', '2', '--bulk-pause-ms', '400']);
    slowUrl = slow.url;
    try {
      const ids = await sendMany(20, 'lens.add', SLOW, (index) => [index, 2]);
      const filter = { queue: SLOW };
      await until(async () => (await total(filter)) === 20, 20_000);
      const run = await ok<{ revokeTasksMatching: { id: string } }>(slow, RevokeMatching, { filter });
      const id = run.revokeTasksMatching.id;
      const followed = subscribe(client(), Follow, { id });
      await followed.waitFor(1);
      await until(async () => ((await look(id))?.done ?? 0) >= 2);
      const cancelled = await ok<{ cancelBulkAction: { state: string; done: number } }>(slow, Cancel, { id });
      expect(cancelled.cancelBulkAction.state).toBe('CANCELLED');
      const at = (await look(id))!.done;
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const after = (await look(id))!;
      expect(after.state).toBe('CANCELLED');
      // At most the batch being acted on when the cancel came is committed after it.
      expect(after.done).toBeLessThanOrEqual(at + 2);
      expect(after.done).toBeLessThan(20);
      // One event a batch, then the end: the last says CANCELLED.
      await followed.done;
      const states = followed.events.map((event) => event.bulkAction?.state);
      expect(states.at(-1)).toBe('CANCELLED');
      expect(states.filter((state) => state === 'RUNNING').length).toBeGreaterThanOrEqual(1);
      expect(followed.events.at(-1)?.bulkAction?.done).toBe(after.done);
      expect(ids).toHaveLength(20);
    } finally {
      await slow.stop();
    }
  }, 60_000);
});

describe('resendTasksMatching', () => {
  it("re-sends a name's failures, each linked to its new task both ways", async () => {
    const since = new Date().toISOString();
    const ids = await sendMany(5, 'lens.fail', 'celery', (index) => [`boom-${index}`]);
    const filter = { name: 'lens.fail', status: ['FAILED'], since };
    await until(async () => (await total(filter)) === 5, 30_000);
    const run = await ok<{ resendTasksMatching: { id: string; matched: number } }>(app, ResendMatching, { filter });
    expect(run.resendTasksMatching.matched).toBe(5);
    expect(await ended(run.resendTasksMatching.id)).toMatchObject({ state: 'DONE', done: 5, failed: 0 });
    const originals = await tasks(ids);
    for (const task of originals) expect(task.resentAs).toHaveLength(1);
    const copies = await tasks(originals.map((task) => task.resentAs[0]!.id));
    expect(copies.map((task) => task.resentFrom?.id)).toEqual(ids);
    await until(
      async () => (await tasks(copies.map((task) => task.id))).every((task) => task.state === 'FAILURE'),
      30_000,
    );
  }, 90_000);

  it('a process killed mid-action leaves it to another, which finishes it without re-sending any task twice', async () => {
    const since = new Date().toISOString();
    const ids = await sendMany(12, 'lens.fail', 'celery', (index) => [`kill-${index}`]);
    const filter = { name: 'lens.fail', status: ['FAILED'], since };
    await until(async () => (await total(filter)) === 12, 30_000);
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        '--backend',
        redis.url(0),
        '--port',
        String(port),
        ...flags(),
        '--bulk-batch',
        '2',
        '--bulk-pause-ms',
        '300',
      ],
      { stdio: 'ignore' },
    );
    children.push(child);
    const url = `http://127.0.0.1:${port}/graphql`;
    await until(async () => (await fetch(url.replace('/graphql', '/readyz')).catch(() => null))?.ok === true, 20_000);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(ResendMatching), variables: { filter } }),
    });
    const id = ((await response.json()) as { data: { resendTasksMatching: { id: string } } }).data.resendTasksMatching
      .id;
    await until(async () => ((await look(id))?.done ?? 0) >= 2, 20_000);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const killedAt = (await look(id))!.done;
    expect(killedAt).toBeLessThan(12);
    // This process takes it over once the dead one's lease (2 s) lapsed.
    expect(await ended(id, 30_000)).toMatchObject({ state: 'DONE', matched: 12, done: 12, failed: 0 });
    const originals = await tasks(ids);
    for (const task of originals) expect(task.resentAs).toHaveLength(1);
    const copies = await tasks(originals.map((task) => task.resentAs[0]!.id));
    expect(copies.map((task) => task.resentFrom?.id)).toEqual(ids);
  }, 90_000);
});

describe('without the control scope', () => {
  const hash = (key: string) => createHash('sha256').update(key).digest('hex');
  let quiet: RedisServer;
  beforeAll(async () => {
    quiet = await startRedis();
  });
  afterAll(async () => {
    await quiet?.stop();
  });

  it('every bulk mutation is FORBIDDEN and writes nothing; --control false is CONTROL_DISABLED', async () => {
    const base = ['--queues', 'celery', '--send-allow', 'lens.*'];
    const on = await startApp(quiet.url(), [
      ...base,
      '--control',
      'true',
      '--auth',
      'true',
      '--api-keys',
      `ops:${hash('ops-key')}:status+control,viewer:${hash('viewer-key')}:status+payload`,
    ]);
    const off = await startApp(quiet.url(), base);
    try {
      const writes = async () => {
        const stats = (await quiet.client().info('commandstats')) as string;
        return ['hset', 'set', 'sadd', 'zadd', 'publish', 'lpush', 'evalsha', 'eval'].map(
          (command) => new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? '0',
        );
      };
      const code = async (target: App, document: DocumentNode, variables: object, key?: string) => {
        const reply = await target.yoga.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
          body: JSON.stringify({ query: print(document), variables }),
        });
        return ((await reply.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions
          ?.code;
      };
      const filter = { status: ['FAILED'] };
      const before = await writes();
      for (const [document, variables] of [
        [RevokeMatching, { filter }],
        [RevokeMatching, { filter, dryRun: true }],
        [ResendMatching, { filter }],
        [Cancel, { id: randomUUID() }],
        [Look, { id: randomUUID() }],
      ] as const) {
        expect(await code(on, document, variables, 'viewer-key')).toBe('FORBIDDEN');
        expect(await code(on, document, variables)).toBe('UNAUTHENTICATED');
      }
      expect(await code(off, RevokeMatching, { filter })).toBe('CONTROL_DISABLED');
      expect(await code(off, ResendMatching, { filter })).toBe('CONTROL_DISABLED');
      expect(await writes()).toEqual(before);
      expect(await code(on, RevokeMatching, { filter, max: 0 }, 'ops-key')).toBe('INVALID_ARGUMENT');
      expect(await code(on, Cancel, { id: randomUUID() }, 'ops-key')).toBe('BULK_ACTION_NOT_FOUND');
    } finally {
      await Promise.all([on.stop(), off.stop()]);
    }
  });

  it('runs under the ACL user `celery-lens acl --control true` prints: a dry run, a run to DONE, a cancel', async () => {
    const password = randomUUID();
    const lensFlags = ['--queues', 'celery', '--control', 'true', '--send-allow', 'lens.*', '--bulk-pause-ms', '0'];
    const [command, ...args] = aclRule(loadConfig(lensFlags, {}), 'lens-bulk', password);
    await quiet.client().call(command as string, ...args);
    const limited = await startApp(`redis://lens-bulk:${password}@127.0.0.1:${quiet.port}/0`, lensFlags);
    try {
      const filter = { name: 'lens.nothing-matches' };
      const dry = await ok<{ revokeTasksMatching: { state: string } }>(limited, RevokeMatching, {
        filter,
        dryRun: true,
      });
      expect(dry.revokeTasksMatching.state).toBe('DONE');
      const run = await ok<{ revokeTasksMatching: { id: string } }>(limited, RevokeMatching, { filter });
      await until(async () => (await look(run.revokeTasksMatching.id, limited))?.state === 'DONE');
      const list = await ok<{ bulkActions: BulkPage }>(limited, List, { first: 5 });
      expect(list.bulkActions.edges).toHaveLength(2);
      const cancelled = await ok<{ cancelBulkAction: { state: string } }>(limited, Cancel, {
        id: run.revokeTasksMatching.id,
      });
      expect(cancelled.cancelBulkAction.state).toBe('DONE');
    } finally {
      await limited.stop();
    }
  });
});
