/**
 * The task index' costs (issue 15), printed as a table:
 *
 *   npm run bench:index                      (about 2 minutes here)
 *   npm run bench:index -- --tasks 200000    a smaller fill
 *   npm run bench:index -- --profile DIR     the server under node --cpu-prof
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
 * same layout the script writes, checked against it), so it takes seconds
 * rather than replaying a million events.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { HistoryStore } from '../src/store/history-store.ts';
import { lensKeys } from '../src/store/lens-keys.ts';
import { TaskIndex } from '../src/store/index/task-index.ts';
import type { TaskEvent, TaskEventType } from '../src/celery/events.ts';
import { startRedis } from '../test/helpers/redis-server.ts';
import { startLens } from './lib/processes.ts';
import { commandCalls, memoryOf, percentile } from './lib/stats.ts';
import { taskEvent } from '../test/helpers/task-event.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '400' },
    profile: { type: 'string' },
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

/** The cells a deployment of 20 task names, 4 workers and 2 queues fills; statuses weighted as a quiet day's. */
const NAMES = Array.from({ length: 20 }, (_, i) => `proj.tasks.t${String(i).padStart(2, '0')}`);
const STATUSES = [
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'FAILED',
  'RUNNING',
  'QUEUED',
];

/** Writes `count` tasks' index entries in the script's layout, and a 1,000-task workflow; Celery metas for the newest 60,000. */
async function fill(redis: Redis, prefix: string, count: number) {
  const cells = new Map<string, string>();
  const cellOf = (desc: string) => {
    let n = cells.get(desc);
    if (!n) {
      n = String(cells.size + 1);
      cells.set(desc, n);
    }
    return n;
  };
  const now = Date.now();
  const span = 6 * 86_400_000;
  const root = randomUUID();
  const workflow: string[] = [];
  let pipeline = redis.pipeline();
  for (let i = 0; i < count; i += 1) {
    const id = i === 0 ? root : randomUUID();
    const inWorkflow = i < 1000;
    // Oldest first, distinct milliseconds; the workflow among the newest.
    const at = inWorkflow ? now - 60_000 + i : now - span + Math.floor((i * span) / count);
    const pick = (n: number) => Math.floor(Math.random() * n);
    const status = STATUSES[pick(STATUSES.length)] as string;
    const desc = [
      status,
      NAMES[pick(NAMES.length)],
      `celery@worker-${pick(4)}`,
      `q${pick(2)}`,
      status === 'FAILED' ? 'ValueError' : '',
    ].join('\x1f');
    const cell = cellOf(desc);
    const rootOf = inWorkflow && i > 0 ? root : '';
    if (inWorkflow) workflow.push(id);
    pipeline.hset(`${prefix}rec`, id, [cell, at, rootOf, status === 'SUCCEEDED' ? '0.0123' : '', ''].join('\x1f'));
    pipeline.zadd(`${prefix}all`, at, id).zadd(`${prefix}c:${cell}`, at, id);
    if (rootOf) pipeline.zadd(`${prefix}r:${root}`, at, id);
    if (count - i <= 60_000 || inWorkflow) {
      const meta = {
        status: status === 'SUCCEEDED' ? 'SUCCESS' : status === 'FAILED' ? 'FAILURE' : 'STARTED',
        result: 1,
        traceback: null,
        children: [],
        date_done: null,
        name: 'x',
        task_id: id,
      };
      pipeline.setex(`celery-task-meta-${id}`, 86_400, JSON.stringify(meta));
    }
    if (pipeline.length >= 20_000) {
      await pipeline.exec();
      pipeline = redis.pipeline();
    }
  }
  for (const [desc, n] of cells) pipeline.hset(`${prefix}cells`, n, desc).hset(`${prefix}cellid`, desc, n);
  pipeline.set(`${prefix}cellseq`, cells.size);
  await pipeline.exec();
  return { root, workflow, cells: cells.size };
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

async function searches(lens: Lens, root: string, redis: Redis) {
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
  await redis.config('RESETSTAT');
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
  const stats = await redis.info('commandstats');
  const usec = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=\\d+,usec=(\\d+)`).exec(stats)?.[1] ?? 0);
  // Redis' own time for the pages' reads (range reads and the registry check, 3 pages a turn; the nodes' MGET/EXISTS, 4 reads of 50 a turn).
  const findUs = (usec('zrevrangebyscore') + usec('zrangebyscore') + usec('hlen')) / (3 * REQUESTS);
  const nodesUs = (usec('mget') + usec('exists')) / (4 * REQUESTS);
  const line = ({ ms, cpuSeconds }: Measured) =>
    `p50 ${fmt(percentile(ms, 50))} ms, p95 ${fmt(percentile(ms, 95))} ms, p99 ${fmt(percentile(ms, 99))} ms; server CPU ${fmt((cpuSeconds * 1000) / ms.length)} ms a request`;
  rows.push([
    `I2 searchTasks status+name, first page of 50 (${TASKS.toLocaleString('en')} indexed)`,
    line(first),
    "goal p99 < 20 ms; every edge's cursor selected",
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

const { loadavg } = await import('node:os');
const redisServer = await startRedis();
try {
  const redis = redisServer.client();
  await writes(redis);
  const prefix = lensKeys('celery-lens:').index;
  const started = performance.now();
  const { root, cells } = await fill(redis, prefix, TASKS);
  console.error(`filled ${TASKS} tasks in ${fmt((performance.now() - started) / 1000, 1)} s (${cells} cells)`);
  const memory = await memoryOf(redis, `${prefix}*`);
  rows.push([
    `I1 Redis bytes per indexed task (${TASKS.toLocaleString('en')}, bulk fill)`,
    fmt(memory.bytes / TASKS, 0),
    `${memory.keys} keys`,
  ]);
  // The bulk layout is the script's: a task written through the script after it lands beside the others.
  const check = new TaskIndex(redis, prefix, { maxTasks: TASKS + 10, retentionSeconds: 7 * 86400 });
  const found = await check.search({ statuses: ['SUCCEEDED'], name: NAMES[3] }, 'desc', 50, null);
  if (found.entries.length !== 50) throw new Error('the bulk fill is not readable by the index');
  // --profile DIR: the server runs under node --cpu-prof, its profile written to DIR when it stops.
  const lens = await startLens(
    redisServer.url(0),
    [],
    values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [],
  );
  try {
    await searches(lens, root, redis);
  } finally {
    await lens.stop();
  }
} finally {
  await redisServer.stop();
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
