/** Servers the benchmarks measure, each in its own process so its RSS and CPU are its own. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/helpers/redis-server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Served {
  readonly url: string;
  readonly pid: number;
  rssKiB(): number;
  /** CPU time (user + system) the process has used, in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Linux reports CPU times in clock ticks, 100 a second. */
const TICKS = 100;

async function serve(
  args: string[],
  ready: () => Promise<boolean>,
  url: string,
  env: NodeJS.ProcessEnv,
  command = process.execPath,
): Promise<Served> {
  const child: ChildProcess = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let attempt = 0; !(await ready().catch(() => false)); attempt += 1) {
    if (exited || attempt > 600) throw new Error(`${args.join(' ')} did not start`);
    await sleep(50);
  }
  const pid = child.pid as number;
  return {
    url,
    pid,
    rssKiB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0),
    cpuSeconds: () => {
      // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / TICKS;
    },
    stop: async () => {
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([done, sleep(5000)]);
      child.kill('SIGKILL');
    },
  };
}

/**
 * celery-lens exactly as `npm start` runs it (`node dist/main.js`, its
 * defaults, the environment as given: no NODE_ENV), plus `flags`; `nodeArgs`
 * go to node itself (e.g. --cpu-prof, which NODE_OPTIONS refuses).
 */
export async function startLens(backendUrl: string, flags: string[] = [], nodeArgs: string[] = []): Promise<Served> {
  const port = await freePort();
  const { NODE_ENV: _ignored, ...env } = process.env;
  const base = `http://127.0.0.1:${port}`;
  // Every client of a benchmark is one caller (127.0.0.1): it may hold every watch of the process.
  const oneCaller = ['--max-watches-per-caller', '10000000'];
  return serve(
    // BENCH_LENS_MAIN: another build to compare with (a copy of dist/ inside this tree, for its node_modules).
    [
      ...nodeArgs,
      process.env.BENCH_LENS_MAIN ?? 'dist/main.js',
      'serve',
      '--backend',
      backendUrl,
      '--port',
      String(port),
      ...oneCaller,
      ...flags,
    ],
    async () => (await fetch(`${base}/readyz`)).ok,
    `${base}/graphql`,
    env,
  );
}

/** bench/bare-handler.ts: node:http + ioredis answering task(id)'s JSON. */
export async function startBare(backendUrl: string): Promise<Served> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const ready = async () => (await fetch(`${base}/graphql`, { method: 'POST', body: '{"variables":{"id":"x"}}' })).ok;
  return serve(['--import', 'tsx', 'bench/bare-handler.ts', String(port), backendUrl], ready, `${base}/graphql`, {
    ...process.env,
    NODE_ENV: 'production',
  });
}

/** bench/bare-ws.ts: a `ws` WebSocketServer on node:http that accepts sockets and does nothing else. */
export async function startBareWs(): Promise<Served> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  return serve(['--import', 'tsx', 'bench/bare-ws.ts', String(port)], async () => (await fetch(base)).ok, base, {
    ...process.env,
    NODE_ENV: 'production',
  });
}

/**
 * Flower run from its source (`src`: a checkout of github.com/mher/flower;
 * v2.0.1 runs on Debian's Celery 5.2 and tornado 6.2), on Debian's Python,
 * reading events from `brokerUrl` and keeping up to `maxTasks` in memory.
 */
export async function startFlower(brokerUrl: string, src: string, maxTasks: number): Promise<Served> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = [
    '-m',
    'flower',
    `--broker=${brokerUrl}`,
    'flower',
    `--port=${port}`,
    '--address=127.0.0.1',
    `--max_tasks=${maxTasks}`,
    '--persistent=False',
  ];
  // Flower 2 answers its API only to logged-in users unless told otherwise.
  const env = { ...process.env, PYTHONPATH: src, FLOWER_UNAUTHENTICATED_API: 'true' };
  return serve(args, async () => (await fetch(`${base}/api/tasks?limit=1`)).ok, base, env, '/usr/bin/python3');
}
