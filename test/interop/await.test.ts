/**
 * awaitTask with a real Celery 5.2 worker, over the real port: answers within
 * 50 ms of the worker's meta write, at the deadline (±100 ms) otherwise, and
 * at once with timedOut when the process gets SIGTERM mid-wait. Timed: it
 * runs alone, after the rest (vitest.config.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { type RedisServer, freePort, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { watchersAt } from '../helpers/watching.ts';

const BIN = fileURLToPath(new URL('../../bin/celery-lens.mjs', import.meta.url));
const QUERY =
  'query ($id: ID!, $t: Int!) { awaitTask(id: $id, timeoutSeconds: $t) { timedOut waitedMs task { id state result } } }';

interface Answer {
  data?: { awaitTask: { timedOut: boolean; waitedMs: number; task: { id: string; state: string; result: unknown } } };
  errors?: unknown[];
}

let redis: RedisServer;
let worker: CeleryWorker;
let app: Awaited<ReturnType<typeof startApp>>;
let listener: Redis;
const children: ChildProcess[] = [];
const env = () => ({ brokerUrl: redis.url(15), backendUrl: redis.url(0) });

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
  worker = await startWorker({ ...env(), queues: ['await'], concurrency: 8 });
  app = await startApp(redis.url());
  listener = new Redis(redis.url());
}, 120_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  listener?.disconnect();
  await app?.stop();
  await worker?.stop();
  await redis?.stop();
});

const awaitOver = (url: string, id: string, t: number) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { id, t } }),
  })
    .then((response) => response.json() as Promise<Answer>)
    .then((answer) => ({ answer, at: performance.now() }));

/** When the worker's ready state was written: its publish, heard on our own connection. */
async function readyWrittenAt(id: string): Promise<() => number | undefined> {
  const channel = `celery-task-meta-${id}`;
  let at: number | undefined;
  listener.on('message', (from: string, message: string) => {
    if (from === channel && /"status": "(SUCCESS|FAILURE)"/.test(message)) at ??= performance.now();
  });
  await listener.subscribe(channel);
  return () => at;
}

const send = (id: string, task: string, args: unknown[]) =>
  celery('send', [{ task, args, queue: 'await', task_id: id }], env());

describe('awaitTask with a real worker', () => {
  it('answers within 50 ms of the worker writing the result', async () => {
    // Not measured: the first operation of a fresh process compiles its paths (parse, validation, JIT).
    const warm = randomUUID();
    await send(warm, 'add', [1, 2]);
    await until(async () => (await awaitOver(app.url, warm, 1)).answer.data?.awaitTask.timedOut === false, 20_000);
    const lags: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const id = randomUUID();
      const written = await readyWrittenAt(id);
      const answer = awaitOver(app.url, id, 30);
      await until(() => app.watcher.watchedCount === 1);
      await send(id, 'sleep', [0.2]);
      const { answer: body, at } = await answer;
      expect(body.data?.awaitTask).toMatchObject({ timedOut: false, task: { id, state: 'SUCCESS', result: 0.2 } });
      await until(() => written() !== undefined);
      lags.push(at - (written() as number));
      await until(() => app.watcher.watchedCount === 0);
    }
    console.log(`awaitTask answer after the worker's write, ms: ${lags.map((lag) => lag.toFixed(1)).join(', ')}`);
    for (const lag of lags) expect(lag).toBeLessThan(50);
  }, 60_000);

  it('answers at the deadline (±100 ms) with the task as it is', async () => {
    const id = randomUUID();
    await send(id, 'sleep', [5]);
    await until(async () => (await redis.client().get(`celery-task-meta-${id}`))?.includes('STARTED') === true, 20_000);
    const started = performance.now();
    const { answer, at } = await awaitOver(app.url, id, 1);
    expect(answer.data?.awaitTask).toMatchObject({ timedOut: true, task: { id, state: 'STARTED' } });
    expect(Math.abs(at - started - 1000)).toBeLessThan(100);
    expect(Math.abs((answer.data?.awaitTask.waitedMs ?? 0) - 1000)).toBeLessThan(100);
  }, 30_000);

  it('a SIGTERM mid-wait answers timedOut at once, then the process exits 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--backend', redis.url(), '--port', String(port)], {
      stdio: 'ignore',
    });
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}/graphql`;
    await until(async () => (await fetch(url.replace('/graphql', '/readyz')).catch(() => null))?.ok === true, 20_000);
    const id = randomUUID();
    await send(id, 'sleep', [10]);
    const answer = awaitOver(url, id, 60);
    // The wait holds a watch of the task.
    await until(async () => (await watchersAt(url)) === 1);
    const signalled = performance.now();
    child.kill('SIGTERM');
    const { answer: body, at } = await answer;
    expect(body.data?.awaitTask).toMatchObject({ timedOut: true, task: { id } });
    expect(at - signalled).toBeLessThan(1000);
    expect(await exited).toBe(0);
  }, 40_000);
});
