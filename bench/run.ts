/**
 * celery-lens benchmarks, each against a baseline measured in the same run:
 *
 *   npm run bench                    all cases
 *   npm run bench -- --only P1,P2    some of them (P1 P2 P3 P4 P5 S1 S2; P3 is P3a and P3b)
 *   npm run bench -- --seconds 10    per load run (default 4); --rounds N of P1 (default 3, best kept)
 *   npm run bench -- --ci            every case briefly, small counts: fails on a crash or a
 *                                    wrong answer, never on a time (.ci/run runs it)
 *
 * P1  task(id) over HTTP POST under wrk vs a bare node:http + ioredis handler,
 *     one hot id and random ids; defaults, auth on, rate limit on
 * P2  tasks(ids) of 100 and 1,000 ids vs a raw MGET of the same keys
 * P3a idle subscriptions, a WebSocket each, vs a bare `ws` server's idle sockets
 * P3b idle subscriptions, 100 per WebSocket (10,000 and 100,000)
 * P4  fan-out latency to P3a's subscribers (and P3b's 100,000) at 100 and 1,000 updates/s
 * P5  awaiting tasks by subscription vs polling AsyncResult(id).state every 500 ms
 * S1  Redis bytes of celery-lens' store per task, by kind, with a real worker (npm run bench:store);
 *     --ci: 100 tasks, and fails when they take more than CI_BYTES_PER_TASK
 * S2  a burst of tasks' events and results through intake (npm run bench:intake's, smaller): every task
 *     indexed; --ci: 500 tasks, and fails when one is lost (never on the time it took)
 *
 * It starts its own redis-server and runs celery-lens as `npm start` does
 * (`node dist/main.js`, defaults unless a row says otherwise), each server in
 * its own process, and prints a table. Numbers depend on the machine.
 */
import { parseArgs } from 'node:util';
import { startRedis } from '../test/helpers/redis-server.ts';
import { p5 } from './cases/await.ts';
import { p1, p2 } from './cases/http.ts';
import { p3aP4, p3b } from './cases/subscriptions.ts';
import { s1 } from './cases/store-bytes.ts';
import { s2 } from './cases/intake-burst.ts';
import { type Scale, check, printTable } from './lib/report.ts';

/** What --ci lets 100 tasks take of celery-lens' store, per task (831 measured at 100, 2026-12-07; docs/benchmarks.md). */
const CI_BYTES_PER_TASK = 900;

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'P1,P2,P3,P4,P5,S1,S2' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    ci: { type: 'boolean', default: false },
    // 100,000 subscriptions take a few GiB of RAM and a minute or two to open.
    'max-subscriptions': { type: 'string', default: '100000' },
  },
});
const only = new Set((values.only ?? '').split(','));
const most = Number(values['max-subscriptions']);
const scale: Scale = values.ci
  ? { ci: true, seconds: 1, rounds: 1, p1Ids: 50, p3a: 200, p3b: [1000], p5: 100 }
  : {
      ci: false,
      seconds: Number(values.seconds),
      rounds: Number(values.rounds),
      p1Ids: 1000,
      p3a: 10_000,
      p3b: [10_000, 100_000].filter((n) => n <= most),
      p5: 1000,
    };

const redis = await startRedis();
const client = redis.client();
const startedAt = performance.now();
try {
  if (only.has('P1')) await p1(redis.url(), client, scale);
  if (only.has('P2')) await p2(redis.url(), client, scale);
  if (only.has('P3') || only.has('P4')) await p3aP4(redis.url(), client, scale, only.has('P4'));
  if (only.has('P3')) await p3b(redis.url(), client, scale, only.has('P4'));
  if (only.has('P5')) await p5(redis.url(), client, scale);
  if (only.has('S1')) {
    const { perTask } = await s1(scale.ci ? 100 : 2000);
    if (scale.ci)
      check(perTask <= CI_BYTES_PER_TASK, `${perTask.toFixed(0)} B of store per task, over ${CI_BYTES_PER_TASK}`);
  }
  if (only.has('S2')) {
    const tasks = scale.ci ? 500 : 2000;
    const { indexed } = await s2(tasks);
    check(indexed === tasks, `intake lost ${tasks - indexed} of ${tasks} tasks`);
  }
} finally {
  client.disconnect();
  await redis.stop();
}

const seconds = ((performance.now() - startedAt) / 1000).toFixed(0);
printTable(
  `celery-lens benchmarks${scale.ci ? ' (--ci: brief runs, small counts; checks answers, not times)' : ''} (node ${process.version}, ${scale.seconds} s per load run, P1 best of ${scale.rounds}, ${seconds} s in all, ${new Date().toISOString().slice(0, 10)})`,
);
if (scale.ci) console.log('\nbench --ci: every case ran and answered right');
process.exit(0);
