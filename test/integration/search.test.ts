/** searchTasks, taskStats, failures and taskEvents over GraphQL, fed by written metas and events through the consumer. */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { publishEvents, writeMeta } from '../helpers/celery-meta.ts';
import type { IndexSearchQuery, TaskFilter } from '../gql/graphql.ts';
import { type Result, execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { celeryDate, minuteAgo } from '../helpers/clock.ts';
import { until } from '../helpers/until.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';

const lens = useLens(['--index-kwargs', 'tenant,user_id']);

const Search = graphql(`
  query IndexSearch($filter: TaskFilter, $first: Int, $after: String, $order: TaskOrder) {
    searchTasks(filter: $filter, first: $first, after: $after, order: $order) {
      edges { cursor node { id state status name worker queue kwargs } }
      pageInfo { hasNextPage endCursor }
      totalCount totalCountCapped
    }
  }
`);
const Stats = graphql(`
  query IndexStats($since: DateTime, $until: DateTime, $by: TaskStatsBy) {
    taskStats(since: $since, until: $until, by: $by) {
      since until
      groups { key total byStatus { status count } failureRate runtime { count p50 p95 max } }
      perMinute { minute succeeded failed }
    }
  }
`);
const Failures = graphql(`
  query IndexFailures($first: Int, $after: String) {
    failures(first: $first, after: $after) {
      edges { cursor node { name exceptionType count firstSeen lastSeen example { id state } } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
`);
const Live = graphql(`
  subscription IndexLive($filter: TaskFilter) {
    taskEvents(filter: $filter) { id state status name }
  }
`);

/** The fixtures' hour: a whole minute an hour ago, so they sit well inside the index's days on any date. */
const BASE = minuteAgo(3_600_000);
const doneAt = (minute: number, second: number) => celeryDate(BASE + minute * 60_000 + second * 1000);
const iso = (ms: number) => new Date(ms).toISOString();
const minuteOf = (celery: string) => Math.floor(Date.parse(`${celery}Z`) / 60_000) * 60_000;
const failure = { exc_type: 'ValueError', exc_message: ['kaboom'], exc_module: 'builtins' };

interface Sent {
  id: string;
  name: string;
  status: string;
  worker: string;
  queue: string;
  at: string;
  tenant: string;
}
const sent: Sent[] = [];

/** 30 finished tasks over 3 names, 2 workers, 2 queues, 2 tenants: written and published as Celery does. */
beforeAll(async () => {
  const client = lens.redis.client();
  for (let i = 0; i < 30; i += 1) {
    const task: Sent = {
      id: randomUUID(),
      name: ['app.add', 'app.mail', 'app.report'][i % 3] as string,
      status: i % 5 === 0 ? 'FAILURE' : 'SUCCESS',
      worker: i % 2 === 0 ? 'w1@h' : 'w2@h',
      queue: i % 4 === 0 ? 'slow' : 'celery',
      at: doneAt(Math.floor(i / 10), i % 10),
      tenant: i % 2 === 0 ? 'acme' : 'globex',
    };
    sent.push(task);
    await writeMeta(
      client,
      {
        status: task.status,
        date_done: task.at,
        name: task.name,
        worker: task.worker,
        queue: task.queue,
        args: [],
        kwargs: { tenant: task.tenant, user_id: i },
        ...(task.status === 'FAILURE'
          ? { result: failure, traceback: 'Traceback…\nValueError: kaboom' }
          : { result: i }),
      },
      { id: task.id },
    );
  }
  await until(async () => (await client.hlen('celery-lens:{ix}:rec')) === 30);
});

const newestFirst = (tasks: Sent[]) =>
  [...tasks].sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id)).map((t) => t.id);

describe('searchTasks', () => {
  it('pages through each filter: exactly what was sent, newest first, full tasks as nodes', async () => {
    const cases: [TaskFilter, Sent[]][] = [
      [{}, sent],
      [{ status: ['FAILED'] }, sent.filter((t) => t.status === 'FAILURE')],
      [
        { status: ['SUCCEEDED'], name: 'app.mail' },
        sent.filter((t) => t.status === 'SUCCESS' && t.name === 'app.mail'),
      ],
      [{ namePrefix: 'app.re', worker: 'w1@h' }, sent.filter((t) => t.name === 'app.report' && t.worker === 'w1@h')],
      [{ queue: 'slow' }, sent.filter((t) => t.queue === 'slow')],
      [
        { since: iso(BASE + 60_000), until: iso(BASE + 65_000) },
        sent.filter((t) => t.at >= doneAt(1, 0) && t.at <= doneAt(1, 5)),
      ],
      [
        { kwargs: [{ key: 'tenant', value: 'acme' }], status: ['SUCCEEDED'] },
        sent.filter((t) => t.tenant === 'acme' && t.status === 'SUCCESS'),
      ],
    ];
    for (const [filter, expected] of cases) {
      const got: string[] = [];
      let after: string | null = null;
      for (;;) {
        const result: Result<IndexSearchQuery> = await execute(lens.app, Search, { filter, first: 4, after });
        expect(result.errors).toBeUndefined();
        const page = result.data?.searchTasks;
        got.push(...(page?.edges.map((edge) => edge.node.id) ?? []));
        expect(page?.totalCount).toBe(expected.length);
        if (!page?.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor ?? null;
      }
      expect(got).toEqual(newestFirst([...expected]));
    }
    const { data } = await execute(lens.app, Search, {
      filter: { status: ['FAILED'] },
      first: 1,
      order: 'OLDEST_FIRST',
    });
    const first = sent.find((t) => t.status === 'FAILURE');
    expect(data?.searchTasks.edges[0]?.node).toEqual({
      id: first?.id,
      state: 'FAILURE',
      status: 'FAILED',
      name: first?.name,
      worker: first?.worker,
      queue: first?.queue,
      kwargs: { tenant: 'acme', user_id: 0 },
    });
  });

  it('loads a page in one pipeline of range reads and one MGET, whatever its size', async () => {
    const client = lens.redis.client();
    const calls = async () => {
      const info = await client.info('commandstats');
      const count = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
      return {
        scripts: count('evalsha') + count('eval'),
        mget: count('mget'),
        ranges: count('zrevrangebyscore'),
        counts: count('zcount'),
      };
    };
    await execute(lens.app, Search, { first: 1 }); // the cursor keys are read at start, then once a minute
    // The failed tasks' combinations of name, worker and queue: the cells a FAILED filter reads.
    const failedCells = new Set(
      sent.filter((t) => t.status === 'FAILURE').map((t) => `${t.name} ${t.worker} ${t.queue}`),
    ).size;
    const cases: [TaskFilter, number][] = [
      [{}, 1],
      [{ status: ['FAILED'] }, failedCells],
    ];
    for (const [filter, cells] of cases) {
      const before = await calls();
      const { data } = await execute(lens.app, Search, { filter, first: 50 });
      expect(data?.searchTasks.edges.length).toBeGreaterThan(0);
      const after = await calls();
      // One range read per matching cell (every task: the set of all), one ZCOUNT each for totalCount.
      expect({
        scripts: after.scripts - before.scripts,
        mget: after.mget - before.mget,
        ranges: after.ranges - before.ranges,
        counts: after.counts - before.counts,
      }).toEqual({ scripts: 0, mget: 1, ranges: cells, counts: cells });
    }
  });

  it('refuses bad input with coded errors', async () => {
    const code = async (variables: Parameters<typeof execute<unknown, Record<string, unknown>>>[2]) =>
      (await execute(lens.app, Search, variables as never)).errors?.map((e) => e.extensions?.code);
    expect(await code({ first: 501 })).toEqual(['INVALID_ARGUMENT']);
    expect(await code({ first: -1 })).toEqual(['INVALID_ARGUMENT']);
    expect(await code({ filter: { since: iso(BASE + 3_600_000), until: iso(BASE) } })).toEqual(['INVALID_ARGUMENT']);
    expect(await code({ filter: { status: ['DONE'] } })).toEqual(['BAD_USER_INPUT']);
    expect(await code({ filter: { rootId: 'not-a-uuid' } })).toEqual(['INVALID_TASK_ID']);
    const unindexed = await execute(lens.app, Search, { filter: { kwargs: [{ key: 'email', value: 'a@b' }] } });
    expect(unindexed.errors?.[0]?.extensions?.code).toBe('INVALID_ARGUMENT');
    expect(unindexed.errors?.[0]?.message).toContain('--index-kwargs');
    const page = await execute(lens.app, Search, { first: 2 });
    const cursor = page.data?.searchTasks.pageInfo.endCursor as string;
    const [key, payload, mac] = cursor.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify([2, 0, sent[0]?.id, Date.now()])).toString('base64url');
    for (const after of [`${key}.${forged}.${mac}`, `${key}.${payload}.${mac.slice(1)}x`, 'garbage', ''])
      expect(await code({ first: 2, after })).toEqual(['INVALID_CURSOR']);
    // A cursor of another filter or order.
    expect(await code({ first: 2, after: cursor, order: 'OLDEST_FIRST' })).toEqual(['INVALID_CURSOR']);
    expect(await code({ first: 2, after: cursor, filter: { name: 'app.add' } })).toEqual(['INVALID_CURSOR']);
    expect(await code({ first: 2, after: cursor })).toBeUndefined();
  });
});

describe('taskStats and failures', () => {
  it('counts what was sent, per name, status, worker and queue, and per minute', async () => {
    const window = { since: iso(BASE - 60_000), until: iso(BASE + 600_000) };
    const count = (pick: (t: Sent) => string) => {
      const groups = new Map<string, number>();
      for (const t of sent) groups.set(pick(t), (groups.get(pick(t)) ?? 0) + 1);
      return Object.fromEntries(groups);
    };
    for (const [by, pick] of [
      ['NAME', (t: Sent) => t.name],
      ['WORKER', (t: Sent) => t.worker],
      ['QUEUE', (t: Sent) => t.queue],
      ['STATUS', (t: Sent) => (t.status === 'FAILURE' ? 'FAILED' : 'SUCCEEDED')],
    ] as const) {
      const { data, errors } = await execute(lens.app, Stats, { ...window, by });
      expect(errors).toBeUndefined();
      expect(Object.fromEntries(data?.taskStats.groups.map((g) => [g.key, g.total]) ?? [])).toEqual(count(pick));
    }
    const { data } = await execute(lens.app, Stats, { ...window, by: 'NAME' });
    const add = data?.taskStats.groups.find((g) => g.key === 'app.add');
    const adds = sent.filter((t) => t.name === 'app.add');
    const failed = adds.filter((t) => t.status === 'FAILURE').length;
    expect(add?.byStatus).toEqual(
      [
        { status: 'SUCCEEDED', count: adds.length - failed },
        { status: 'FAILED', count: failed },
      ].filter((c) => c.count > 0),
    );
    expect(add?.failureRate).toBeCloseTo(failed / adds.length);
    const perMinute = data?.taskStats.perMinute ?? [];
    expect(perMinute).toHaveLength(12);
    expect(perMinute.slice(1, 4)).toEqual(
      [0, 1, 2].map((m) => ({
        minute: iso(BASE + m * 60_000),
        succeeded: sent.filter((t) => minuteOf(t.at) === BASE + m * 60_000 && t.status === 'SUCCESS').length,
        failed: sent.filter((t) => minuteOf(t.at) === BASE + m * 60_000 && t.status === 'FAILURE').length,
      })),
    );
    const bad = await execute(lens.app, Stats, { since: window.until, until: window.since });
    expect(bad.errors?.[0]?.extensions?.code).toBe('INVALID_ARGUMENT');
  });

  it('groups failures by name and exception type, the latest first, with an example task', async () => {
    const { data, errors } = await execute(lens.app, Failures, { first: 2 });
    expect(errors).toBeUndefined();
    const failedTasks = sent.filter((t) => t.status === 'FAILURE');
    const names = [...new Set(failedTasks.map((t) => t.name))];
    expect(data?.failures.totalCount).toBe(names.length);
    const groups = [...(data?.failures.edges ?? [])];
    const next = await execute(lens.app, Failures, { first: 2, after: data?.failures.pageInfo.endCursor ?? null });
    groups.push(...(next.data?.failures.edges ?? []));
    expect(groups.map((e) => e.node.name).sort()).toEqual(names.sort());
    for (const { node } of groups) {
      const mine = failedTasks.filter((t) => t.name === node.name);
      const latest = newestFirst(mine)[0];
      expect(node).toMatchObject({
        exceptionType: 'ValueError',
        count: mine.length,
        example: { id: latest, state: 'FAILURE' },
      });
    }
  });
});

describe('taskEvents', () => {
  it('sends the changes of matching tasks only', async () => {
    const client = wsClient(lens.app.url);
    const sub = subscribe(client, Live, { filter: { status: ['FAILED'], name: 'app.live' } });
    await until(
      async () =>
        Number(((await lens.redis.client().pubsub('NUMSUB', 'celery-lens:{ix}:changes')) as unknown[])[1]) > 0,
    );
    const [ok, bad, other] = [randomUUID(), randomUUID(), randomUUID()];
    const redis = lens.redis.client();
    await writeMeta(redis, { status: 'SUCCESS', result: 1, date_done: celeryDate(), name: 'app.live' }, { id: ok });
    await writeMeta(
      redis,
      { status: 'FAILURE', result: failure, date_done: celeryDate(), name: 'app.other' },
      { id: other },
    );
    await writeMeta(
      redis,
      { status: 'FAILURE', result: failure, date_done: celeryDate(), name: 'app.live' },
      { id: bad },
    );
    await sub.waitFor(1);
    await publishEvents(redis, 0, [
      { type: 'task-received', uuid: randomUUID(), name: 'app.live', timestamp: Date.now() / 1000, hostname: 'w@h' },
    ]);
    // Whatever came after, only the failed app.live.
    await until(async () => (await redis.hlen('celery-lens:{ix}:rec')) >= 34);
    expect(sub.events).toEqual([{ taskEvents: { id: bad, state: 'FAILURE', status: 'FAILED', name: 'app.live' } }]);
    sub.stop();
    await client.dispose();
  });
});

describe('scopes, and the index turned off', () => {
  const STATUS_KEY = `status-${randomUUID()}`;
  const FULL_KEY = `full-${randomUUID()}`;
  const hash = (key: string) => createHash('sha256').update(key).digest('hex');
  let secured: Awaited<ReturnType<typeof startApp>>;
  let off: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    secured = await startApp(lens.redis.url(), [
      '--auth',
      'true',
      '--api-keys',
      `dash:${hash(STATUS_KEY)}:status,back:${hash(FULL_KEY)}:status+payload`,
      '--index-kwargs',
      'tenant',
      '--consume',
      'false',
    ]);
    off = await startApp(lens.redis.url(), ['--index', 'false', '--consume', 'false']);
  });
  afterAll(async () => {
    await secured?.stop();
    await off?.stop();
  });

  const post = async (app: { url: string }, key: string | null, query: string) => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as {
      data?: { searchTasks?: { totalCount: number }; viewer?: { indexedKwargs: string[] | null } } | null;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
  };
  const byTenant = '{ searchTasks(filter: { kwargs: [{ key: "tenant", value: "globex" }] }) { totalCount } }';

  it('filters on kwargs only with the payload scope', async () => {
    expect((await post(secured, FULL_KEY, byTenant)).data?.searchTasks?.totalCount).toBe(
      sent.filter((t) => t.tenant === 'globex').length,
    );
    const refused = await post(secured, STATUS_KEY, byTenant);
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const failed = '{ searchTasks(filter: { status: [FAILED] }) { totalCount } }';
    expect((await post(secured, STATUS_KEY, failed)).data?.searchTasks?.totalCount).toBe(
      (await post(lens.app, null, failed)).data?.searchTasks?.totalCount,
    );
  });

  it('tells which kwargs keys a caller may filter on: viewer.indexedKwargs, payload scope only, none with --index false', async () => {
    const keys = '{ viewer { principal indexedKwargs } }';
    expect((await post(secured, FULL_KEY, keys)).data?.viewer?.indexedKwargs).toEqual(['tenant']);
    const hidden = await post(secured, STATUS_KEY, keys);
    expect(hidden.data?.viewer?.indexedKwargs).toBeNull();
    expect(hidden.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await post(off, null, keys)).data?.viewer?.indexedKwargs).toEqual([]);
  });

  it('answers INDEX_DISABLED with --index false (taskStats: by WORKER or STATUS, which the rollups do not keep)', async () => {
    for (const query of [
      '{ searchTasks { totalCount } }',
      '{ taskStats(by: WORKER) { since } }',
      '{ failures { totalCount } }',
    ]) {
      expect((await post(off, null, query)).errors?.map((e) => e.extensions?.code)).toEqual(['INDEX_DISABLED']);
    }
    // By name or queue, taskStats answers from the rollups.
    const stats = await post(off, null, '{ taskStats(by: QUEUE) { groups { key } buckets { start } } }');
    expect(stats.errors).toBeUndefined();
  });
});
