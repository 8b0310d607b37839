import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Demo {
  readonly child: ChildProcess;
  /** The page's origin, and the root task id of each kind of workflow sent so far. */
  origin: string | null;
  /** The private redis-server's port. */
  redisPort: string | null;
  readonly sent: Map<string, string>;
}

function startDemo(): Demo {
  // As `npm run demo` runs it: one Node process with tsx's loader, so SIGINT reaches the demo itself (tsx's
  // CLI relays it and SIGKILLs a child that has not answered within 30 ms, which a loaded machine misses).
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/run.ts', '--interval', '1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const demo: Demo = { child, origin: null, redisPort: null, sent: new Map() };
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const page = /^ {2}page +(http:\/\/\S+)\/$/.exec(line);
    if (page?.[1]) demo.origin = page[1];
    const backend = /^ {2}backend +redis:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
    if (backend?.[1]) demo.redisPort = backend[1];
    const sent = /^ {2}(\w+) +http:\/\/\S+\/tasks\/(\S+)$/.exec(line);
    if (sent?.[1] && sent[2] && !demo.sent.has(sent[1])) demo.sent.set(sent[1], sent[2]);
  });
  return demo;
}

async function query<T>(origin: string, document: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: document, variables }),
  });
  return ((await response.json()) as { data: T }).data;
}

interface TaskView {
  task: { state: string; status: string; result: unknown; retries: number | null; error: { type: string } | null; children: { id: string }[] };
}
const TASK = 'query ($id: ID!) { task(id: $id) { state status result retries error { type } children { id } } }';

let demo: Demo | null = null;
afterAll(() => {
  if (demo?.child.exitCode === null) demo.child.kill('SIGKILL');
});

describe('npm run demo', () => {
  it('runs a real worker and every kind of workflow, serves them, and Ctrl-C leaves nothing behind', async () => {
    demo = startDemo();
    const running = demo;
    await until(() => running.sent.size >= 6, 90_000);
    const origin = running.origin as string;
    const settled = async (kind: string, check: (task: TaskView['task']) => boolean) => {
      const id = running.sent.get(kind) as string;
      let last: TaskView['task'] | null = null;
      await until(async () => check((last = (await query<TaskView>(origin, TASK, { id })).task)), 60_000).catch(() => {
        throw new Error(`${kind} ${id} never settled: ${JSON.stringify(last)}`);
      });
    };
    await settled('chord', (task) => task.state === 'SUCCESS' && task.result === 506);
    await settled('chain', (task) => task.state === 'SUCCESS' && task.result === 'published item 1');
    await settled('group', (task) => task.status === 'SUCCEEDED' && task.children.length === 20);
    await settled('failure', (task) => task.state === 'FAILURE' && task.error?.type === 'ValueError');
    await settled('retry', (task) => task.state === 'SUCCESS' && task.retries === 2);
    await settled('revoked', (task) => task.state === 'REVOKED');
    await settled('long', (task) => task.state === 'PROGRESS' || task.status === 'RUNNING');

    running.child.kill('SIGINT');
    const [code] = (await once(running.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    // celery-lens, the worker and the sender are gone with it, and so is its Redis.
    await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
    const left = execFileSync('ps', ['-eo', 'args']).toString().split('\n');
    expect(left.filter((args) => /demo_app|send_workflows\.py/.test(args) || args.includes(`:${running.redisPort}`))).toEqual([]);
  }, 180_000);
});
