/**
 * Releasing more watched channels at once than a function call takes
 * arguments (V8: ~125k at the default stack). Spreading every channel into one
 * UNSUBSCRIBE threw RangeError in a floating promise and took the process down.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Watch } from '../../src/live/task-watcher.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { freePort } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const BIN = fileURLToPath(new URL('../../bin/celery-lens.mjs', import.meta.url));
// Not consuming: these watches subscribe a channel each, the mechanics under test (a consuming process is fed by
// the consumer's pattern and subscribes none: state-feed.test.ts).
const lens = useLens(['--consume', 'false']);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Channels each celery-lens subscriber connection holds, as Redis counts them (CLIENT LIST `sub=`), in
 * Redis' order: the in-process app's and the spawned process' share the name, and a connection that
 * reconnected (a command timed out under load) moves behind the other, so callers look for a count
 * rather than at a position.
 */
async function subscribed(name = 'celery-lens-sub'): Promise<number[]> {
  const list = (await lens.redis.client().client('LIST')) as string;
  return list
    .split('\n')
    .filter((entry) => entry.includes(` name=${name} `))
    .map((entry) => Number(/ sub=(\d+)/.exec(entry)?.[1]));
}

const metric = async (base: string) =>
  /\ncelery_lens_subscribed_task_channels (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1];

describe('releasing more than 125k watched channels in one tick', () => {
  it('132,000 watches stopped at once: every channel is unsubscribed, and the app keeps serving', async () => {
    const { watcher } = lens.app;
    const watches: Watch[] = [];
    // Opened in two batches, as two clients would: each batch alone fits in one call's arguments.
    for (let batch = 0; batch < 2; batch += 1) {
      for (const watch of await Promise.all(
        Array.from({ length: 66_000 }, () => watcher.watch(randomUUID(), () => {})),
      ))
        watches.push(watch);
    }
    expect(await subscribed()).toEqual([132_000]);
    for (const watch of watches) watch.stop();
    await until(async () => (await subscribed())[0] === 0, 20_000);
    // Under load an UNSUBSCRIBE may time out client-side after Redis ran it: the count follows once confirmed.
    await until(() => watcher.channelCount === 0, 20_000);
    const base = lens.app.url.replace('/graphql', '');
    await until(async () => (await metric(base)) === '0');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  }, 60_000);
});

describe('in a real process', () => {
  // A smaller stack lowers V8's argument limit (~25k at 200 KB), so 30 × 1,000
  // watches show in seconds what 200k watches do at the default stack.
  const ROOTS = 30;
  const CHILDREN = 1000;

  async function serve() {
    const port = await freePort();
    const flags = [
      '--backend',
      lens.redis.url(),
      '--port',
      String(port),
      '--rate-limit',
      '0',
      '--max-watches-per-connection',
      '100000',
      '--max-watches-per-caller',
      '100000',
      '--consume',
      'false',
    ];
    const child = spawn(process.execPath, ['--stack-size=200', BIN, 'serve', ...flags], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok === true, 20_000);
    return { child, base, exited, stderr: () => stderr };
  }

  /** One WebSocket with ROOTS taskGraph subscriptions, each waiting on CHILDREN pending tasks (one event each). */
  async function watchGraphs(base: string): Promise<WebSocket> {
    const roots: string[] = [];
    for (let index = 0; index < ROOTS; index += 1) {
      const members = Array.from({ length: CHILDREN }, () => [[randomUUID(), null], null]);
      roots.push(await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 1, children: members }));
    }
    const socket = new WebSocket(`${base.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const received = new Set<string>();
    const errors: unknown[] = [];
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: string; type: string; payload?: { errors?: unknown } };
      if (message.type === 'next' && message.payload?.errors) errors.push(message.payload.errors);
      else if (message.type === 'next') received.add(message.id as string);
      else if (message.type === 'connection_ack') {
        roots.forEach((rootId, index) => {
          const query = 'subscription ($rootId: ID!) { taskGraph(rootId: $rootId, maxDepth: 1) { ready } }';
          socket.send(
            JSON.stringify({ id: String(index), type: 'subscribe', payload: { query, variables: { rootId } } }),
          );
        });
      }
    });
    // Opening 30,000 watches takes ~2 s alone, many times that beside other suites on 2 cores: what is
    // checked here is their release, not how fast they open.
    await until(
      async () => errors.length > 0 || (received.size === ROOTS && (await subscribed()).includes(ROOTS * CHILDREN)),
      60_000,
    );
    expect(errors).toEqual([]);
    return socket;
  }

  it('a socket holding 30,000 watches closes: the process keeps serving and Redis holds no channel; SIGTERM then exits 0', async () => {
    const lensProcess = await serve();
    const socket = await watchGraphs(lensProcess.base);
    socket.terminate();
    await until(async () => (await subscribed()).every((count) => count === 0), 20_000);
    expect(lensProcess.child.exitCode).toBe(null);
    expect((await fetch(`${lensProcess.base}/healthz`)).status).toBe(200);
    await until(async () => (await metric(lensProcess.base)) === '0', 20_000);

    // SIGTERM completes every subscription at once: as many channels left in one tick.
    await watchGraphs(lensProcess.base);
    lensProcess.child.kill('SIGTERM');
    expect(await lensProcess.exited).toBe(0);
    expect(lensProcess.stderr()).not.toMatch(/RangeError|Unhandled/);
  }, 120_000);
});
