/**
 * Page cursors (searchTasks, failures) behind a load balancer: issued by one
 * process, they page on every other on the same Redis, after a restart, and
 * across a key rotation (kept in Redis, or --cursor-secret); forged ones
 * never. Paging answers at every `first`, 0 included, and the coded errors at
 * each argument's edge, the same on every connection.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/live/cursor.ts';
import { GRACE_MS, rotateStoredCursorKey } from '../../src/store/cursor-key-store.ts';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { celeryDate } from '../helpers/clock.ts';
import { type Result, execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { wsClient } from '../helpers/ws-client.ts';
import type { CursorFailuresQuery, CursorSearchQuery, TaskFilter } from '../gql/graphql.ts';
import { loggedStates } from '../helpers/state-log.ts';

const Search = graphql(`
  query CursorSearch($filter: TaskFilter, $first: Int, $after: String) {
    searchTasks(filter: $filter, first: $first, after: $after) {
      edges { cursor node { id } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
`);
const Failures = graphql(`
  query CursorFailures($first: Int, $after: String) {
    failures(first: $first, after: $after) {
      edges { cursor node { name } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
`);
const Children = graphql(`
  query CursorChildren($id: ID!, $offset: Int, $limit: Int) {
    task(id: $id) { children(offset: $offset, limit: $limit) { id } }
  }
`);

type App = Awaited<ReturnType<typeof startApp>>;
const BIN = fileURLToPath(new URL('../../bin/celery-lens.mjs', import.meta.url));
const KEYS = 'celery-lens:cursor-keys';
const TASKS = 12;
/** Failed tasks: 4 over 3 names, so 3 groups. */
const FAILED = [0, 3, 6, 9];

let redis: RedisServer;
/** The two consuming processes every test starts from. */
let a: App;
let b: App;
const extra: App[] = [];
/** Ids newest first, and the failure groups' names newest first. */
let newest: string[];
let groups: string[];
const parent = randomUUID();

/** Another process on the same Redis; it does not consume (a and b feed the index). */
async function replica(flags: readonly string[] = []): Promise<App> {
  const app = await startApp(redis.url(), ['--consume', 'false', ...flags]);
  extra.push(app);
  return app;
}

beforeAll(async () => {
  redis = await startRedis();
  // Started together on a Redis without keys: whichever creates them, both read the same.
  [a, b] = await Promise.all([startApp(redis.url()), startApp(redis.url())]);
  const client = redis.client();
  const base = Date.now() - 600_000;
  const sent: { id: string; at: number; name: string }[] = [];
  for (let i = 0; i < TASKS; i += 1) {
    const task = { id: randomUUID(), at: base + i * 1000, name: `app.t${i % 3}` };
    sent.push(task);
    const failed = FAILED.includes(i);
    await writeMeta(
      client,
      {
        status: failed ? 'FAILURE' : 'SUCCESS',
        date_done: celeryDate(task.at),
        name: task.name,
        result: failed ? { exc_type: 'ValueError', exc_message: ['x'], exc_module: 'builtins' } : i,
      },
      { id: task.id },
    );
  }
  await writeMeta(
    client,
    { status: 'SUCCESS', result: 0, children: sent.slice(0, 3).map((task) => [[task.id, null], null]) },
    { id: parent },
  );
  await until(async () => (await client.hlen('celery-lens:{ix}:rec')) === TASKS + 1);
  newest = [parent, ...sent.map((task) => task.id).reverse()];
  const lastFailure = (name: string) =>
    Math.max(...FAILED.filter((i) => sent[i]?.name === name).map((i) => sent[i]?.at ?? 0));
  groups = [...new Set(FAILED.map((i) => sent[i]?.name as string))].sort((x, y) => lastFailure(y) - lastFailure(x));
});

afterAll(async () => {
  for (const app of [a, b, ...extra]) await app?.stop();
  await redis?.stop();
});

const search = (app: App, variables: { filter?: TaskFilter; first?: number; after?: string | null }) =>
  execute(app, Search, variables);
const failures = (app: App, variables: { first?: number; after?: string | null }) => execute(app, Failures, variables);
const codes = (result: Result<unknown>) => result.errors?.map((error) => error.extensions?.code);
const ids = (result: Result<CursorSearchQuery>) => result.data?.searchTasks.edges.map((edge) => edge.node.id);

/** Every id, a page of `first` at a time, each page asked of the next process in turn. */
async function pageAcross(apps: readonly App[], first: number, after: string | null = null): Promise<string[]> {
  const got: string[] = [];
  for (let page = 0, cursor = after; ; page += 1) {
    const result = await search(apps[page % apps.length] as App, { first, after: cursor });
    expect(result.errors).toBeUndefined();
    got.push(...(ids(result) ?? []));
    if (!result.data?.searchTasks.pageInfo.hasNextPage) return got;
    cursor = result.data.searchTasks.pageInfo.endCursor ?? null;
  }
}

/** The endCursor of the page of `first` from the start. */
async function cursorAfter(app: App, first: number): Promise<string> {
  const result = await search(app, { first });
  return result.data?.searchTasks.pageInfo.endCursor as string;
}

/** `celery-lens cursor-key --rotate` as an operator runs it. */
function rotate(): Promise<{ signing: string; verifying: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, 'cursor-key', '--rotate', '--backend', redis.url()],
      { timeout: 60_000 },
      (error, stdout) =>
        error ? reject(error) : resolve(JSON.parse(stdout) as { signing: string; verifying: string[] }),
    );
  });
}

const keyIdOf = (cursor: string) => cursor.split('.')[0];

interface Page {
  items: string[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}
const searchPage = async (app: App, first: number, after: string | null): Promise<Page> => {
  const { data, errors } = await search(app, { first, after });
  expect(errors).toBeUndefined();
  const page = data?.searchTasks;
  return {
    items: page?.edges.map((edge) => edge.node.id) ?? [],
    hasNextPage: page?.pageInfo.hasNextPage ?? false,
    endCursor: page?.pageInfo.endCursor ?? null,
    totalCount: page?.totalCount ?? -1,
  };
};
const failuresPage = async (app: App, first: number, after: string | null): Promise<Page> => {
  const { data, errors } = await failures(app, { first, after });
  expect(errors).toBeUndefined();
  const page = data?.failures;
  return {
    items: page?.edges.map((edge) => edge.node.name) ?? [],
    hasNextPage: page?.pageInfo.hasNextPage ?? false,
    endCursor: page?.pageInfo.endCursor ?? null,
    totalCount: page?.totalCount ?? -1,
  };
};

/**
 * At every first from 0 to past the end, on one process: the first `first`
 * items of `all`, hasNextPage when more follow, the total, and an endCursor
 * from which the other process answers exactly the rest.
 */
async function checkEveryFirst(
  all: readonly string[],
  ask: (app: App, first: number, after: string | null) => Promise<Page>,
): Promise<void> {
  for (let first = 0; first <= all.length + 1; first += 1) {
    const page = await ask(a, first, null);
    expect(page, `first: ${first}`).toMatchObject({
      items: all.slice(0, first),
      hasNextPage: first < all.length,
      totalCount: all.length,
    });
    expect(page.endCursor).toBeTruthy();
    const rest = await ask(b, 50, page.endCursor);
    expect(rest, `after first: ${first}`).toMatchObject({ items: all.slice(first), hasNextPage: false });
  }
}

describe('cursors on every replica', () => {
  it('a page cursor from one process pages on another, searchTasks and failures alike', async () => {
    const stored = JSON.parse((await redis.client().get(KEYS)) as string) as { v: number; keys: string[][] };
    expect(stored.keys).toHaveLength(1);
    expect(await pageAcross([a, b], 5)).toEqual(newest);
    expect(await pageAcross([b, a], 1)).toEqual(newest);
    const names: string[] = [];
    for (let page = 0, after: string | null = null; ; page += 1) {
      const result: Result<CursorFailuresQuery> = await failures(page % 2 === 0 ? a : b, { first: 1, after });
      expect(result.errors).toBeUndefined();
      names.push(...(result.data?.failures.edges.map((edge) => edge.node.name) ?? []));
      if (!result.data?.failures.pageInfo.hasNextPage) break;
      after = result.data.failures.pageInfo.endCursor ?? null;
    }
    expect(names).toEqual(groups);
  });

  it('a cursor survives a restart of the process that issued it', async () => {
    const cursor = await cursorAfter(a, 5);
    await a.stop();
    a = await startApp(redis.url());
    expect(ids(await search(a, { first: 5, after: cursor }))).toEqual(newest.slice(5, 10));
  });

  it('keys Redis lost (evicted, flushed) are written back by a process that holds them', async () => {
    const before = await redis.client().get(KEYS);
    const cursor = await cursorAfter(a, 5);
    await redis.client().del(KEYS);
    // A cursor naming a key a process does not know makes it read the keys again (at most once a second).
    const unknown = `00000000.${cursor.split('.').slice(1).join('.')}`;
    await until(async () => {
      expect(codes(await search(b, { first: 5, after: unknown }))).toEqual(['INVALID_CURSOR']);
      return (await redis.client().get(KEYS)) !== null;
    });
    expect(await redis.client().get(KEYS)).toBe(before);
    expect(ids(await search(await replica(), { first: 5, after: cursor }))).toEqual(newest.slice(5, 10));
  });
});

describe('paging at every first, and the edges of every argument', () => {
  it('searchTasks: the same answers at every first, 0 included; a page without edges ends where it began', async () => {
    await checkEveryFirst(newest, searchPage);
    // first: 0 after a cursor: nothing, whether more follow, and a cursor that goes on from the same place.
    const cursor = await cursorAfter(a, 5);
    const empty = await search(b, { first: 0, after: cursor });
    expect(empty.data?.searchTasks).toMatchObject({
      edges: [],
      totalCount: newest.length,
      pageInfo: { hasNextPage: true },
    });
    expect(await pageAcross([a], 4, empty.data?.searchTasks.pageInfo.endCursor)).toEqual(newest.slice(5));
    // Past the end: no edges, no next page, and the cursor stays where it was.
    const end = (await search(a, { first: newest.length })).data?.searchTasks.pageInfo;
    expect(end?.hasNextPage).toBe(false);
    for (const first of [0, 5]) {
      const past = await search(a, { first, after: end?.endCursor });
      expect(past.data?.searchTasks).toMatchObject({ edges: [], pageInfo: { hasNextPage: false } });
      expect(await pageAcross([b], 5, past.data?.searchTasks.pageInfo.endCursor)).toEqual([]);
    }
    // Nothing matches: the only page with a null endCursor.
    for (const first of [0, 5]) {
      const none = await search(a, { first, filter: { name: 'app.nothing' } });
      expect(none.data?.searchTasks).toEqual({
        edges: [],
        totalCount: 0,
        pageInfo: { hasNextPage: false, endCursor: null },
      });
    }
  });

  it('failures: the same answers at every first, 0 included', async () => {
    await checkEveryFirst(groups, failuresPage);
  });

  it('bad arguments are the same coded errors on every connection', async () => {
    const searchCursor = await cursorAfter(a, 2);
    const failuresCursor = (await failures(a, { first: 1 })).data?.failures.pageInfo.endCursor as string;
    const otherFilter = (await search(a, { first: 1, filter: { name: 'app.t1' } })).data?.searchTasks.pageInfo
      .endCursor as string;
    const resumeCursor = encodeCursor({ epoch: 'a1b2c3d4e5f6', seq: 1 });
    const connections = [
      {
        name: 'searchTasks',
        ask: (first: number, after: string | null) => search(a, { first, after }),
        foreign: [failuresCursor, otherFilter],
      },
      {
        name: 'failures',
        ask: (first: number, after: string | null) => failures(a, { first, after }),
        foreign: [searchCursor],
      },
    ];
    for (const { name, ask, foreign } of connections) {
      for (const first of [-1, 501])
        expect(codes(await ask(first, null)), `${name} first: ${first}`).toEqual(['INVALID_ARGUMENT']);
      for (const after of ['', 'garbage', resumeCursor, ...foreign])
        expect(codes(await ask(2, after)), `${name} after: ${after}`).toEqual(['INVALID_CURSOR']);
    }
    // A page cursor is not a resume cursor either.
    const client = wsClient(a.url);
    const results: { errors?: readonly { extensions?: { code?: unknown } }[] }[] = [];
    await new Promise<void>((resolve, reject) => {
      client.subscribe(
        {
          query: 'subscription ($id: ID!, $after: String) { task(id: $id, after: $after) { id } }',
          variables: { id: parent, after: searchCursor },
        },
        {
          next: (result) => void results.push(result),
          error: reject,
          complete: resolve,
        },
      );
    });
    await client.dispose();
    expect(results.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(['INVALID_CURSOR']);
  });

  it('lists paged by offset and limit: 0 is an empty page, past the end too; negative is INVALID_ARGUMENT, over --max-ids TOO_MANY_IDS', async () => {
    const children = async (offset: number | null, limit: number | null) =>
      execute(a, Children, { id: parent, offset, limit });
    expect((await children(0, 0)).data?.task?.children).toEqual([]);
    expect((await children(3, 2)).data?.task?.children).toEqual([]);
    expect((await children(1, 1)).data?.task?.children).toEqual([{ id: newest[newest.length - 2] }]);
    expect(codes(await children(-1, 1))).toEqual(['INVALID_ARGUMENT']);
    expect(codes(await children(0, -1))).toEqual(['INVALID_ARGUMENT']);
    expect(codes(await children(0, 1001))).toEqual(['TOO_MANY_IDS']);
  });
});

describe('rotation', () => {
  it('kept in Redis: cursor-key --rotate; the replaced key still verifies, forged cursors never', async () => {
    const old = await cursorAfter(a, 4);
    const { signing, verifying } = await rotate();
    expect(verifying).toEqual([signing, keyIdOf(old)]);
    const rotated = await replica();
    const fresh = await cursorAfter(rotated, 4);
    expect(keyIdOf(fresh)).toBe(signing);
    // Pages in flight go on, on processes that read the new key and on those that have not yet.
    expect(ids(await search(rotated, { first: 4, after: old }))).toEqual(newest.slice(4, 8));
    expect(ids(await search(a, { first: 4, after: old }))).toEqual(newest.slice(4, 8));
    await until(async () => (await search(a, { first: 4, after: fresh })).errors === undefined);
    expect(ids(await search(a, { first: 4, after: fresh }))).toEqual(newest.slice(4, 8));

    const [, payload, mac] = fresh.split('.') as [string, string, string];
    const [, oldPayload, oldMac] = old.split('.') as [string, string, string];
    const forged = [
      `${signing}.${oldPayload}.${mac}`,
      `${keyIdOf(old)}.${payload}.${mac}`,
      `${signing}.${payload}.${oldMac}`,
      `${signing}.${payload}.${mac.slice(0, -1)}`,
      `ffffffff.${payload}.${mac}`,
    ];
    for (const cursor of forged)
      expect(codes(await search(rotated, { first: 4, after: cursor })), cursor).toEqual(['INVALID_CURSOR']);
  });

  it('kept in Redis: two rotations in a row break no page; a replaced key stops verifying once its successor was replaced long enough ago', async () => {
    // A process that has not read the ring since the first rotation still signs with the key before it.
    const stale = await cursorAfter(b, 4);
    const first = await rotate();
    const second = await rotate();
    expect(second.verifying.slice(0, 2)).toEqual([second.signing, first.signing]);
    expect(second.verifying).toContain(keyIdOf(stale));
    const later = await replica();
    expect(ids(await search(later, { first: 4, after: stale }))).toEqual(newest.slice(4, 8));
    // A rotation GRACE_MS later: every process has read the ring since, and no longer signs with those two.
    const third = await rotateStoredCursorKey(redis.client(), KEYS, Date.now() + GRACE_MS + 1000);
    expect(third.verifying).toEqual([third.signing, second.signing]);
    const refused = await search(await replica(), { first: 4, after: stale });
    expect(codes(refused)).toEqual(['INVALID_CURSOR']);
    expect(refused.errors?.[0]?.message).toContain('no longer accepted');
  });

  it('--cursor-secret: the first signs, each verifies; a secret dropped from the list no longer verifies', async () => {
    const [s1, s2, s3] = ['1', '2', '3'].map((n) => `${n}-cursor-secret-${randomUUID()}`);
    const one = await replica(['--cursor-secret', `${s1}`]);
    const c1 = await cursorAfter(one, 3);
    // Step 1 of a rotation: the new secret verifies before any process signs with it.
    const accepting = await replica(['--cursor-secret', `${s1},${s2}`]);
    expect(keyIdOf(await cursorAfter(accepting, 3))).toBe(keyIdOf(c1));
    // Step 2: the new one signs, the old one still verifies.
    const signing = await replica(['--cursor-secret', `${s2},${s1}`]);
    const c2 = await cursorAfter(signing, 3);
    expect(keyIdOf(c2)).not.toBe(keyIdOf(c1));
    for (const app of [accepting, signing]) {
      expect(ids(await search(app, { first: 3, after: c1 }))).toEqual(newest.slice(3, 6));
      expect(ids(await search(app, { first: 3, after: c2 }))).toEqual(newest.slice(3, 6));
    }
    // Step 3: the old one dropped.
    const rotated = await replica(['--cursor-secret', `${s2}`]);
    expect(ids(await search(rotated, { first: 3, after: c2 }))).toEqual(newest.slice(3, 6));
    expect(codes(await search(rotated, { first: 3, after: c1 }))).toEqual(['INVALID_CURSOR']);
    // Signed with another secret under the id of an accepted one; and the keys kept in Redis do not verify either.
    const other = await cursorAfter(await replica(['--cursor-secret', `${s3}`]), 3);
    expect(
      codes(await search(signing, { first: 3, after: `${keyIdOf(c1)}.${other.split('.').slice(1).join('.')}` })),
    ).toEqual(['INVALID_CURSOR']);
    expect(codes(await search(signing, { first: 3, after: await cursorAfter(a, 3) }))).toEqual(['INVALID_CURSOR']);
  });
});

// Last: its task enters the index the tests above page through.
describe('resume cursors', () => {
  it('a resume cursor (subscriptions) from one process resumes on another too', async () => {
    const id = randomUUID();
    const progress = (step: number) =>
      writeMeta(redis.client(), { status: 'PROGRESS', result: { current: step, total: 9 } }, { id });
    const events = (app: App, after: string | null, count: number) => {
      const client = wsClient(app.url);
      const got: { step: number; cursor: string }[] = [];
      const stop = client.subscribe<{ task: { meta: { current: number } } }, { cursor: string }>(
        {
          query: 'subscription ($id: ID!, $after: String) { task(id: $id, after: $after) { meta } }',
          variables: { id, after },
        },
        {
          next: (result) =>
            void got.push({ step: result.data?.task.meta.current ?? -1, cursor: result.extensions?.cursor ?? '' }),
          error: () => {},
          complete: () => {},
        },
      );
      return { got, done: until(() => got.length >= count).finally(() => (stop(), client.dispose())) };
    };
    await progress(1);
    const onA = events(a, null, 1);
    await onA.done;
    for (let step = 2; step <= 4; step += 1) await progress(step);
    await until(async () => (await loggedStates(redis.client(), id)) >= 4);
    const onB = events(b, onA.got[0]?.cursor as string, 3);
    await onB.done;
    expect(onB.got.map((event) => event.step)).toEqual([2, 3, 4]);
  });
});
