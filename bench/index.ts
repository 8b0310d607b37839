/**
 * The task index' costs (issue 15), printed as a table:
 *
 *   npm run bench:index                      (about 2 minutes here)
 *   npm run bench:index -- --tasks 200000    a smaller fill
 *   npm run bench:index -- --profile DIR     the server under node --cpu-prof
 *   npm run bench:index -- --cluster         the store on a 3-primary Redis Cluster (the
 *                                            index in 8 shards, as --index-shards auto)
 *
 * I1 writes: commands and round trips per 24-event batch (a worker's
 *    task.multi) with the index and without, the Redis time its script takes,
 *    and Redis bytes per indexed task (MEMORY USAGE of every index key,
 *    summed), for tasks written through the consumer's own path.
 * I2 searchTasks, a page of 50 filtered by status and name, over HTTP to
 *    celery-lens in production mode (the bin), with --tasks (1,000,000)
 *    indexed: latency percentiles and the server's CPU time per request,
 *    first pages, next pages, first pages without a cursor per edge, and
 *    tasks(ids) of the same 50 tasks, taking turns in batches of 50.
 * I3 a rootId listing of a 1,000-task workflow (two pages of 500).
 *
 * The big fill writes the index' entries directly in bulk (pipelines of the
 * same layout the script writes, shard by shard, checked against it:
 * lib/index-fill.ts), so it takes seconds rather than replaying a million
 * events. With --cluster, I1 still runs on the plain Redis (the backend);
 * I2 and I3 ask celery-lens started with --store redis+cluster://, and
 * Redis' own times are summed over the primaries.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { HistoryStore } from '../src/store/history-store.ts';
import { lensKeys } from '../src/store/lens-keys.ts';
import { TaskIndex } from '../src/store/index/task-index.ts';
import type { TaskEvent, TaskEventType } from '../src/celery/events.ts';
import { startRedis } from '../test/helpers/redis-server.ts';
import { type RedisCluster, startRedisCluster } from '../test/helpers/redis-cluster.ts';
import { createCluster } from '../src/redis/cluster-connection.ts';
import { parseStoreUrl } from '../src/redis/cluster-url.ts';
import type { StoreRedis } from '../src/redis/store-redis.ts';
import { CLUSTER_INDEX_SHARDS } from '../src/config/config.ts';
import { NAMES, fillIndex } from './lib/index-fill.ts';
import { startLens } from './lib/processes.ts';
import { commandCalls, memoryOf, percentile } from './lib/stats.ts';
import { taskEvent } from '../test/helpers/task-event.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '400' },
    profile: { type: 'string' },
    cluster: { type: 'boolean', default: false },
  },
});
const TASKS = Number(values.tasks);
const REQUESTS = Number(values.requests);
const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const rows: [string, string, string][] = [];

const event = (type: TaskEventType, taskId: string, at: number, extra: Partial<TaskEvent> = {}) =>
  taskEvent(type, taskId, at, { hostname: 'celery@worker-1', rootId: taskId, retries: 0, ...extra });

/** I1: 6,000 tasks' lives (sent, received, started, succeeded) in batches of 24 events, through HistoryStore, with and without the index. */
async function writes(redis: Redis) {
  const count = 6000;
  const run = async (withIndex: boolean) => {
    const keys = lensKeys(`bench-${withIndex ? 'ix' : 'no'}-${randomUUID().slice(0, 8)}:`);
    const index = withIndex
      ? new TaskIndex(redis, keys.index, { maxTasks: 1_000_000, retentionSeconds: 7 * 86400 })
      : null;
    const history = new HistoryStore(redis, keys, { historyTtlSeconds: 86400, tombstoneTtlSeconds: 86400, index });
    const events: TaskEvent[] = [];
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < count; i += 1) {
      const id = randomUUID();
      const at = t0 + i * 10;
      const name = `proj.tasks.t${String(i % 20).padStart(2, '0')}`;
      events.push(
        event('task-sent', id, at, { name, queue: `q${i % 2}`, hostname: 'client@web-1' }),
        event('task-received', id, at + 1, { name, hostname: `celery@worker-${i % 4}` }),
        event('task-started', id, at + 2, { hostname: `celery@worker-${i % 4}` }),
        event('task-succeeded', id, at + 5, { runtime: 0.003, hostname: `celery@worker-${i % 4}` }),
      );
    }
    await redis.config('RESETSTAT');
    const started = performance.now();
    let batches = 0;
    for (let from = 0; from < events.length; from += 24) {
      await history.recordEvents(events.slice(from, from + 24));
      batches += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    const calls = await commandCalls(redis);
    const stats = await redis.info('commandstats');
    const scriptUsec =
      Number(/cmdstat_evalsha:calls=\d+,usec=(\d+)/.exec(stats)?.[1] ?? 0) +
      Number(/cmdstat_eval:calls=\d+,usec=(\d+)/.exec(stats)?.[1] ?? 0);
    const sent = (calls.evalsha ?? 0) + (calls.eval ?? 0);
    // Commands the client sent: every call but those the scripts ran inside Redis, told apart by running the same without the index.
    return {
      keys,
      batches,
      seconds,
      calls,
      scripts: sent,
      scriptUsec,
      total: Object.values(calls).reduce((a, b) => a + b, 0),
    };
  };
  const without = await run(false);
  const withIndex = await run(true);
  const clientSent = without.total - (without.calls.config ?? 0);
  rows.push([
    'I1 commands sent per 24-event batch',
    `${fmt((clientSent + withIndex.scripts) / withIndex.batches, 1)} with the index (1 EVALSHA more)`,
    `${fmt(clientSent / without.batches, 1)} without; 1 round trip either way`,
  ]);
  rows.push([
    'I1 index script, Redis time per batch',
    `${fmt(withIndex.scriptUsec / withIndex.scripts, 0)} µs (${fmt((withIndex.total - without.total - withIndex.scripts) / withIndex.batches, 0)} commands inside)`,
    `batches: ${fmt((without.seconds * 1000) / without.batches, 2)} ms without, ${fmt((withIndex.seconds * 1000) / withIndex.batches, 2)} ms with (wall, this loaded machine)`,
  ]);
  const memory = await memoryOf(redis, `${withIndex.keys.index}*`);
  rows.push([
    'I1 Redis bytes per indexed task (6,000 via the consumer)',
    fmt(memory.bytes / count, 0),
    `goal ≤ 512; ${memory.keys} keys`,
  ]);
}

async function timed(
  url: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<{
  ms: number;
  body: { data?: { searchTasks: { edges: unknown[]; pageInfo: { endCursor: string | null } } }; errors?: unknown[] };
}> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Awaited<ReturnType<typeof timed>>['body'];
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { ms: performance.now() - started, body };
}

const PAGE = `query ($filter: TaskFilter, $first: Int, $after: String) {
  searchTasks(filter: $filter, first: $first, after: $after) { edges { cursor node { id state status name } } pageInfo { hasNextPage endCursor } }
}`;

const TASKS_QUERY = `query ($ids: [ID!]!) { tasks(ids: $ids) { id state status name } }`;

/** A page as a client that pages by pageInfo asks it: no cursor per edge. */
const PAGE_NO_EDGE_CURSORS = PAGE.replace('edges { cursor node', 'edges { node');

type Lens = Awaited<ReturnType<typeof startLens>>;

interface Measured {
  readonly ms: number[];
  /** The server's CPU time, summed over the shape's batches. */
  cpuSeconds: number;
}

/**
 * Each shape's requests, one after another, in batches of ROUND taking turns
 * (first pages, next pages, …): latencies, and the server's CPU time per
 * request (from /proc: what the machine's load does not inflate), each shape
 * measured over the same stretch of the run, so that none alone pays for the
 * process warming up or a busier minute.
 */
async function rounds(
  lens: Lens,
  count: number,
  shapes: readonly ((i: number) => Promise<number>)[],
): Promise<Measured[]> {
  const ROUND = 50;
  const measured: Measured[] = shapes.map(() => ({ ms: [], cpuSeconds: 0 }));
  for (let from = 0; from < count; from += ROUND) {
    for (const [k, request] of shapes.entries()) {
      const into = measured[k] as Measured;
      const cpu = lens.cpuSeconds();
      for (let i = from; i < Math.min(from + ROUND, count); i += 1) into.ms.push(await request(i));
      into.cpuSeconds += lens.cpuSeconds() - cpu;
    }
  }
  return measured;
}

/** Each command's Redis time (µs) since the last RESETSTAT, summed over `nodes` (the primaries of a cluster). */
async function usecOf(nodes: readonly Redis[]): Promise<(name: string) => number> {
  const stats = await Promise.all(nodes.map((node) => node.info('commandstats')));
  return (name) =>
    stats.reduce(
      (sum, each) => sum + Number(new RegExp(`cmdstat_${name}:calls=\\d+,usec=(\\d+)`).exec(each)?.[1] ?? 0),
      0,
    );
}

async function searches(lens: Lens, root: string, nodes: readonly Redis[]) {
  const url = lens.url;
  const filter = (i: number) => ({ status: ['SUCCEEDED'], name: NAMES[i % NAMES.length] });
  // Warm-up, so that no phase pays for the JIT alone: each query shape 100 times.
  for (let i = 0; i < 100; i += 1) {
    const page = await timed(url, PAGE, { filter: filter(i), first: 50 });
    await timed(url, PAGE_NO_EDGE_CURSORS, {
      filter: filter(i),
      first: 50,
      after: page.body.data?.searchTasks.pageInfo.endCursor,
    });
    await timed(url, TASKS_QUERY, {
      ids: ((page.body.data?.searchTasks.edges ?? []) as { node: { id: string } }[]).map((edge) => edge.node.id),
    });
  }
  await Promise.all(nodes.map((node) => node.config('RESETSTAT')));
  const pages: { ids: string[]; endCursor: string | null }[] = [];
  const [first, next, bare, baseline] = (await rounds(lens, REQUESTS, [
    async (i) => {
      const page = await timed(url, PAGE, { filter: filter(i), first: 50 });
      const edges = (page.body.data?.searchTasks.edges ?? []) as { node: { id: string } }[];
      if (edges.length !== 50) throw new Error('a page of fewer than 50');
      pages[i] = {
        ids: edges.map((edge) => edge.node.id),
        endCursor: page.body.data?.searchTasks.pageInfo.endCursor ?? null,
      };
      return page.ms;
    },
    async (i) => (await timed(url, PAGE, { filter: filter(i), first: 50, after: pages[i]?.endCursor })).ms,
    async (i) => (await timed(url, PAGE_NO_EDGE_CURSORS, { filter: filter(i), first: 50 })).ms,
    // The same 50 tasks by id: what the page costs beyond finding them.
    async (i) => (await timed(url, TASKS_QUERY, { ids: pages[i]?.ids ?? [] })).ms,
  ])) as [Measured, Measured, Measured, Measured];
  const usec = await usecOf(nodes);
  // Redis' own time for the pages' reads (range reads and the registry check, 3 pages a turn; the nodes' MGET/EXISTS, 4 reads of 50 a turn).
  const findUs = (usec('zrevrangebyscore') + usec('zrangebyscore') + usec('hlen')) / (3 * REQUESTS);
  const nodesUs = (usec('mget') + usec('exists')) / (4 * REQUESTS);
  const line = ({ ms, cpuSeconds }: Measured) =>
    `p50 ${fmt(percentile(ms, 50))} ms, p95 ${fmt(percentile(ms, 95))} ms, p99 ${fmt(percentile(ms, 99))} ms; server CPU ${fmt((cpuSeconds * 1000) / ms.length)} ms a request`;
  rows.push([
    `I2 searchTasks status+name, first page of 50 (${TASKS.toLocaleString('en')} indexed)`,
    line(first),
    `goal p99 < 20 ms; every edge's cursor selected${values.cluster ? '; store: 3-primary cluster, 8 index shards' : ''}`,
  ]);
  rows.push([
    'I2 … the next page (after: endCursor)',
    line(next),
    `Redis time a page: ${fmt(findUs, 0)} µs finding the ids, ${fmt(nodesUs, 0)} µs reading the 50 tasks`,
  ]);
  rows.push([
    'I2 … first page, no cursor per edge (pageInfo only)',
    line(bare),
    'how a client that pages by endCursor asks',
  ]);
  rows.push(['I2 baseline: tasks(ids) of the same 50 ids', line(baseline), 'the nodes alone (one MGET)']);
  const listing: number[] = [];
  for (let i = 0; i < 50; i += 1) {
    const one = await timed(url, PAGE, { filter: { rootId: root }, first: 500 });
    const two = await timed(url, PAGE, {
      filter: { rootId: root },
      first: 500,
      after: one.body.data?.searchTasks.pageInfo.endCursor,
    });
    if ((one.body.data?.searchTasks.edges.length ?? 0) + (two.body.data?.searchTasks.edges.length ?? 0) !== 1000)
      throw new Error('the workflow listing is not 1,000 tasks');
    listing.push(one.ms + two.ms);
  }
  rows.push([
    'I3 rootId listing of a 1,000-task workflow (2 pages of 500)',
    `p50 ${fmt(percentile(listing, 50))} ms, p99 ${fmt(percentile(listing, 99))} ms`,
    'whole listing, both pages',
  ]);
}

/** `read()`, again while it fails, for up to 10 s. */
async function readable<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const { loadavg } = await import('node:os');
const redisServer = await startRedis();
const cluster: RedisCluster | null = values.cluster ? await startRedisCluster(3) : null;
try {
  const redis = redisServer.client();
  await writes(redis);
  const prefix = lensKeys('celery-lens:').index;
  const shards = cluster ? CLUSTER_INDEX_SHARDS : 1;
  const storeUrl = cluster ? `redis+cluster://${cluster.ports.map((port) => `127.0.0.1:${port}`).join(',')}` : null;
  // The primaries, for memory and Redis times; the store as celery-lens connects to it (pipelines split per node).
  const nodes: Redis[] = cluster ? cluster.ports.map((port) => new Redis({ port, host: '127.0.0.1' })) : [redis];
  const store: StoreRedis = storeUrl
    ? createCluster(parseStoreUrl(storeUrl), { commandTimeoutMs: 60_000, connectionName: 'bench', role: 'store' })
    : redis;
  if (storeUrl) await store.connect();
  const started = performance.now();
  const { root, cells } = await fillIndex(cluster ? cluster.client() : redis, redis, prefix, TASKS, shards);
  console.error(
    `filled ${TASKS} tasks in ${fmt((performance.now() - started) / 1000, 1)} s (${shards} shard(s), ${cells} cells)`,
  );
  const pattern = cluster ? `${prefix.slice(0, -'{ix}:'.length)}{ix:*` : `${prefix}*`;
  const memory = (await Promise.all(nodes.map((node) => memoryOf(node, pattern)))).reduce(
    (sum, each) => ({ bytes: sum.bytes + each.bytes, keys: sum.keys + each.keys }),
    { bytes: 0, keys: 0 },
  );
  rows.push([
    `I1 Redis bytes per indexed task (${TASKS.toLocaleString('en')}, bulk fill${cluster ? ', 3-primary cluster' : ''})`,
    fmt(memory.bytes / TASKS, 0),
    `${memory.keys} keys`,
  ]);
  // The bulk layout is the script's: a task written through the script after it lands beside the others.
  const check = new TaskIndex(store, prefix, { maxTasks: TASKS + 10, retentionSeconds: 7 * 86400, shards });
  // A cluster client connects to each node on its first command (and refuses commands meanwhile: no offline queue).
  const found = await readable(() => check.search({ statuses: ['SUCCEEDED'], name: NAMES[3] }, 'desc', 50, null));
  if (found.entries.length !== 50) throw new Error('the bulk fill is not readable by the index');
  // --profile DIR: the server runs under node --cpu-prof, its profile written to DIR when it stops.
  const lens = await startLens(
    redisServer.url(0),
    storeUrl ? ['--store', storeUrl] : [],
    values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [],
  );
  try {
    // Redis' times: the store's nodes, and the backend's (the tasks' MGET) when it is apart.
    await searches(lens, root, cluster ? [...nodes, redis] : nodes);
  } finally {
    await lens.stop();
    if (storeUrl) store.disconnect();
    for (const node of nodes) if (node !== redis) node.disconnect();
  }
} finally {
  await Promise.all([redisServer.stop(), cluster?.stop()]);
}

rows.push([
  'machine load (1-minute average at the end, 2 cores)',
  fmt(loadavg()[0] ?? Number.NaN, 1),
  'latencies grow with it',
]);
const width = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0), 8));
console.log(`| ${['case', 'celery-lens', 'note'].map((h, c) => h.padEnd(width[c] ?? 0)).join(' | ')} |`);
console.log(`| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const row of rows) console.log(`| ${row.map((cell, c) => cell.padEnd(width[c] ?? 0)).join(' | ')} |`);
