/**
 * A burst of Celery event messages (many busy workers, or a consumer that
 * reconnects into a backlog) is recorded a few messages at a time: the event
 * loop keeps answering while it drains.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvents } from '../helpers/celery-meta.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { type ServedApart, serveApart, whileProbingHealth, HEALTHY_PROBE_MS } from '../helpers/stall-probe.ts';
import { until } from '../helpers/until.ts';

let redis: RedisServer;
let apart: ServedApart;
beforeAll(async () => {
  redis = await startRedis();
  apart = await serveApart(redis.url());
}, 60_000);
afterAll(async () => {
  await apart?.stop();
  await redis?.stop();
});

describe('a burst of event messages', () => {
  it('3,000 messages of 24 events each: /healthz keeps answering while they are recorded, and every one is', async () => {
    const client = redis.client();
    const at = Date.now() / 1000;
    const ids: string[] = [];
    const pipeline = client.pipeline();
    for (let message = 0; message < 3000; message += 1) {
      const events = Array.from({ length: 24 }, () => {
        const uuid = randomUUID();
        ids.push(uuid);
        return { type: 'task-received', uuid, hostname: 'w@vm', timestamp: at, name: 'lens.add' };
      });
      // The publish itself, as publishEvents sends it, queued in one pipeline: one burst.
      await publishEvents(pipeline, 0, events);
    }
    const sample = [ids[0], ids[ids.length / 2], ids.at(-1)] as string[];
    const received = async () => {
      const response = await fetch(apart.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'query ($ids: [ID!]!) { tasks(ids: $ids) { receivedAt } }',
          variables: { ids: sample },
        }),
      });
      const body = (await response.json()) as { data: { tasks: { receivedAt: string | null }[] } };
      return body.data.tasks.every((task) => task.receivedAt !== null);
    };
    const probed = await whileProbingHealth(apart.url, async () => {
      await pipeline.exec();
      await until(received, 60_000);
    });
    console.log(
      `recorded in ${Math.round(probed.ms)} ms; slowest /healthz ${Math.round(probed.slowestHealthMs)} ms over ${probed.probes} probes`,
    );
    expect(probed.slowestHealthMs).toBeLessThan(HEALTHY_PROBE_MS);
  }, 90_000);
});
