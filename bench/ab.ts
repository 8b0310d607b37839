/**
 * Two or more builds of celery-lens on one machine, P1 and P2 alternated
 * round by round, so that whatever else the machine runs falls on all alike:
 *
 *   npm run bench:ab -- old=/path/to/old/dist/main.js new=dist/main.js
 *   npm run bench:ab -- --rounds 5 --seconds 6 --only P1 old=… new=…
 *   npm run bench:ab -- --only P2fresh --rounds 10 old=… new=…
 *
 * Each build is started as `node <main.js> serve --backend … --port …` (only
 * options every build has had, so an old commit's checkout, built with its
 * own `npm ci && npm run build`, runs as its `npm start` did). P1: task(id)
 * over HTTP POST under wrk (16 connections, one hot id, then random ids
 * among 1,000). P2: tasks(ids) of 100 and 1,000 ids, 50 sequential requests.
 * P2fresh (not in the default): a fresh process of each build per round, its
 * first requests as `npm run bench`'s P2 takes them (10 of 100 ids, then the
 * median of the next 50), for the cost of a process V8 has not warmed yet.
 * Per run: req/s or median latency, the server's CPU per request (steadier
 * than req/s on a shared machine) and the load average; then the median and
 * range over the rounds of each build.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startRedis } from '../test/helpers/redis-server.ts';
import { check, post, seed } from './lib/report.ts';
import { percentile, sleep } from './lib/stats.ts';
import { ensureWrk, runWrk, wrkScript } from './lib/wrk.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '6' },
    only: { type: 'string', default: 'P1,P2' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const only = new Set((values.only ?? '').split(','));
const builds = positionals.map((word) => {
  const at = word.indexOf('=');
  if (at < 1) throw new Error(`a build is name=path/to/dist/main.js, got ${word}`);
  return { name: word.slice(0, at), main: word.slice(at + 1) };
});
if (builds.length < 2) throw new Error('give two builds or more: name=path/to/dist/main.js');

const TASK = 'query Task($id: ID!) { task(id: $id) { id state result dateDone ttlSeconds } }';
const TASKS = 'query Tasks($ids: [ID!]!) { tasks(ids: $ids) { id state result dateDone } }';

interface Server {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  cpuSeconds(): number;
}

async function start(name: string, main: string, backend: string): Promise<Server> {
  const port = await freePort();
  const { NODE_ENV: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, [main, 'serve', '--backend', backend, '--port', String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
  const base = `http://127.0.0.1:${port}`;
  for (
    let attempt = 0;
    !(await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    ));
    attempt += 1
  ) {
    if (attempt > 600 || child.exitCode !== null) throw new Error(`${main} did not start`);
    await sleep(50);
  }
  const cpuSeconds = () => {
    // utime and stime, in ticks of 1/100 s: the 12th and 13th fields after the command name.
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  return { name, url: `${base}/graphql`, child, cpuSeconds };
}

/** Per build and measure, one row per round: [value, CPU per request in µs, load average]. */
const results = new Map<string, number[][]>();
const record = (key: string, row: number[]) => results.set(key, [...(results.get(key) ?? []), row]);
const load = () => loadavg()[0] as number;
/** Rounds alternate the order of the builds, so neither always runs first. */
const ordered = (servers: Server[], round: number) => (round % 2 ? [...servers].reverse() : servers);

async function p1(servers: Server[], dir: string, ids: string[]): Promise<void> {
  ensureWrk();
  const scripts = [
    ['hot', wrkScript(dir, 'hot', { query: TASK, ids: ids.slice(0, 1) })],
    ['random', wrkScript(dir, 'random', { query: TASK, ids })],
  ] as const;
  for (const server of servers) for (const [, script] of scripts) await runWrk(server.url, script, 16, 2); // warm-up
  for (let round = 0; round < rounds; round += 1)
    for (const server of ordered(servers, round))
      for (const [kind, script] of scripts) {
        const before = server.cpuSeconds();
        const run = await runWrk(server.url, script, 16, seconds);
        const cpu = server.cpuSeconds() - before;
        check(run.badStatus === 0 && run.requests > 0, `${server.name}: ${run.badStatus} answers not 2xx`);
        const perRequest = (cpu * 1e6) / run.requests;
        record(`P1 ${kind} ${server.name}`, [run.requestsPerSecond, perRequest, load()]);
        console.log(
          `P1 ${kind} ${server.name} round ${round + 1}: ${run.requestsPerSecond.toFixed(0)} req/s, p50 ${run.p50Ms.toFixed(2)} ms, ${perRequest.toFixed(0)} µs CPU/request, load ${load().toFixed(1)}`,
        );
      }
}

/** 50 sequential tasks(ids) requests to `server`, recorded under `label`: median latency, CPU per request. */
async function timed50(server: Server, ids: string[], label: string, round: number): Promise<void> {
  const samples: number[] = [];
  const before = server.cpuSeconds();
  for (let i = 0; i < 50; i += 1) {
    const started = performance.now();
    await post(server.url, TASKS, { ids });
    samples.push(performance.now() - started);
  }
  const perRequest = ((server.cpuSeconds() - before) * 1e6) / 50;
  record(`${label} ${server.name}`, [percentile(samples, 50), perRequest, load()]);
  console.log(
    `${label} ids ${server.name} round ${round + 1}: median ${percentile(samples, 50).toFixed(2)} ms, ${(perRequest / 1000).toFixed(2)} ms CPU/request, load ${load().toFixed(1)}`,
  );
}

async function p2(servers: Server[], redis: Parameters<typeof seed>[0]): Promise<void> {
  for (const size of [100, 1000]) {
    const ids = Array.from({ length: size }, () => randomUUID());
    await seed(redis, ids);
    for (const server of servers) {
      const answer = (await post(server.url, TASKS, { ids })) as { data?: { tasks?: { id: string }[] } };
      check(answer.data?.tasks?.every((task, index) => task.id === ids[index]) === true, `${server.name}: P2 answer`);
      for (let i = 0; i < 10; i += 1) await post(server.url, TASKS, { ids }); // warm-up
    }
    for (let round = 0; round < rounds; round += 1)
      for (const server of ordered(servers, round)) {
        await timed50(server, ids, `P2 ${size}`, round);
      }
  }
}

/** P2fresh: each round starts each build afresh, sends 10 requests of 100 ids, then times 50. */
async function p2fresh(redis: Parameters<typeof seed>[0], backend: string): Promise<void> {
  const ids = Array.from({ length: 100 }, () => randomUUID());
  await seed(redis, ids);
  for (let round = 0; round < rounds; round += 1)
    for (const build of round % 2 ? [...builds].reverse() : builds) {
      const server = await start(build.name, build.main, backend);
      try {
        for (let i = 0; i < 10; i += 1) await post(server.url, TASKS, { ids });
        await timed50(server, ids, 'P2fresh 100', round);
      } finally {
        server.child.kill('SIGTERM');
      }
    }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const range = (xs: number[], digits: number) =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

const redis = await startRedis();
const client = redis.client();
const servers: Server[] = [];
try {
  if (only.has('P2fresh')) await p2fresh(client, redis.url());
  if (only.has('P1') || only.has('P2'))
    for (const { name, main } of builds) servers.push(await start(name, main, redis.url()));
  const ids = Array.from({ length: 1000 }, () => randomUUID());
  await seed(client, ids);
  if (only.has('P1')) await p1(servers, mkdtempSync(join(tmpdir(), 'lens-bench-ab-')), ids);
  if (only.has('P2')) await p2(servers, client);
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  client.disconnect();
  await redis.stop();
}
console.log(
  `\nmedian (range) over ${rounds} rounds, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
for (const [key, rows] of results) {
  const column = (index: number) => rows.map((row) => row[index] as number);
  const value = key.startsWith('P1') ? `${range(column(0), 0)} req/s` : `median ${range(column(0), 2)} ms`;
  const cpu = key.startsWith('P1')
    ? `${range(column(1), 0)} µs`
    : `${range(
        column(1).map((us) => us / 1000),
        2,
      )} ms`;
  console.log(`${key}: ${value}, CPU/request ${cpu}, load ${range(column(2), 1)}`);
}
process.exit(0);
