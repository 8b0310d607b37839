/**
 * Issue 15's optional comparison: the same page of tasks from celery-lens'
 * `searchTasks` and from Flower's `/api/tasks`, both fed the same Celery
 * events (Celery's own event Dispatcher, bench/flower_events.py) on one
 * private redis-server:
 *
 *   npm run bench:flower -- --flower-src DIR [--tasks 100000] [--requests 200]
 *
 * DIR is a checkout of github.com/mher/flower (v2.0.1 runs on Debian's
 * Celery 5.2 and tornado 6.2; the bench installs python3-tornado,
 * python3-humanize and python3-prometheus-client when missing). Flower is
 * not a dependency of celery-lens and is never downloaded by it.
 *
 * Measured: the time each takes to take in every event; then for a page of
 * (up to) 50 failed tasks of one name, latency percentiles and server CPU
 * per request, requests alternating, for a common failure (every task of
 * one name in ten) and a rare one (one in a hundred tasks of another
 * name); then memory: how much each process' RSS grew, and the Redis
 * bytes of celery-lens' own keys by kind (index, event history,
 * tombstones, resume log; Celery's result keys apart).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedis } from '../test/helpers/redis-server.ts';
import { until } from '../test/helpers/until.ts';
import { type Served, startFlower, startLens } from './lib/processes.ts';
import { memoryOf, percentile } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    'flower-src': { type: 'string' },
    tasks: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '200' },
  },
});
const src = values['flower-src'];
if (!src) {
  console.error(
    "bench:flower needs Flower's source: git clone https://github.com/mher/flower && git -C flower checkout v2.0.1, then --flower-src flower",
  );
  process.exit(2);
}
const TASKS = Number(values.tasks);
const REQUESTS = Number(values.requests);
const fmt = (n: number, digits = 2) => n.toFixed(digits);

function ensurePythonDeps(): void {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import tornado, humanize, prometheus_client'], { stdio: 'ignore' });
  } catch {
    if (process.getuid?.() !== 0)
      throw new Error('Flower needs: apt-get install python3-tornado python3-humanize python3-prometheus-client');
    console.error("bench:flower: installing Flower's Python dependencies (apt-get)…");
    execFileSync(
      'apt-get',
      ['install', '-y', '-qq', 'python3-tornado', 'python3-humanize', 'python3-prometheus-client'],
      { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
    );
  }
}

interface Sent {
  readonly last: string;
  readonly failed: Record<string, number>;
  readonly names: string[];
}

async function sendEvents(brokerUrl: string): Promise<Sent> {
  const out = join(mkdtempSync(join(tmpdir(), 'lens-flower-')), 'sent.json');
  const child = spawn('/usr/bin/python3', ['bench/flower_events.py', brokerUrl, String(TASKS), out], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench/flower_events.py exited ${code}`);
  return JSON.parse(readFileSync(out, 'utf8')) as Sent;
}

const SEARCH = `query Page($name: String!) {
  searchTasks(filter: { status: [FAILED], name: $name }, first: 50) {
    totalCount
    edges { node { id name status args kwargs worker receivedAt startedAt runtime error { type message } } }
  }
}`;

type Page = { ids: string[]; states: string[]; names: string[]; total?: number };

async function lensPage(lens: Served, name: string): Promise<Page> {
  const response = await fetch(lens.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: SEARCH, variables: { name } }),
  });
  const body = (await response.json()) as {
    data?: { searchTasks: { totalCount: number; edges: { node: { id: string; status: string; name: string } }[] } };
    errors?: unknown;
  };
  if (!body.data) throw new Error(`searchTasks answered ${JSON.stringify(body.errors)}`);
  const nodes = body.data.searchTasks.edges.map((edge) => edge.node);
  // `status`: with events alone there is no result key, and `state` is what AsyncResult would say (PENDING).
  return {
    ids: nodes.map((n) => n.id),
    states: nodes.map((n) => n.status),
    names: nodes.map((n) => n.name),
    total: body.data.searchTasks.totalCount,
  };
}

/** The last task's runtime, which only its task-succeeded or task-failed event tells (its result is stored before it). */
async function lensRuntime(lens: Served, id: string): Promise<number | null> {
  const response = await fetch(lens.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query Last($id: ID!) { task(id: $id) { runtime } }', variables: { id } }),
  });
  return ((await response.json()) as { data?: { task?: { runtime: number | null } } }).data?.task?.runtime ?? null;
}

async function flowerPage(flower: Served, name: string): Promise<Page> {
  const response = await fetch(`${flower.url}/api/tasks?limit=50&state=FAILURE&taskname=${encodeURIComponent(name)}`);
  const body = (await response.json()) as Record<string, { uuid: string; state: string; name: string }>;
  const tasks = Object.values(body);
  return { ids: tasks.map((t) => t.uuid), states: tasks.map((t) => t.state), names: tasks.map((t) => t.name) };
}

/** Every answer must be a full page of that name's failures, or the timing means nothing. */
function checkPage(who: 'lens' | 'flower', page: Page, name: string, size: number): void {
  const failed = who === 'lens' ? 'FAILED' : 'FAILURE';
  if (page.ids.length !== size || page.states.some((s) => s !== failed) || page.names.some((n) => n !== name)) {
    throw new Error(
      `${who} answered a page that is not 50 failed tasks of ${name}: ${page.ids.length} tasks, states ${[...new Set(page.states)].join(',')}, names ${[...new Set(page.names)].join(',')}`,
    );
  }
}

/** Latency and server CPU of a page from each, requests alternating after a warm-up; rows for the table. */
async function timePages(lens: Served, flower: Served, name: string, size: number, label: string): Promise<string[]> {
  const times = { lens: [] as number[], flower: [] as number[] };
  const cpu = { lens: 0, flower: 0 };
  for (let i = 0; i < REQUESTS + 10; i += 1) {
    for (const [who, server, page] of [
      ['lens', lens, lensPage],
      ['flower', flower, flowerPage],
    ] as const) {
      const cpuBefore = server.cpuSeconds();
      const at = performance.now();
      const answer = await page(server, name);
      const took = performance.now() - at;
      checkPage(who, answer, name, size);
      if (i < 10) continue; // warm-up
      times[who].push(took);
      cpu[who] += server.cpuSeconds() - cpuBefore;
    }
  }
  return (['lens', 'flower'] as const).map((who) => {
    const how =
      who === 'lens'
        ? 'celery-lens searchTasks(status: FAILED, name, first: 50)'
        : 'Flower /api/tasks?state=FAILURE&taskname=…&limit=50';
    return `${label}, ${how}: p50 ${fmt(percentile(times[who], 50))} ms, p99 ${fmt(percentile(times[who], 99))} ms, server CPU ${fmt((cpu[who] * 1000) / REQUESTS)} ms a request (${REQUESTS} requests)`;
  });
}

ensurePythonDeps();
// celery-lens runs from dist/, as `npm start` runs it.
execFileSync(process.execPath, [new URL('../scripts/ensure-build.mjs', import.meta.url).pathname], {
  stdio: 'inherit',
});
const redis = await startRedis();
const client = redis.client();
// Flower reads events more slowly than they are sent: Redis must not drop its subscription for a full output buffer.
await client.config('SET', 'client-output-buffer-limit', 'pubsub 0 0 0');
// Defaults, but an index big enough for every task sent.
const lens = await startLens(redis.url(), TASKS > 1_000_000 ? ['--index-max-tasks', String(TASKS)] : []);
const flower = await startFlower(redis.url(), src, TASKS);
const rows: string[] = [];
try {
  // Both subscribed to the event channels before anything is sent (pub/sub keeps nothing for latecomers).
  await until(async () => Number(await client.pubsub('NUMPAT')) >= 2, 30_000);
  const rssBefore = { lens: lens.rssKiB(), flower: flower.rssKiB() };
  const started = performance.now();
  const sent = await sendEvents(redis.url());
  const sentIn = performance.now() - started;
  const [common, rare] = [sent.names[3] as string, sent.names[7] as string];
  let lensIn = Number.NaN;
  let flowerIn = Number.NaN;
  await until(async () => {
    if (
      Number.isNaN(lensIn) &&
      (await lensPage(lens, common)).total === sent.failed[common] &&
      (await lensRuntime(lens, sent.last)) !== null
    ) {
      lensIn = performance.now() - started;
    }
    if (Number.isNaN(flowerIn)) {
      const info = await fetch(`${flower.url}/api/task/info/${sent.last}`);
      if (info.ok && ['SUCCESS', 'FAILURE'].includes(((await info.json()) as { state?: string }).state ?? ''))
        flowerIn = performance.now() - started;
    }
    return !Number.isNaN(lensIn) && !Number.isNaN(flowerIn);
  }, 15 * 60_000);
  // Within a second of the sender's own time: it took events in as fast as one Python process sends them.
  const pace = (ms: number) => `${fmt(ms / 1000, 1)} s${ms - sentIn < 1000 ? ' (kept up)' : ''}`;
  rows.push(
    `${TASKS} tasks' events (4 a task) and results, sent in ${fmt(sentIn / 1000, 1)} s by one Python process; every one taken in after ${pace(lensIn)} by celery-lens, ${pace(flowerIn)} by Flower`,
  );
  for (const [name, label] of [
    [common, 'common failure (a tenth of all tasks)'],
    [rare, 'rare failure (one in 1,000 tasks)'],
  ] as const) {
    rows.push(
      ...(await timePages(
        lens,
        flower,
        name,
        Math.min(50, sent.failed[name] ?? 0),
        `${label}, ${sent.failed[name]} matching`,
      )),
    );
  }
  // celery-lens' keys by what they are for, and what each keeps them (lens-keys.ts).
  const kinds = [
    ['index', ['ix:*']],
    ['event history (kept a day past --result-expires)', ['task:*', 'events:*', 'children:*', 'group:*']],
    ['tombstones (--tombstone-days)', ['tomb:*']],
    ['resume log (--resume-window)', ['states:*', 'state-values:*']],
  ] as const;
  const parts: string[] = [];
  for (const [kind, patterns] of kinds) {
    let bytes = 0;
    for (const pattern of patterns) bytes += (await memoryOf(client, `celery-lens:${pattern}`)).bytes;
    parts.push(`${kind} ${fmt(bytes / TASKS, 0)}`);
  }
  const celeryBytes = (await memoryOf(client, 'celery-task-meta-*')).bytes;
  const growth = (server: Served, before: number) => (server.rssKiB() - before) / 1024;
  rows.push(
    `memory for ${TASKS} tasks: celery-lens' RSS grew ${fmt(growth(lens, rssBefore.lens), 1)} MiB; its Redis keys, bytes a task: ${parts.join(', ')}; Flower's RSS grew ${fmt(growth(flower, rssBefore.flower), 1)} MiB (${fmt((growth(flower, rssBefore.flower) * 1024 * 1024) / TASKS, 0)} bytes a task); Celery's own result keys ${fmt(celeryBytes / TASKS, 0)} bytes a task`,
  );
} finally {
  await Promise.all([lens.stop(), flower.stop()]);
  client.disconnect();
  await redis.stop();
}
console.log(`\nbench:flower (${new Date().toISOString().slice(0, 16)}Z, node ${process.version})`);
for (const row of rows) console.log(`- ${row}`);
