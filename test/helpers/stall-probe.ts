/**
 * For stall cases: runs a request while probing /healthz over real HTTP, so a
 * request that blocks the event loop (or the shared Redis connection) shows
 * up as a slow health answer. The server runs in a child process (`serveApart`)
 * so that the test's own work and garbage do not count against it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './redis-server.ts';
import { until } from './until.ts';

const BIN = fileURLToPath(new URL('../../bin/celery-lens.mjs', import.meta.url));

/**
 * The slowest /healthz answer a stall test accepts. The faults these tests
 * guard against held the event loop 3.5–10 s; on a loaded 2-core machine a
 * healthy server's probe still waits up to a few hundred ms for a core.
 */
export const HEALTHY_PROBE_MS = 1000;

export interface ServedApart {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** `celery-lens serve` in a child process on a free port, ready (/readyz 200) when this resolves; `nodeArgs` go to node (e.g. --inspect). */
export async function serveApart(
  backendUrl: string,
  flags: readonly string[] = [],
  nodeArgs: readonly string[] = [],
): Promise<ServedApart> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...nodeArgs, BIN, 'serve', '--backend', backendUrl, '--port', String(port), '--rate-limit', '0', ...flags],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/graphql`;
  await until(async () => (await fetch(new URL('/readyz', url)).catch(() => null))?.ok === true, 30_000);
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
export interface Probed<T> {
  readonly result: T;
  /** How long the request took, in ms. */
  readonly ms: number;
  /** The slowest /healthz answer while it ran, in ms. */
  readonly slowestHealthMs: number;
  readonly probes: number;
}

export async function whileProbingHealth<T>(url: string, request: () => Promise<T>): Promise<Probed<T>> {
  const started = performance.now();
  let done = false;
  const pending = request().finally(() => {
    done = true;
  });
  // Awaited below; this only keeps a rejection from being reported as unhandled meanwhile.
  pending.catch(() => {});
  let slowestHealthMs = 0;
  let probes = 0;
  do {
    const sent = performance.now();
    const response = await fetch(new URL('/healthz', url));
    await response.arrayBuffer();
    slowestHealthMs = Math.max(slowestHealthMs, performance.now() - sent);
    probes += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
  } while (!done);
  const result = await pending;
  return { result, ms: performance.now() - started, slowestHealthMs, probes };
}

export interface GraphQLAnswer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** A plain POST of a query to the real server. */
export async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLAnswer;
}
