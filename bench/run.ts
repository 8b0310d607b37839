/**
 * celery-lens benchmarks, each against a baseline measured in the same run:
 *
 *   npm run bench                    all cases (about 3 minutes here)
 *   npm run bench -- --only P1,P2    some of them
 *
 * P1 task(id) over HTTP vs a bare node:http handler doing the same Redis reads
 * P2 tasks(ids) of 100 and 1,000 ids vs a raw MGET of the same keys
 * P3 idle graphql-ws subscriptions: RSS per subscription, Redis connections
 * P4 fan-out latency to 10,000 subscribers at 100 and 1,000 updates/s
 * P5 awaiting 1,000 tasks by subscription vs polling AsyncResult(id).state every 500 ms
 *
 * It starts its own redis-server, runs celery-lens in its own process in
 * production mode, and prints a table. Numbers depend on the machine.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Redis } from 'ioredis';
import { ensureCelery } from '../test/helpers/celery.ts';
import { startRedis } from '../test/helpers/redis-server.ts';
import { type Served, startBare, startLens } from './lib/processes.ts';
import { commandCalls, mean, percentile, sleep } from './lib/stats.ts';
import { openSubscribers } from './lib/subscribers.ts';

const { values } = parseArgs({ options: { only: { type: 'string', default: 'P1,P2,P3,P4,P5' }, seconds: { type: 'string', default: '5' } } });
const only = new Set((values.only ?? '').split(','));
const SECONDS = Number(values.seconds);

interface Row {
  case: string;
  lens: string;
  baseline: string;
  ratio: string;
  target: string;
}
const rows: Row[] = [];
const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const now = () => performance.timeOrigin + performance.now();

function celeryMeta(id: string, status: string, result: unknown): string {
  return JSON.stringify({ status, result, traceback: null, children: [], date_done: status === 'SUCCESS' ? new Date().toISOString().slice(0, -1) : null, task_id: id });
}

async function seed(redis: Redis, ids: readonly string[]) {
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.setex(`celery-task-meta-${id}`, 3600, celeryMeta(id, 'SUCCESS', { n: id.length }));
  await pipeline.exec();
}

async function post(url: string, query: string, variables: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return response.json();
}

async function p1(lens: Served, bare: Served, redis: Redis) {
  const id = randomUUID();
  await seed(redis, [id]);
  const body = JSON.stringify({ query: 'query Task($id: ID!) { task(id: $id) { id state result dateDone ttlSeconds } }', variables: { id } });
  const load = (url: string, connections: number) =>
    autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: SECONDS });
  for (const connections of [1, 16, 64]) {
    await load(bare.url, connections); // warm both before measuring
    await load(lens.url, connections);
    const base = await load(bare.url, connections);
    const ours = await load(lens.url, connections);
    rows.push({
      case: `P1 task(id) POST, ${connections} conn`,
      lens: `${fmt(ours.requests.average, 0)} req/s, p50 ${ours.latency.p50} ms, p99 ${ours.latency.p99} ms`,
      baseline: `${fmt(base.requests.average, 0)} req/s, p50 ${base.latency.p50} ms, p99 ${base.latency.p99} ms`,
      ratio: `${fmt(ours.requests.average / base.requests.average)}×`,
      target: '≥ 0.5×',
    });
  }
}

async function p2(lens: Served, redis: Redis) {
  for (const count of [100, 1000]) {
    const ids = Array.from({ length: count }, () => randomUUID());
    await seed(redis, ids);
    const keys = ids.map((id) => `celery-task-meta-${id}`);
    const query = 'query Tasks($ids: [ID!]!) { tasks(ids: $ids) { id state result } }';
    const time = async (work: () => Promise<unknown>) => {
      for (let i = 0; i < 10; i += 1) await work();
      const samples: number[] = [];
      for (let i = 0; i < 50; i += 1) {
        const started = performance.now();
        await work();
        samples.push(performance.now() - started);
      }
      return samples;
    };
    const ours = await time(() => post(lens.url, query, { ids }));
    const raw = await time(() => redis.mget(...keys));
    rows.push({
      case: `P2 tasks(ids), ${count} ids`,
      lens: `mean ${fmt(mean(ours))} ms, p99 ${fmt(percentile(ours, 99))} ms`,
      baseline: `raw MGET mean ${fmt(mean(raw))} ms`,
      ratio: `${fmt(mean(ours) / mean(raw))}×`,
      target: '≤ 3×',
    });
  }
}

async function p3p4(lens: Served, redis: Redis) {
  const idle = lens.rssKiB();
  const ids = Array.from({ length: 10_000 }, () => randomUUID());
  const query = 'subscription Watch($id: ID!) { task(id: $id, untilReady: false) { meta } }';
  const first = await openSubscribers(lens.url, ids.slice(0, 1000), query);
  await sleep(1000);
  const at1k = lens.rssKiB();
  const rest = await openSubscribers(lens.url, ids.slice(1000), query);
  await sleep(1000);
  const at10k = lens.rssKiB();
  const clients = ((await redis.client('LIST')) as string).split('\n');
  const connections = clients.filter((line) => / name=celery-lens/.test(line)).length;
  const subscribers = clients.filter((line) => / name=celery-lens-sub /.test(line)).length;
  for (const [count, rss] of [[1000, at1k], [10_000, at10k]] as const) {
    rows.push({
      case: `P3 ${count} idle subscriptions`,
      lens: `${fmt((rss - idle) / count)} KiB/subscription (RSS ${fmt(idle / 1024, 0)} → ${fmt(rss / 1024, 0)} MiB); Redis connections ${connections}, ${subscribers} subscriber`,
      baseline: '(a WebSocket each)',
      ratio: '',
      target: '≤ 10 KiB, 1 subscriber',
    });
  }
  for (const rate of [100, 1000]) {
    const before = first.received.length + rest.received.length;
    let sent = 0;
    const started = performance.now();
    while (performance.now() - started < SECONDS * 1000) {
      const pipeline = redis.pipeline();
      for (let owed = rate / 100; owed >= 1; owed -= 1) {
        const id = ids[Math.floor(Math.random() * ids.length)] as string;
        const key = `celery-task-meta-${id}`;
        const value = celeryMeta(id, 'PROGRESS', { t: now(), n: sent++ });
        pipeline.setex(key, 3600, value).publish(key, value);
      }
      await pipeline.exec();
      await sleep(10);
    }
    await sleep(2000);
    const latencies = [...first.received, ...rest.received].slice(before).map((event) => {
      const meta = (event.data as { task: { meta: { t: number } | null } }).task.meta;
      return event.at - (meta?.t ?? event.at);
    });
    rows.push({
      case: `P4 fan-out to 10,000, ${rate} updates/s`,
      lens: `p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms, max ${fmt(Math.max(...latencies))} ms (${latencies.length}/${sent} delivered)`,
      baseline: '',
      ratio: '',
      target: 'p99 < 50 ms at 1,000/s',
    });
  }
  await Promise.all([first.close(), rest.close()]);
}

/** P3 again with 100 subscriptions per WebSocket, on a fresh process, to separate sockets from subscriptions. */
async function p3Multiplexed(redisUrl: string) {
  const lens = await startLens(redisUrl);
  try {
    await sleep(500);
    const idle = lens.rssKiB();
    const ids = Array.from({ length: 10_000 }, () => randomUUID());
    const subs = await openSubscribers(lens.url, ids, 'subscription Watch($id: ID!) { task(id: $id, untilReady: false) { meta } }', { perClient: 100 });
    await sleep(1000);
    const rss = lens.rssKiB();
    rows.push({
      case: 'P3 10000 idle subscriptions, 100 per WebSocket',
      lens: `${fmt((rss - idle) / 10_000)} KiB/subscription (RSS ${fmt(idle / 1024, 0)} → ${fmt(rss / 1024, 0)} MiB)`,
      baseline: '(100 WebSockets)',
      ratio: '',
      target: '≤ 10 KiB',
    });
    await subs.close();
  } finally {
    await lens.stop();
  }
}

/**
 * Writes the final states in Celery's format, 100 per second (so the tasks
 * finish over 10 s after the clients start waiting); returns when each was written.
 */
async function finish(redis: Redis, ids: readonly string[]): Promise<Map<string, number>> {
  const written = new Map<string, number>();
  for (let start = 0; start < ids.length; start += 10) {
    const pipeline = redis.pipeline();
    for (const id of ids.slice(start, start + 10)) {
      const key = `celery-task-meta-${id}`;
      const value = celeryMeta(id, 'SUCCESS', 1);
      pipeline.setex(key, 3600, value).publish(key, value);
      written.set(id, now());
    }
    await pipeline.exec();
    await sleep(100);
  }
  return written;
}

/** The commands a side spent: all but the writer's SETEX/PUBLISH and the bench's own INFO/CONFIG. */
function spentByOthers(calls: Record<string, number>) {
  const spent = Object.entries(calls).filter(([name]) => !['setex', 'publish', 'info', 'config|resetstat', 'config'].includes(name));
  return { total: spent.reduce((sum, [, count]) => sum + count, 0), detail: spent.map(([name, count]) => `${name} ${count}`).join(', ') };
}

async function p5(redisUrl: string, redis: Redis) {
  await ensureCelery();
  // Polling, with no celery-lens running: Python asks AsyncResult(id).state every 500 ms.
  const polled = Array.from({ length: 1000 }, () => randomUUID());
  const dir = mkdtempSync(join(tmpdir(), 'lens-p5-'));
  writeFileSync(join(dir, 'ids.json'), JSON.stringify(polled));
  await redis.config('RESETSTAT');
  const poller = spawn('/usr/bin/python3', ['bench/poll_asyncresult.py', redisUrl, join(dir, 'ids.json'), join(dir, 'seen.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => poller.stdout?.once('data', () => resolve()));
  const pollWritten = await finish(redis, polled);
  await new Promise((resolve) => poller.once('exit', resolve));
  const pollCommands = spentByOthers(await commandCalls(redis));
  const seen = JSON.parse(readFileSync(join(dir, 'seen.json'), 'utf8')) as Record<string, number>;
  const pollLag = polled.map((id) => (seen[id] ?? Number.NaN) - (pollWritten.get(id) ?? 0));

  const awaited = await awaitByWebSocket(redisUrl, redis, []);
  // The same without the history consumer, which records one tombstone per
  // finished task whoever is waiting: what awaiting itself costs.
  const awaitedOnly = await awaitByWebSocket(redisUrl, redis, ['--consume', 'false']);
  rows.push({
    case: 'P5 await 1,000 tasks: time to know',
    lens: `p50 ${fmt(percentile(awaited.lag, 50))} ms, p99 ${fmt(percentile(awaited.lag, 99))} ms`,
    baseline: `polling p50 ${fmt(percentile(pollLag, 50))} ms, p99 ${fmt(percentile(pollLag, 99))} ms`,
    ratio: `${fmt(percentile(pollLag, 50) / percentile(awaited.lag, 50), 0)}× sooner`,
    target: 'lower',
  });
  for (const [label, run] of [['', awaited], [', --consume false', awaitedOnly]] as const) {
    rows.push({
      case: `P5 await 1,000 tasks: Redis commands/task${label}`,
      lens: `${fmt(run.commands.total / 1000)} (${run.commands.detail})`,
      baseline: `polling ${fmt(pollCommands.total / 1000)} (${pollCommands.detail})`,
      ratio: `${fmt(pollCommands.total / run.commands.total, 1)}× fewer`,
      target: '≥ 10× fewer',
    });
  }
}

/** 1,000 taskCompleted subscriptions on 10 WebSockets to a fresh celery-lens, the tasks finishing 100/s. */
async function awaitByWebSocket(redisUrl: string, redis: Redis, flags: string[]) {
  const lens = await startLens(redisUrl, flags);
  try {
    const awaited = Array.from({ length: 1000 }, () => randomUUID());
    await redis.config('RESETSTAT');
    const opening = openSubscribers(lens.url, awaited, 'subscription Await($id: ID!) { taskCompleted(id: $id) { state } }', { perClient: 100, skipFirst: false });
    await sleep(3000); // every subscription is open and has read its task
    const written = await finish(redis, awaited);
    const subscribers = await opening;
    const deadline = Date.now() + 30_000;
    while (subscribers.received.length < awaited.length) {
      if (Date.now() > deadline) throw new Error(`P5: ${subscribers.received.length}/${awaited.length} completions after 30 s`);
      await sleep(50);
    }
    const commands = spentByOthers(await commandCalls(redis));
    const lag = subscribers.received.map((event) => event.at - (written.get(event.id) ?? 0));
    await subscribers.close();
    return { commands, lag };
  } finally {
    await lens.stop();
  }
}

const redis = await startRedis();
const client = redis.client();
const startedAt = performance.now();
try {
  if (only.has('P1') || only.has('P2')) {
    const lens = await startLens(redis.url());
    const bare = only.has('P1') ? await startBare(redis.url()) : null;
    try {
      if (bare) await p1(lens, bare, client);
      if (only.has('P2')) await p2(lens, client);
    } finally {
      await lens.stop();
      await bare?.stop();
    }
  }
  if (only.has('P3') || only.has('P4')) {
    // A fresh process: RSS measured after the HTTP load would hide the subscriptions in a grown heap.
    const lens = await startLens(redis.url());
    try {
      await sleep(500);
      await p3p4(lens, client);
    } finally {
      await lens.stop();
    }
  }
  if (only.has('P3')) await p3Multiplexed(redis.url());
  if (only.has('P5')) await p5(redis.url(), client);
} finally {
  await redis.stop();
}

const widths = (key: keyof Row) => Math.max(key.length, ...rows.map((row) => row[key].length));
const columns: (keyof Row)[] = ['case', 'lens', 'baseline', 'ratio', 'target'];
const line = (row: Record<keyof Row, string>) => `| ${columns.map((key) => row[key].padEnd(widths(key))).join(' | ')} |`;
console.log(`\ncelery-lens benchmarks (node ${process.version}, ${SECONDS} s per load run, ${((performance.now() - startedAt) / 1000).toFixed(0)} s in all)\n`);
console.log(line({ case: 'case', lens: 'celery-lens', baseline: 'baseline', ratio: 'ratio', target: 'target' }));
console.log(`|${columns.map((key) => '-'.repeat(widths(key) + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
process.exit(0);
