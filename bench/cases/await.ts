/** P5: awaiting tasks by subscription against polling AsyncResult(id).state every 500 ms. */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { ensureCelery } from '../../test/helpers/celery.ts';
import { startLens } from '../lib/processes.ts';
import { type Scale, celeryMeta, check, count, fmt, now, addRow } from '../lib/report.ts';
import { commandCalls, percentile, sleep } from '../lib/stats.ts';
import { openSubscribers } from '../lib/subscribers.ts';

/**
 * Writes the final states in Celery's format, 100 per second (1,000 tasks
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

interface Spent {
  readonly total: number;
  readonly detail: string;
}

function spent(entries: [string, number][]): Spent {
  return {
    total: entries.reduce((sum, [, n]) => sum + n, 0),
    detail: entries.map(([name, n]) => `${name} ${n}`).join(', ') || 'none',
  };
}

const IGNORED = ['setex', 'publish', 'info', 'config|resetstat', 'config'];

/** The commands a side spent: all but the writer's SETEX/PUBLISH and the bench's own INFO/CONFIG. */
function spentByOthers(calls: Record<string, number>): Spent & { calls: Record<string, number> } {
  const kept = Object.entries(calls).filter(([name]) => !IGNORED.includes(name));
  return { ...spent(kept), calls: Object.fromEntries(kept) };
}

/** What `total` spent beyond `base`, command by command (none below zero). */
function beyond(total: Spent & { calls: Record<string, number> }, base: Record<string, number>): Spent {
  return spent(
    Object.entries(total.calls)
      .map(([name, n]): [string, number] => [name, Math.max(0, n - (base[name] ?? 0))])
      .filter(([, n]) => n > 0),
  );
}

/**
 * The history consumer's own commands for `n` tasks finishing with nobody
 * waiting: what it spends whoever awaits (tombstones, timeline, index), which
 * the issue counts apart from awaiting. Done when Redis has seen no new
 * command for a second after the last task was written.
 */
async function consumerAlone(redisUrl: string, redis: Redis, n: number): Promise<Record<string, number>> {
  const lens = await startLens(redisUrl, []);
  try {
    await redis.config('RESETSTAT');
    await finish(
      redis,
      Array.from({ length: n }, () => randomUUID()),
    );
    const deadline = Date.now() + 30_000;
    let last = -1;
    for (;;) {
      const total = spentByOthers(await commandCalls(redis)).total;
      if (total === last) break;
      check(Date.now() < deadline, 'P5: the consumer was still writing 30 s after the last task');
      last = total;
      await sleep(1000);
    }
    return Object.fromEntries(Object.entries(await commandCalls(redis)).filter(([name]) => !IGNORED.includes(name)));
  } finally {
    await lens.stop();
  }
}

/** `n` taskCompleted subscriptions, 100 per WebSocket, to a fresh celery-lens, the tasks finishing 100/s. */
async function awaitByWebSocket(redisUrl: string, redis: Redis, n: number, flags: string[]) {
  const lens = await startLens(redisUrl, flags);
  try {
    const awaited = Array.from({ length: n }, () => randomUUID());
    await redis.config('RESETSTAT');
    const opening = openSubscribers(
      lens.url,
      awaited,
      'subscription Await($id: ID!) { taskCompleted(id: $id) { state } }',
      { perClient: 100, skipFirst: false },
    );
    await sleep(Math.max(1000, n * 3)); // every subscription is open and has read its task
    const written = await finish(redis, awaited);
    const subscribers = await opening;
    const deadline = Date.now() + 30_000;
    while (subscribers.received.length < awaited.length) {
      check(Date.now() < deadline, `P5: ${subscribers.received.length}/${awaited.length} completions after 30 s`);
      await sleep(50);
    }
    const wrong = subscribers.received.find(
      (event) => (event.data as { taskCompleted?: { state: string } } | undefined)?.taskCompleted?.state !== 'SUCCESS',
    );
    check(wrong === undefined, `P5: a completion that is not SUCCESS: ${JSON.stringify(wrong)}`);
    const commands = spentByOthers(await commandCalls(redis));
    const lag = subscribers.received.map((event) => event.at - (written.get(event.id) ?? 0));
    await subscribers.close();
    return { commands, lag };
  } finally {
    await lens.stop();
  }
}

export async function p5(redisUrl: string, redis: Redis, scale: Scale): Promise<void> {
  await ensureCelery();
  const n = scale.p5;
  // Polling, with no celery-lens running: Python asks AsyncResult(id).state every 500 ms.
  const polled = Array.from({ length: n }, () => randomUUID());
  const dir = mkdtempSync(join(tmpdir(), 'lens-p5-'));
  writeFileSync(join(dir, 'ids.json'), JSON.stringify(polled));
  await redis.config('RESETSTAT');
  const poller = spawn(
    '/usr/bin/python3',
    ['bench/poll_asyncresult.py', redisUrl, join(dir, 'ids.json'), join(dir, 'seen.json')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => poller.stdout?.once('data', () => resolve()));
  const pollWritten = await finish(redis, polled);
  await new Promise((resolve) => poller.once('exit', resolve));
  const pollCommands = spentByOthers(await commandCalls(redis));
  const seen = JSON.parse(readFileSync(join(dir, 'seen.json'), 'utf8')) as Record<string, number>;
  check(Object.keys(seen).length === n, `P5: the poller saw ${Object.keys(seen).length}/${n} tasks finish`);
  const pollLag = polled.map((id) => (seen[id] ?? Number.NaN) - (pollWritten.get(id) ?? 0));

  const awaited = await awaitByWebSocket(redisUrl, redis, n, []);
  const consumer = await consumerAlone(redisUrl, redis, n);
  const awaiting = beyond(awaited.commands, consumer);
  // The same without the history consumer, which records one tombstone per
  // finished task whoever is waiting: what awaiting itself costs.
  const awaitedOnly = await awaitByWebSocket(redisUrl, redis, n, ['--consume', 'false']);
  addRow({
    case: `P5 await ${count(n)} tasks: time to know; defaults`,
    lens: `p50 ${fmt(percentile(awaited.lag, 50))} ms, p99 ${fmt(percentile(awaited.lag, 99))} ms`,
    baseline: `polling p50 ${fmt(percentile(pollLag, 50))} ms, p99 ${fmt(percentile(pollLag, 99))} ms`,
    ratio: `${fmt(percentile(pollLag, 50) / percentile(awaited.lag, 50), 0)}× sooner`,
    target: 'lower',
  });
  for (const [label, run] of [
    ['defaults', awaited],
    ['--consume false', awaitedOnly],
  ] as const) {
    addRow({
      case: `P5 await ${count(n)} tasks: Redis commands/task; ${label}`,
      lens: `${fmt(run.commands.total / n)} (${run.commands.detail})`,
      baseline: `polling ${fmt(pollCommands.total / n)} (${pollCommands.detail})`,
      ratio: `${fmt(pollCommands.total / run.commands.total, 1)}× fewer`,
      target: '≥ 10× fewer',
    });
  }
  // The goal counts the consumer's own writes apart: awaiting's commands alone, with the consumer on.
  addRow({
    case: `P5 await ${count(n)} tasks: Redis commands/task; defaults less the consumer's own (measured alone, nobody waiting)`,
    lens: `${fmt(awaiting.total / n)} (${awaiting.detail}); the consumer alone ${fmt(spent(Object.entries(consumer)).total / n)}/task`,
    baseline: `polling ${fmt(pollCommands.total / n)}`,
    ratio: `${fmt(pollCommands.total / Math.max(1, awaiting.total), 1)}× fewer`,
    target: '≥ 10× fewer',
  });
}
