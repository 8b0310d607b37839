/**
 * Subscription benchmark: N graphql-ws clients each watching a task, against
 * celery-lens in its own process, while a publisher writes updates in Celery's
 * format (SETEX + PUBLISH of the meta JSON) at a fixed rate. Prints publish→client
 * latency, server RSS per subscription and the Redis connections it holds.
 *
 *   npm run bench:subs -- [--subs 10000] [--rate 1000] [--seconds 10]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort, startRedis } from '../test/helpers/redis-server.ts';

const { values } = parseArgs({
  options: {
    subs: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
  },
});
const SUBS = Number(values.subs);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);

const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function startServer(backendUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--backend', backendUrl, '--port', String(port), '--max-ids', '10000'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { child, url };
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error('celery-lens did not start');
}

const redis = await startRedis();
const publisher = redis.client();
const server = await startServer(redis.url());
const pid = server.child.pid as number;
// Warm up: one request through every path, then the baseline.
await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ backend { up } }"}' });
await sleep(500);
const rssBefore = rssKiB(pid);

const ids = Array.from({ length: SUBS }, () => randomUUID());
const latencies: number[] = [];
let initial = 0;
let received = 0;
const clients: Client[] = [];
const opening = performance.now();
for (let start = 0; start < SUBS; start += 250) {
  await Promise.all(
    ids.slice(start, start + 250).map(async (id) => {
      const client = createClient({ url: `${server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      clients.push(client);
      await new Promise<void>((resolve, reject) => {
        let first = true;
        client.subscribe<{ task: { meta: { t?: number } | null } }>(
          { query: `subscription { task(id: "${id}", untilReady: false) { meta } }` },
          {
            next: ({ data }) => {
              if (first) {
                first = false;
                initial += 1;
                resolve();
                return;
              }
              const sentAt = data?.task.meta?.t;
              if (typeof sentAt === 'number') latencies.push(performance.timeOrigin + performance.now() - sentAt);
              received += 1;
            },
            error: reject,
            complete: () => {},
          },
        );
      });
    }),
  );
}
const openSeconds = (performance.now() - opening) / 1000;
await sleep(1000);
const rssAfter = rssKiB(pid);
const clientList = (await publisher.client('LIST')) as string;
const lensConnections = clientList.split('\n').filter((line) => / name=celery-lens/.test(line)).length;
const subscriberConnections = clientList.split('\n').filter((line) => / name=celery-lens-sub /.test(line)).length;

// Publish at RATE/s in 10 ms ticks, in Celery's format, to random watched tasks.
let sent = 0;
const perTick = RATE / 100;
let owed = 0;
const publishStart = performance.now();
while (performance.now() - publishStart < SECONDS * 1000) {
  owed += perTick;
  const batch = publisher.pipeline();
  for (; owed >= 1; owed -= 1) {
    const id = ids[Math.floor(Math.random() * ids.length)] as string;
    const key = `celery-task-meta-${id}`;
    const value = JSON.stringify({
      status: 'PROGRESS',
      result: { t: performance.timeOrigin + performance.now(), n: sent },
      traceback: null,
      children: [],
      date_done: null,
      task_id: id,
    });
    // Celery wraps these two in MULTI; a plain pipeline sends the same bytes at the same rate.
    batch.setex(key, 3600, value).publish(key, value);
    sent += 1;
  }
  await batch.exec();
  await sleep(10);
}
await sleep(2000);

latencies.sort((a, b) => a - b);
const fmt = (n: number) => n.toFixed(2);
console.log(`
subscriptions benchmark (${SUBS} graphql-ws clients, 1 subscription each; ${RATE} updates/s for ${SECONDS} s)
  connect + first event        ${openSeconds.toFixed(1)} s for ${initial} subscriptions
  server RSS                   ${(rssBefore / 1024).toFixed(1)} MiB idle → ${(rssAfter / 1024).toFixed(1)} MiB with ${SUBS} subscriptions
  RSS per subscription         ${fmt((rssAfter - rssBefore) / SUBS)} KiB
  Redis connections (server)   ${lensConnections} (${subscriberConnections} of them the pub/sub subscriber)
  updates published/received   ${sent} / ${received}
  publish→client latency       p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms, max ${fmt(latencies.at(-1) ?? NaN)} ms
`);

await Promise.all(clients.map((client) => client.dispose()));
server.child.kill('SIGTERM');
await redis.stop();
process.exit(0);
