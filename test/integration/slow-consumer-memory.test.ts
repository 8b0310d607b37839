/**
 * What a subscriber that stopped reading makes the process hold: its queue
 * is bounded in bytes (--max-queued-bytes, counting what its socket still
 * holds) as well as in updates, and what it queues holds only its own
 * bytes (not the MB-sized buffers Redis replies are read into). Measured on
 * a spawned process, after collecting its garbage, against the same process
 * before the burst; the client then reads on and gets the latest state.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawOf, type TaskUpdate } from '../../src/live/task-watcher.ts';
import { startApp } from '../helpers/app.ts';
import { type Inspected, serveInspected } from '../helpers/inspected.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const UPDATES = 60;
const META_BYTES = 1_000_000;

let redis: RedisServer;
let lens: Inspected;
beforeAll(async () => {
  redis = await startRedis();
  lens = await serveInspected(redis.url());
});
afterAll(async () => {
  await lens?.stop();
  await redis?.stop();
});

async function consumed(): Promise<number> {
  const text = await (await fetch(new URL('/metrics', lens.url))).text();
  return Number(/celery_lens_consumed_messages_total\{result="ok"\} (\d+)/.exec(text)?.[1] ?? 0);
}

/** A raw graphql-ws client whose steps the test can see, and whose TCP socket it can pause. */
async function subscriber(id: string) {
  const socket = new WebSocket(lens.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const steps: number[] = [];
  let acknowledged = false;
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as {
      type: string;
      payload?: { data?: { task: { meta: { step?: number } | null } } };
    };
    if (message.type === 'connection_ack') acknowledged = true;
    if (message.type === 'next') steps.push(message.payload?.data?.task.meta?.step ?? -1);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await until(() => acknowledged);
  const query = 'subscription ($id: ID!) { task(id: $id, untilReady: false) { id state meta } }';
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { id } } }));
  await until(() => steps.length === 1);
  // ws keeps its TCP socket private; pausing it is what a client that stopped reading does.
  const tcp = (socket as unknown as { _socket: Socket })._socket;
  return { socket, steps, pause: () => tcp.pause(), resume: () => tcp.resume() };
}

describe('a WebSocket subscriber that stopped reading', () => {
  it(`holds little while ${UPDATES} updates of a 1 MB meta are published to it, and then gets the latest`, {
    timeout: 180_000,
  }, async () => {
    const id = randomUUID();
    const client = await subscriber(id);
    try {
      client.pause();
      const before = await lens.held();
      const counted = await consumed();
      const writer = redis.client();
      const key = `celery-task-meta-${id}`;
      const blob = 'x'.repeat(META_BYTES);
      for (let step = 0; step < UPDATES; step += 1) {
        const value = JSON.stringify({
          status: 'PROGRESS',
          result: { step, blob },
          traceback: null,
          children: [],
          date_done: null,
          task_id: id,
        });
        await writer.multi().setex(key, 3600, value).publish(key, value).exec();
        // Paced by the process' own intake (the consumer records each update after the watcher fanned it out):
        // a burst of 60 MB would pass Redis' pub/sub output-buffer limit on a loaded machine and Redis would
        // drop the process' connections, which is not what this measures. Its WebSocket client reads nothing.
        await until(async () => (await consumed()) >= counted + step + 1, 60_000);
      }
      const after = await lens.held();
      const grown = after.heapMiB + after.buffersMiB - (before.heapMiB + before.buffersMiB);
      console.log(
        `held ${grown.toFixed(1)} MiB more (heap ${before.heapMiB.toFixed(0)} → ${after.heapMiB.toFixed(0)}, buffers ${before.buffersMiB.toFixed(0)} → ${after.buffersMiB.toFixed(0)}; RSS ${before.rssMiB.toFixed(0)} → ${after.rssMiB.toFixed(0)} MiB)`,
      );
      // 64 queued updates of this size held 128 MiB, and their buffers ~4 MiB each besides.
      expect(grown).toBeLessThan(50);

      client.resume();
      await until(() => client.steps.at(-1) === UPDATES - 1, 60_000);
      // Collapsed to the latest: far fewer events than updates.
      expect(client.steps.length).toBeLessThan(UPDATES);
    } finally {
      client.socket.terminate();
    }
  });
});

describe('a kept update', () => {
  it('holds its own bytes, not the chunk its message was read in', async () => {
    const app = await startApp(redis.url(), ['--consume', 'false']);
    try {
      const ids = Array.from({ length: 200 }, () => randomUUID());
      const latest = new Map<string, TaskUpdate>();
      const watches = await Promise.all(ids.map((id) => app.watcher.watch(id, (update) => latest.set(id, update))));
      // In one transaction: the messages reach the subscriber together, read in one chunk of the socket.
      const writer = redis.client().multi();
      for (const id of ids)
        writer.publish(
          `celery-task-meta-${id}`,
          JSON.stringify({
            status: 'STARTED',
            result: { pid: 1, hostname: 'w@h' },
            traceback: null,
            children: [],
            date_done: null,
            task_id: id,
          }),
        );
      await writer.exec();
      // Each task's first update is its missing key (no bytes); then the published one.
      await until(() => latest.size === ids.length && [...latest.values()].every((update) => rawOf(update) !== null));
      for (const update of latest.values()) {
        const raw = rawOf(update) as Buffer;
        // Node's pool for small Buffers is 8 KiB; the socket's chunks are 64 KiB.
        expect(raw.buffer.byteLength).toBeLessThanOrEqual(Math.max(8192, 2 * raw.byteLength));
      }
      for (const watch of watches) watch.stop();
    } finally {
      await app.stop();
    }
  });
});
