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
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serve(args: string[], readyPath: string, port: number, env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const response = await fetch(`${base}${readyPath}`, readyPath === '/' ? { method: 'POST', body: '{"variables":{"id":"x"}}' } : {});
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 400) throw new Error(`${args.join(' ')} did not start`);
    await sleep(50);
  }
  const pid = child.pid as number;
  return {
    url: readyPath === '/' ? base : `${base}/graphql`,
    pid,
    rssKiB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      child.kill('SIGKILL');
    },
  };
}

/** celery-lens as an operator runs it (production mode, the bin), without the rate limit. */
/** `nodeArgs` go to node itself (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
export async function startLens(backendUrl: string, flags: string[] = [], nodeArgs: string[] = []): Promise<Served> {
  const port = await freePort();
  return serve(
    [...nodeArgs, 'bin/celery-lens.mjs', 'serve', '--backend', backendUrl, '--port', String(port), '--rate-limit', '0', '--max-ids', '10000', ...flags],
    '/readyz',
    port,
  );
}

export async function startBare(backendUrl: string): Promise<Served> {
  const port = await freePort();
  return serve(['--import', 'tsx', 'bench/bare-handler.ts', String(port), backendUrl], '/', port);
}
