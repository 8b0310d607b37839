/**
 * celery-lens/client (client/src) against the real server and a real Redis:
 * waiting, watching, and resuming across a dropped socket, a Redis restart
 * and a dropped SSE stream, with no update lost or repeated; SSE when the
 * WebSocket upgrade is refused. Metas are written as Celery writes them.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import WebSocket from 'ws';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../client/src/index.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { startApp } from '../helpers/app.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { useLensClients } from '../helpers/lens-clients.ts';
import { until } from '../helpers/until.ts';
import { released, watching } from '../helpers/watching.ts';
import type { TaskWatcher } from '../../src/live/task-watcher.ts';
import { STATE_CLOCK } from '../helpers/state-log.ts';

const lens = useLens();
let redis: Redis;

beforeAll(() => {
  redis = lens.redis.client();
});

const client = useLensClients(() => lens.app.url);

const progress = (id: string, step: number) =>
  writeMeta(redis, { status: 'PROGRESS', result: { current: step } }, { id });
const succeed = (id: string) =>
  writeMeta(redis, { status: 'SUCCESS', result: 'done', date_done: new Date().toISOString() }, { id });
const label = (task: Task) =>
  task.rawState === 'PROGRESS' ? `P${(task.meta as { current: number }).current}` : task.rawState;
/** The app watches the task, and hears states (its pattern subscribed on the server, after a restart too). */
const watched = async (id: string, app: { readonly watcher: TaskWatcher } = lens.app) =>
  until(async () => watching(app, [id]) && Number(await redis.pubsub('NUMPAT')) > 0);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `P${from + index}`);

describe('waitForTask', () => {
  it('resolves with the final state, rejects TIMEOUT at the deadline and on abort', async () => {
    const lensClient = client();
    const id = await progress(randomUUID(), 1);
    const waiting = lensClient.waitForTask(id, { timeoutMs: 10_000 });
    await watched(id);
    await succeed(id);
    await expect(waiting).resolves.toMatchObject({ id, state: 'SUCCESS', result: 'done', ready: true });

    const slow = await progress(randomUUID(), 1);
    await expect(lensClient.waitForTask(slow, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const controller = new AbortController();
    const aborted = lensClient.waitForTask(slow, { signal: controller.signal });
    controller.abort(new Error('no longer needed'));
    await expect(aborted).rejects.toThrow('no longer needed');
    await until(() => released(lens.app, [slow]));
  });

  it('a bad id ends with the server’s code, over either transport', async () => {
    await expect(client().waitForTask('not-a-uuid')).rejects.toMatchObject({ code: 'INVALID_TASK_ID' });
    await expect(client({ transport: 'sse' }).waitForTask('not-a-uuid')).rejects.toMatchObject({
      code: 'INVALID_TASK_ID',
    });
  });
});

describe('watchTask across failures', () => {
  it('a socket dropped mid-stream: it reconnects and resumes, no step lost or repeated', async () => {
    const lensClient = client();
    const id = await progress(randomUUID(), 1);
    const seen: string[] = [];
    const handle = lensClient.watchTask(id, (task) => seen.push(label(task)));
    await until(() => seen.length === 1);
    for (let step = 2; step <= 5; step += 1) await progress(id, step);
    await until(() => seen.length === 5);
    for (const socket of lens.app.wsServer.clients) socket.terminate();
    // Published while the client is away (it waits at least 25 ms before reconnecting).
    for (let step = 6; step <= 12; step += 1) await progress(id, step);
    await watched(id);
    for (let step = 13; step <= 15; step += 1) await progress(id, step);
    await succeed(id);
    await handle.done;
    expect(seen).toEqual([...range(1, 15), 'SUCCESS']);
    expect(lensClient.transportName).toBe('ws');
  });

  it('Redis restarted mid-stream: every step written before and after arrives once', async () => {
    const lensClient = client();
    const id = await progress(randomUUID(), 1);
    const seen: string[] = [];
    const handle = lensClient.watchTask(id, (task) => seen.push(label(task)));
    await until(() => seen.length === 1);
    await progress(id, 2);
    await progress(id, 3);
    await until(() => seen.length === 3);
    await lens.redis.kill();
    await lens.redis.restart();
    // The server subscribes again by itself; steps after the restart go to a Redis that lost everything.
    await watched(id);
    for (let step = 4; step <= 8; step += 1) await progress(id, step);
    await succeed(id);
    await handle.done;
    expect(seen).toEqual([...range(1, 8), 'SUCCESS']);
  }, 30_000);

  it('the socket dropped while Redis is down: the cursor has expired, it reads afresh and repeats nothing', async () => {
    const lensClient = client();
    const id = await progress(randomUUID(), 1);
    const seen: string[] = [];
    const handle = lensClient.watchTask(id, (task) => seen.push(label(task)));
    await until(() => seen.length === 1);
    await progress(id, 2);
    await until(() => seen.length === 2);
    await lens.redis.kill();
    for (const socket of lens.app.wsServer.clients) socket.terminate();
    await lens.redis.restart();
    // Resubscribed: the old cursor is CURSOR_EXPIRED (Redis lost the states); the fresh subscription
    // starts the counter again before it watches (an attempt with the old cursor only reads it).
    await until(async () => lens.app.watcher.listenerCount === 1 && (await redis.exists(STATE_CLOCK)) === 1);
    await progress(id, 2); // the same state again, as a worker retrying its write would
    await progress(id, 3);
    await succeed(id);
    await handle.done;
    expect(seen).toEqual(['P1', 'P2', 'P3', 'SUCCESS']);
  }, 30_000);

  it('watchTasks: two tasks across a dropped socket', async () => {
    const lensClient = client();
    const [a, b] = [await progress(randomUUID(), 1), await progress(randomUUID(), 1)];
    const seen: string[] = [];
    const handle = lensClient.watchTasks([a, b], (task) => seen.push(`${task.id === a ? 'a' : 'b'}${label(task)}`));
    await until(() => seen.length === 2);
    for (const socket of lens.app.wsServer.clients) socket.terminate();
    await progress(a, 2);
    await progress(b, 2);
    await watched(a);
    await succeed(a);
    await succeed(b);
    await handle.done;
    expect(seen.filter((entry) => entry.startsWith('a'))).toEqual(['aP1', 'aP2', 'aSUCCESS']);
    expect(seen.filter((entry) => entry.startsWith('b'))).toEqual(['bP1', 'bP2', 'bSUCCESS']);
  });

  it('watchGraph: the workflow now and after its change', async () => {
    const lensClient = client();
    const root = await progress(randomUUID(), 1);
    const states: string[] = [];
    const handle = lensClient.watchGraph(root, (graph) =>
      states.push(graph.nodes.map((node) => node.task?.rawState).join()),
    );
    await until(() => states.length === 1);
    await succeed(root);
    await handle.done;
    expect(states).toEqual(['PROGRESS', 'SUCCESS']);
  });
});

describe('SSE fallback', () => {
  /** A WebSocket from a page on another site: the server refuses the upgrade (403). */
  class ForeignWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { origin: 'https://elsewhere.example' });
    }
  }

  it('WebSocket refused: it watches over SSE, and resumes after the stream is cut', async () => {
    const lensClient = client({ webSocketImpl: ForeignWebSocket });
    const id = await progress(randomUUID(), 1);
    const seen: string[] = [];
    const handle = lensClient.watchTask(id, (task) => seen.push(label(task)));
    await until(() => seen.length === 1);
    expect(lensClient.transportName).toBe('sse');
    await progress(id, 2);
    await until(() => seen.length === 2);
    lens.app.server.closeAllConnections();
    for (let step = 3; step <= 6; step += 1) await progress(id, step);
    await watched(id);
    await succeed(id);
    await handle.done;
    expect(seen).toEqual([...range(1, 6), 'SUCCESS']);
  });
});

describe('a watch the server completes at once', () => {
  it('watchTasks of no ids ends, untilReady false included (nothing to re-subscribe for)', async () => {
    const lensClient = client();
    await expect(lensClient.watchTasks([], () => {}).done).resolves.toBeUndefined();
    await expect(lensClient.watchTasks([], () => {}, { untilReady: false }).done).resolves.toBeUndefined();
  });
});

describe('across a server restart (a rolling deploy)', () => {
  it.each(['ws', 'sse'] as const)(
    'waitForTask over %s resolves once the task finishes on the next process',
    async (transport) => {
      const first = await startApp(lens.redis.url());
      const { port } = new URL(first.url);
      const lensClient = client({ url: first.url, transport, retry: { minDelayMs: 50, maxDelayMs: 200 } });
      const id = await progress(randomUUID(), 1);
      const waiting = lensClient.waitForTask(id, { timeoutMs: 20_000 });
      await watched(id, first);
      // The process going away is not the task being done: the client must not settle here.
      await first.stop();
      const second = await startApp(lens.redis.url(), ['--port', port]);
      try {
        await watched(id, second);
        await succeed(id);
        await expect(waiting).resolves.toMatchObject({ id, state: 'SUCCESS', result: 'done', ready: true });
      } finally {
        await second.stop();
      }
    },
  );
});
