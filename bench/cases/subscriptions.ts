/**
 * P3a: idle subscriptions, one WebSocket each, against a bare `ws` server
 * holding as many idle sockets, in the same run. P3b: 100 subscriptions per
 * WebSocket. P4: fan-out to P3a's subscribers, and to P3b's 100,000.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { startBareWs, startLens } from '../lib/processes.ts';
import { type Scale, celeryMeta, check, count, fmt, now, addRow } from '../lib/report.ts';
import { percentile, sleep } from '../lib/stats.ts';
import { type Subscribers, openSockets, openSubscribers } from '../lib/subscribers.ts';

const WATCH = 'subscription Watch($id: ID!) { task(id: $id, untilReady: false) { meta } }';
/** What clients awaiting a task hold: nothing is sent until the task is ready. */
const AWAIT = 'subscription Await($id: ID!) { taskCompleted(id: $id) { id state } }';
/** Lets the heap settle before RSS is read (both sides alike). */
const SETTLE_MS = 1500;

/** Task watches the server at `url` holds now (one per subscription here). */
async function watchersOf(url: string): Promise<number> {
  const metrics = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
  return Number(/^celery_lens_task_watchers (\d+)/m.exec(metrics)?.[1]);
}

/** Checks that the server holds every subscription opened (one task watch each): none ended or failed unseen. */
async function checkHeld(url: string, n: number, what: string): Promise<void> {
  const held = await watchersOf(url);
  check(held === n, `${what}: the server holds ${held} of ${n} subscriptions`);
}

/** RSS a bare `ws` server gains per idle socket, in KiB. */
async function bareWsKiB(sockets: number): Promise<{ perSocket: number; text: string }> {
  const bare = await startBareWs();
  try {
    await sleep(500);
    const idle = bare.rssKiB();
    const open = await openSockets(bare.url, sockets);
    await sleep(SETTLE_MS);
    const rss = bare.rssKiB();
    await open.close();
    const perSocket = (rss - idle) / sockets;
    return {
      perSocket,
      text: `bare ws: ${fmt(perSocket)} KiB/socket (RSS ${fmt(idle / 1024, 0)} → ${fmt(rss / 1024, 0)} MiB)`,
    };
  } finally {
    await bare.stop();
  }
}

export async function p3aP4(redisUrl: string, redis: Redis, scale: Scale, withP4: boolean): Promise<void> {
  const n = scale.p3a;
  const floor = await bareWsKiB(n);
  // A fresh process: RSS measured after other load would hide the subscriptions in a grown heap.
  const lens = await startLens(redisUrl);
  try {
    await sleep(500);
    const idle = lens.rssKiB();
    const ids = Array.from({ length: n }, () => randomUUID());
    const subscribers = await openSubscribers(lens.url, ids, WATCH);
    await sleep(SETTLE_MS);
    const rss = lens.rssKiB();
    await checkHeld(lens.url, n, 'P3a');
    const clients = ((await redis.client('LIST')) as string).split('\n');
    const connections = clients.filter((line) => / name=celery-lens/.test(line)).length;
    const subscriberConnections = clients.filter((line) => / name=celery-lens-sub /.test(line)).length;
    check(subscriberConnections === 1, `P3a: ${subscriberConnections} Redis subscriber connections`);
    const perSubscription = (rss - idle) / n;
    addRow({
      case: `P3a ${count(n)} idle subscriptions, a WebSocket each; defaults`,
      lens: `${fmt(perSubscription)} KiB/subscription (RSS ${fmt(idle / 1024, 0)} → ${fmt(rss / 1024, 0)} MiB); Redis connections ${connections}, 1 subscriber`,
      baseline: floor.text,
      ratio: `${fmt(perSubscription / floor.perSocket)}×`,
      target: '≤ 1.5×',
    });
    if (withP4) await p4(redis, ids, subscribers, scale);
    await subscribers.close();
  } finally {
    await lens.stop();
  }
}

export async function p3b(redisUrl: string, redis: Redis, scale: Scale, withP4: boolean): Promise<void> {
  for (const n of scale.p3b) await p3bOf(redisUrl, redis, scale, withP4, n, WATCH);
  // taskCompleted at the smallest count: the goal holds for both kinds.
  await p3bOf(redisUrl, redis, scale, false, scale.p3b[0] ?? 1000, AWAIT);
}

async function p3bOf(
  redisUrl: string,
  redis: Redis,
  scale: Scale,
  withP4: boolean,
  n: number,
  query: string,
): Promise<void> {
  // Opening 100,000 takes minutes on a loaded machine, while neither side may answer
  // graphql-ws' keep-alive pings in time (sockets then close with 1006): a longer idle
  // timeout there, said in the row. It changes no memory held per subscription.
  // The same for Redis commands: a loaded machine's GC pauses at ~1 GiB of heap made some
  // subscribes time out (BACKEND_UNAVAILABLE) at the default 2 s.
  const flags = n > 10_000 ? ['--ws-idle-timeout-ms', '600000', '--redis-timeout-ms', '10000'] : [];
  const lens = await startLens(redisUrl, flags);
  try {
    await sleep(500);
    const idle = lens.rssKiB();
    const started = performance.now();
    const ids = Array.from({ length: n }, () => randomUUID());
    const awaiting = query === AWAIT;
    // taskCompleted sends nothing until its task is ready: the server's count tells when all are open.
    const held = awaiting ? { held: () => watchersOf(lens.url) } : {};
    const subscribers = await openSubscribers(lens.url, ids, query, { perClient: 100, ...held });
    const openSeconds = (performance.now() - started) / 1000;
    await sleep(SETTLE_MS);
    const rss = lens.rssKiB();
    await checkHeld(lens.url, n, 'P3b');
    addRow({
      case: `P3b ${count(n)} idle ${awaiting ? 'taskCompleted(id)' : 'task(id)'} subscriptions, 100 per WebSocket; ${flags.length ? flags.join(' ') : 'defaults'}`,
      lens: `${fmt((rss - idle) / n)} KiB/subscription (RSS ${fmt(idle / 1024, 0)} → ${fmt(rss / 1024, 0)} MiB; opened in ${fmt(openSeconds, 1)} s)`,
      baseline: `(${count(n / 100)} WebSockets)`,
      ratio: '',
      target: '≤ 4 KiB',
    });
    // P4's goal is stated at 100,000 subscribers: fan out to these too.
    if (withP4 && n > 10_000) await p4(redis, ids, subscribers, scale, `100 per WebSocket; ${flags.join(' ')}`);
    await subscribers.close();
  } finally {
    await lens.stop();
  }
}

/**
 * Updates written in Celery's format (SETEX + PUBLISH) to random subscribed
 * tasks; latency from the write to the client. Right means: every updated
 * task's subscriber ends with the last update written for it (a slow one may
 * skip intermediate ones, never the latest).
 */
async function p4(
  redis: Redis,
  ids: readonly string[],
  subscribers: Subscribers,
  scale: Scale,
  label = 'a WebSocket each; defaults',
): Promise<void> {
  for (const rate of scale.ci ? [100] : [100, 1000]) {
    const before = subscribers.received.length;
    const last = new Map<string, number>();
    let sent = 0;
    const started = performance.now();
    while (performance.now() - started < scale.seconds * 1000) {
      const pipeline = redis.pipeline();
      for (let owed = rate / 100; owed >= 1; owed -= 1) {
        const id = ids[Math.floor(Math.random() * ids.length)] as string;
        const key = `celery-task-meta-${id}`;
        const value = celeryMeta(id, 'PROGRESS', { t: now(), n: sent });
        last.set(id, sent);
        sent += 1;
        pipeline.setex(key, 3600, value).publish(key, value);
      }
      await pipeline.exec();
      await sleep(10);
    }
    const latest = () => {
      const seen = new Map<string, number>();
      for (const event of subscribers.received.slice(before))
        seen.set(event.id, (event.data as { task: { meta: { n: number } } }).task.meta.n);
      return seen;
    };
    const deadline = Date.now() + 10_000;
    while ([...last].some(([id, n]) => latest().get(id) !== n)) {
      check(Date.now() < deadline, `P4 at ${rate}/s: a subscriber did not get its task's last update within 10 s`);
      await sleep(200);
    }
    const latencies = subscribers.received
      .slice(before)
      .map((event) => event.at - (event.data as { task: { meta: { t: number } } }).task.meta.t);
    addRow({
      case: `P4 fan-out to ${count(ids.length)}, ${rate} updates/s; ${label}`,
      lens: `p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms, max ${fmt(Math.max(...latencies))} ms (${latencies.length}/${sent} delivered)`,
      baseline: '',
      ratio: '',
      target: rate === 1000 ? 'p99 < 50 ms' : '',
    });
  }
}
