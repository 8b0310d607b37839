/**
 * Drives Debian's Celery (python3-celery 5.2, under /usr/bin/python3) for the
 * interop suite: a real worker process, and lens_cli.py to send tasks and to
 * ask AsyncResult for its own view.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages, refuseInUnitTier, runs } from './debian.ts';

const PYTHON = '/usr/bin/python3';
const FIXTURES = fileURLToPath(new URL('../fixtures/celery/', import.meta.url));

export async function ensureCelery(): Promise<void> {
  ensureDebianPackages(
    () => runs(PYTHON, ['-c', 'import celery, redis']) && runs('redis-server', ['--version']),
    ['redis-server', 'python3-celery', 'python3-redis'],
  );
}

export interface CeleryEnv {
  readonly brokerUrl: string;
  readonly backendUrl: string;
  /** @default true */
  readonly resultExtended?: boolean;
  /** @default true */
  readonly trackStarted?: boolean;
  /** worker_send_task_events (and task_send_sent_event unless `sentEvent` says). @default true */
  readonly events?: boolean;
  /** task_send_sent_event, for the sending side. @default events */
  readonly sentEvent?: boolean;
  /** result_expires, in seconds. @default 3600 */
  readonly resultExpires?: number;
  /** result_serializer. @default 'json' */
  readonly resultSerializer?: 'json' | 'pickle';
  /** task_acks_late (with a worker_prefetch_multiplier of 1). @default false */
  readonly acksLate?: boolean;
  /** The Redis transport's visibility_timeout in seconds: when an unacked message is restored to its queue. @default kombu's 3600 */
  readonly visibilityTimeout?: number;
  /** broker_transport_options, e.g. `{ priority_steps: [0, 3, 6, 9] }`. @default none */
  readonly brokerTransportOptions?: Readonly<Record<string, unknown>>;
}

export interface WorkerOptions extends CeleryEnv {
  /** Queues to consume. @default ['celery'] */
  readonly queues?: readonly string[];
  /** Threads or processes. @default 8 */
  readonly concurrency?: number;
  /**
   * `threads` starts fast; `prefork` is what most deployments run. Celery
   * 5.2's threads pool can lose batched task events (its event buffer is
   * published, then cleared, while worker threads append to it): tests of
   * the event timeline use prefork. @default 'threads'
   */
  readonly pool?: 'threads' | 'prefork';
  /** `--heartbeat-interval` in seconds (worker-heartbeat events). @default Celery's 2 */
  readonly heartbeatInterval?: number;
  /** `--hostname` (`name@%h`), e.g. to restart a worker under the same name. @default a fresh one */
  readonly hostname?: string;
}

export interface WorkerStop {
  readonly ms: number;
  readonly killed: boolean;
}

export interface CeleryWorker {
  /** The worker's node name, e.g. lens-1a2b@host. */
  readonly hostname: string;
  output(): string;
  /**
   * Warm shutdown (SIGTERM): the worker says goodbye (worker-offline); SIGKILLed if still there after 5 s.
   * Resolves with how long it took and whether it was killed (for a test's failure message).
   */
  stop(): Promise<WorkerStop>;
  /** SIGKILLs the worker and its pool processes at once, as a crash, the OOM killer or a host lost would: no goodbye. */
  kill(): Promise<void>;
}

function pythonEnv(options: CeleryEnv): NodeJS.ProcessEnv {
  const flag = (value: boolean | undefined) => (value === false ? '0' : '1');
  return {
    ...process.env,
    PYTHONPATH: FIXTURES,
    PYTHONDONTWRITEBYTECODE: '1',
    LENS_BROKER_URL: options.brokerUrl,
    LENS_BACKEND_URL: options.backendUrl,
    LENS_RESULT_EXTENDED: flag(options.resultExtended),
    LENS_TRACK_STARTED: flag(options.trackStarted),
    LENS_EVENTS: flag(options.events),
    LENS_SENT_EVENT: flag(options.sentEvent ?? options.events),
    LENS_RESULT_EXPIRES: String(options.resultExpires ?? 3600),
    LENS_RESULT_SERIALIZER: options.resultSerializer ?? 'json',
    LENS_ACKS_LATE: flag(options.acksLate ?? false),
    ...(options.visibilityTimeout === undefined ? {} : { LENS_VISIBILITY_TIMEOUT: String(options.visibilityTimeout) }),
    ...(options.brokerTransportOptions
      ? { LENS_BROKER_TRANSPORT_OPTIONS: JSON.stringify(options.brokerTransportOptions) }
      : {}),
  };
}

export async function startWorker(options: WorkerOptions): Promise<CeleryWorker> {
  refuseInUnitTier('Celery worker');
  const hostname = options.hostname ?? `lens-${randomUUID().slice(0, 8)}@%h`;
  const child: ChildProcess = spawn(
    PYTHON,
    [
      '-m',
      'celery',
      '-A',
      'lens_app',
      'worker',
      '--pool',
      options.pool ?? 'threads',
      '--concurrency',
      String(options.concurrency ?? (options.pool === 'prefork' ? 2 : 8)),
      '--queues',
      (options.queues ?? ['celery']).join(','),
      '--hostname',
      hostname,
      '--without-mingle',
      '--without-gossip',
      ...(options.heartbeatInterval === undefined ? [] : ['--heartbeat-interval', String(options.heartbeatInterval)]),
      '--loglevel',
      'INFO',
    ],
    { cwd: FIXTURES, env: pythonEnv(options), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (/ ready\.\s*$/m.test(log)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`celery worker exited (${code}) before it was ready:\n${log}`)));
    setTimeout(() => reject(new Error(`celery worker not ready after 30 s:\n${log}`)), 30_000).unref();
  });
  const stop = async (): Promise<WorkerStop> => {
    const started = Date.now();
    let killed = false;
    if (child.exitCode !== null || child.signalCode !== null) return { ms: 0, killed };
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 5000);
    await exited;
    clearTimeout(timer);
    return { ms: Date.now() - started, killed };
  };
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // The pool's processes first: they would otherwise finish the task on their own.
    const pool = await new Promise<number[]>((resolve) =>
      execFile('pgrep', ['-P', String(child.pid)], (_error, stdout) =>
        resolve(stdout.split('\n').filter(Boolean).map(Number)),
      ),
    );
    for (const pid of pool) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    child.kill('SIGKILL');
    await exited;
  };
  return { hostname, output: () => log, stop, kill };
}

/**
 * Runs lens_cli.py: `send` tasks, `view` AsyncResults, `wait` until ready and view, `revoke`,
 * `send_task` as a Python client, `inspect_revoked`, or ask kombu the queues' `sizes`.
 */
export function celery<T = unknown>(
  command: 'send' | 'view' | 'wait' | 'revoke' | 'send_task' | 'inspect_revoked' | 'sizes',
  input: unknown,
  options: CeleryEnv,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      PYTHON,
      [`${FIXTURES}lens_cli.py`, command],
      { cwd: FIXTURES, env: pythonEnv(options), maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`lens_cli.py ${command} failed: ${stderr || error.message}`));
        try {
          resolve(JSON.parse(stdout) as T);
        } catch {
          reject(new Error(`lens_cli.py ${command} printed no JSON: ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`));
        }
      },
    );
    child.stdin?.end(JSON.stringify(input));
  });
}
