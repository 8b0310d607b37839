/**
 * `npm run demo`: everything needed to look at celery-lens without a Celery
 * deployment, each part private: a redis-server on a free port, a real Celery
 * worker (Debian's python3-celery), a loop sending realistic workflows, and
 * celery-lens itself as `npm start` runs it, on port 4000 (`--port N`) unless
 * that is taken, with every feature of the page turned on. Ctrl-C (or
 * `--seconds N`) stops everything it started. `--broker rabbitmq` puts the
 * worker's messages and events on the machine's RabbitMQ instead (a vhost of
 * the demo's own, deleted after), results staying on the private Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureCelery } from '../test/helpers/celery.ts';
import { createVhost } from '../test/helpers/rabbitmq.ts';
import { freePort, startRedis } from '../test/helpers/redis-server.ts';

const PYTHON = '/usr/bin/python3';
const HERE = fileURLToPath(new URL('./', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string' }, // stop by itself after this long (tests)
    interval: { type: 'string', default: '4' }, // seconds between workflows
    port: { type: 'string', default: '4000' }, // celery-lens' port, kept across runs so links stay valid
    broker: { type: 'string', default: 'redis' }, // redis (the same private Redis) or rabbitmq
  },
});

/** Celery's result_expires, given to the demo's app and to celery-lens, so expiries agree. */
const RESULT_EXPIRES = 3600;
/** What `npm start` would need to show everything: control (Revoke, Re-send, sendTask) and the tenant kwarg indexed. */
const LENS_FLAGS = [
  '--result-expires',
  String(RESULT_EXPIRES),
  '--control',
  'true',
  '--send-allow',
  'demo.*',
  '--index-kwargs',
  'tenant',
];

const logs = mkdtempSync(join(tmpdir(), 'celery-lens-demo-'));
const children: ChildProcess[] = [];

/** Starts a process in its own group (a Celery worker forks; tsx runs node): one kill reaches all. */
function start(
  name: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): ChildProcess {
  const log = openSync(join(logs, `${name}.log`), 'a');
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', name === 'sender' ? 'pipe' : log, log],
  });
  children.push(child);
  return child;
}

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function until(
  probe: () => Promise<boolean>,
  what: string,
  child: ChildProcess,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}); logs: ${logs}`);
    if (Date.now() > deadline) throw new Error(`${what} did not come up in ${timeoutMs / 1000} s (logs: ${logs})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<void> {
  const preferred = Number(options.port);
  if (!Number.isInteger(preferred) || preferred < 1 || preferred > 65_535)
    throw new Error(`--port: "${options.port}" is not a port (1 to 65535)`);
  if (options.broker !== 'redis' && options.broker !== 'rabbitmq')
    throw new Error(`--broker: "${options.broker}" is not redis or rabbitmq`);
  await ensureCelery();
  const redis = await startRedis();
  stops.push(() => redis.stop());
  const backend = redis.url(0);
  const vhost = options.broker === 'rabbitmq' ? await createVhost() : null;
  if (vhost) stops.push(() => vhost.delete());
  const broker = vhost ? vhost.url() : backend;
  const celeryEnv = {
    DEMO_BROKER_URL: broker,
    DEMO_BACKEND_URL: backend,
    DEMO_RESULT_EXPIRES: String(RESULT_EXPIRES),
    PYTHONPATH: HERE,
    PYTHONDONTWRITEBYTECODE: '1',
  };

  // prefork, as most deployments run it: it also lets a revoke terminate a running task.
  const worker = start(
    'worker',
    PYTHON,
    [
      '-m',
      'celery',
      '-A',
      'demo_app',
      'worker',
      '--pool',
      'prefork',
      '--concurrency',
      '4',
      '--hostname',
      'demo@%h',
      '--without-mingle',
      '--without-gossip',
      '--loglevel',
      'INFO',
    ],
    celeryEnv,
    HERE,
  );
  // The same port as last time when free, so a bookmarked link works in the next run.
  const port = await freePort(preferred);
  const lens = start(
    'celery-lens',
    process.execPath,
    ['dist/main.js', ...LENS_FLAGS],
    {
      CELERY_RESULT_BACKEND: backend,
      CELERY_BROKER_URL: broker,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
    },
    ROOT,
  );
  const origin = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${origin}/readyz`)).ok, 'celery-lens', lens);
  // The worker has declared its queue: kombu's binding key on Redis, the queue itself on RabbitMQ.
  const declared = vhost
    ? async () => (await vhost.queues()).has('celery')
    : async () => (await redis.client().keys('_kombu.binding.*')).length > 0;
  await until(declared, 'the Celery worker', worker);

  const sender = start('sender', PYTHON, ['send_workflows.py', options.interval ?? '4'], celeryEnv, HERE);
  if (port !== preferred)
    console.log(
      `Port ${preferred} is taken (another demo?): celery-lens listens on ${port} this time (--port N picks one).`,
    );
  console.log(`celery-lens demo (logs in ${logs})
  page       ${origin}/
  GraphiQL   ${origin}/graphql
  backend    ${backend}  (Redis: ${vhost ? 'the result backend' : "broker and result backend of the demo's worker"})${vhost ? `\n  broker     ${broker}  (RabbitMQ: a vhost of the demo's own)` : ''}
  options    ${LENS_FLAGS.map((flag) => (flag.includes('*') ? `'${flag}'` : flag)).join(' ')}
Revoke and Re-send are on each task's page, sendTask (demo.* tasks) in GraphiQL; every task has a tenant kwarg: ${origin}/tasks?kw.tenant=acme
Sending a workflow every ${options.interval} s, each link its first task: a chord, a chain with PROGRESS, a failure, a retry, a group of 20, a revoked task; and one 60 s report. Ctrl-C stops everything.`);
  let first = true;
  for await (const line of createInterface({ input: sender.stdout as NodeJS.ReadableStream })) {
    const { kind, id } = JSON.parse(line) as { kind: string; id: string };
    console.log(`  ${kind.padEnd(8)} ${origin}/tasks/${id}`);
    if (first && kind === 'chord') {
      console.log(`Open a running workflow: ${origin}/tasks/${id}`);
      first = false;
    }
  }
  if (lens.exitCode !== null) throw new Error(`celery-lens exited (${lens.exitCode}); logs: ${logs}`);
}

const stops: (() => Promise<void>)[] = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  // SIGQUIT: Celery's cold shutdown, without waiting a minute for the long task.
  for (const child of children) kill(child, child.spawnargs.includes('worker') ? 'SIGQUIT' : 'SIGTERM');
  const exits = children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => once(c, 'exit'));
  const timer = setTimeout(() => children.forEach((child) => kill(child, 'SIGKILL')), 5000);
  await Promise.all(exits);
  clearTimeout(timer);
  for (const stop of stops) await stop();
  if (code === 0) rmSync(logs, { recursive: true, force: true });
  process.exit(code);
}

process.once('SIGINT', () => void stopAll(0).catch(() => process.exit(1)));
process.once('SIGTERM', () => void stopAll(0).catch(() => process.exit(1)));
if (options.seconds) setTimeout(() => void stopAll(0).catch(() => process.exit(1)), Number(options.seconds) * 1000);
main().catch(async (error: unknown) => {
  console.error(`celery-lens demo: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
