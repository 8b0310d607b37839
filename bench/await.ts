/**
 * 10,000 concurrent awaitTask long-polls on one celery-lens process:
 *
 *   npm run bench:await                 10,000 waiters (about a minute here)
 *   npm run bench:await -- --waiters N
 *
 * Each waiter is one HTTP request (its own TCP connection, a JSON POST as
 * curl or requests send it) waiting on its own pending task. Measured:
 *
 * - RSS per waiter: the process' RSS while every waiter waits, minus its RSS
 *   idle after a warm-up, over the number of waiters;
 * - Redis commands per waiter: CONFIG RESETSTAT before, commandstats after
 *   every waiter answered, without the benchmark's own writes (SETEX and
 *   PUBLISH of the results) and INFO/CONFIG calls;
 * - latency: from the write of all results (one pipeline) to each answer,
 *   and, for waiters left to their deadline, how late each answer came.
 *
 * celery-lens runs as `npm start` runs it (the bin, production mode, its own
 * process and redis-server), with --consume false so that the commands
 * counted are the waiters' alone (the event consumer records each published
 * result: its cost is the same with or without waiters).
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { startRedis } from '../test/helpers/redis-server.ts';
import { startLens } from './lib/processes.ts';
import { commandCalls, percentile, sleep } from './lib/stats.ts';

const { values } = parseArgs({ options: { waiters: { type: 'string', default: '10000' } } });
const WAITERS = Number(values.waiters);
const QUERY =
  'query ($id: ID!, $t: Int!) { awaitTask(id: $id, timeoutSeconds: $t) { timedOut waitedMs task { state } } }';
const BENCH_COMMANDS = new Set(['setex', 'publish', 'info', 'config|resetstat', 'config', 'client|list', 'client']);
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
/** Waiters answered so far (a slow opening may see the first ones time out before the last is sent). */
let answered = 0;
const DEADLINE_SECONDS = 20;

interface Answer {
  readonly sent: number;
  readonly at: number;
  readonly timedOut: boolean;
  /** The server's own measure of the wait. */
  readonly waitedMs: number;
}

/** One long-poll over its own connection; resolves when it is answered. */
function wait(url: string, id: string, timeoutSeconds: number): Promise<Answer> {
  const sent = performance.now();
  const body = JSON.stringify({ query: QUERY, variables: { id, t: timeoutSeconds } });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const at = performance.now();
          answered += 1;
          const json = JSON.parse(Buffer.concat(chunks).toString()) as {
            data?: { awaitTask: { timedOut: boolean; waitedMs: number } };
            errors?: unknown;
          };
          if (!json.data) reject(new Error(`no data: ${JSON.stringify(json.errors)}`));
          else resolve({ sent, at, ...json.data.awaitTask });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(new RegExp(`\\n${name} (\\d+)`).exec(text)?.[1] ?? Number.NaN);
}

/** Opens `ids.length` waiters in slices (the listen backlog is 511), until the process watches them all. */
async function openWaiters(url: string, ids: readonly string[], timeoutSeconds: number): Promise<Promise<Answer>[]> {
  const base = url.replace('/graphql', '');
  const before = await metric(base, 'celery_lens_task_watchers');
  const answeredBefore = answered;
  const answers: Promise<Answer>[] = [];
  for (let start = 0; start < ids.length; start += 500) {
    for (const id of ids.slice(start, start + 500)) answers.push(wait(url, id, timeoutSeconds));
    const waiting = async () => (await metric(base, 'celery_lens_task_watchers')) + (answered - answeredBefore);
    for (let polls = 0; (await waiting()) < before + answers.length; polls += 1) {
      if (polls % 250 === 249) {
        const settled = await Promise.all(
          answers.map((answer) =>
            Promise.race([
              answer.then(
                () => 'answered',
                (error: Error) => error.message,
              ),
              sleep(0).then(() => 'waiting'),
            ]),
          ),
        );
        const tally = new Map<string, number>();
        for (const state of settled) tally.set(state, (tally.get(state) ?? 0) + 1);
        const counts = [...tally].map(([state, count]) => `${state}: ${count}`);
        throw new Error(
          `stalled: ${await metric(base, 'celery_lens_task_watchers')} of ${before + answers.length} watching (${counts.join(', ')})`,
        );
      }
      await sleep(20);
    }
  }
  return answers;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main() {
  const redisServer = await startRedis();
  const redis = redisServer.client();
  const lens = await startLens(redisServer.url(), [
    '--consume',
    'false',
    '--max-watches',
    String(Math.max(100_000, 2 * WAITERS)),
  ]);
  try {
    // Warm-up: compile the paths once, then the idle RSS.
    const warm = Array.from({ length: 200 }, () => randomUUID());
    const warmed = await openWaiters(lens.url, warm, 1);
    await Promise.all(warmed);
    await sleep(1000);
    const idle = lens.rssKiB();

    const ids = Array.from({ length: WAITERS }, () => randomUUID());
    await redis.config('RESETSTAT');
    const opening = performance.now();
    const answers = await openWaiters(lens.url, ids, 120);
    const opened = performance.now() - opening;
    await sleep(1000);
    const waiting = lens.rssKiB();

    const pipeline = redis.pipeline();
    for (const id of ids) {
      const meta = JSON.stringify({
        status: 'SUCCESS',
        result: 1,
        traceback: null,
        children: [],
        date_done: new Date().toISOString().slice(0, -1),
        task_id: id,
      });
      pipeline.setex(`celery-task-meta-${id}`, 3600, meta).publish(`celery-task-meta-${id}`, meta);
    }
    const written = performance.now();
    await pipeline.exec();
    const done = await Promise.all(answers);
    const lags = done.map((answer) => answer.at - written);
    await sleep(500);
    const calls = await commandCalls(redis);
    const ours = Object.entries(calls).filter(([name]) => !BENCH_COMMANDS.has(name));
    const total = ours.reduce((sum, [, count]) => sum + count, 0);

    // Left to their deadline: how late is each answer?
    const late = Array.from({ length: WAITERS }, () => randomUUID());
    const timed = await openWaiters(lens.url, late, DEADLINE_SECONDS);
    const timedOut = await Promise.all(timed);
    const lateness = timedOut.map((answer) => answer.at - answer.sent - DEADLINE_SECONDS * 1000);
    const serverLateness = timedOut.map((answer) => answer.waitedMs - DEADLINE_SECONDS * 1000);

    console.log(`\nawaitTask, ${WAITERS} concurrent waiters on one process (${new Date().toISOString()})`);
    console.log(`  opened in ${ms(opened)}; every one answered: ${done.every((answer) => !answer.timedOut)}`);
    console.log(
      `  RSS idle ${(idle / 1024).toFixed(0)} MiB, waiting ${(waiting / 1024).toFixed(0)} MiB: ${((waiting - idle) / WAITERS).toFixed(2)} KiB per waiter`,
    );
    console.log(
      `  Redis commands: ${total} for ${WAITERS} waiters = ${(total / WAITERS).toFixed(3)} per waiter (${ours.map(([name, count]) => `${name} ${count}`).join(', ')})`,
    );
    console.log(
      `  answer after the results were written: p50 ${ms(percentile(lags, 50))}, p99 ${ms(percentile(lags, 99))}, max ${ms(Math.max(...lags))}`,
    );
    console.log(
      `  left to a ${DEADLINE_SECONDS} s deadline: all timedOut ${timedOut.every((answer) => answer.timedOut)}; waitedMs - deadline (server): ` +
        `p50 ${ms(percentile(serverLateness, 50))}, p99 ${ms(percentile(serverLateness, 99))}, max ${ms(Math.max(...serverLateness))}; ` +
        `answer - send - deadline (client): p50 ${ms(percentile(lateness, 50))}, p99 ${ms(percentile(lateness, 99))}, max ${ms(Math.max(...lateness))}`,
    );
  } finally {
    await lens.stop();
    await redisServer.stop();
  }
}

await main();
