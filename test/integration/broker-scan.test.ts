/**
 * The broker queue scan behind `status: QUEUED`: bounded scans shared by
 * concurrent requests (never one older than the request), each message's id
 * parsed once, /healthz unaffected.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerQueues } from '../../src/broker/redis/broker-queues.ts';
import { taskMessage } from '../helpers/broker-messages.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { type ServedApart, post, serveApart, whileProbingHealth, HEALTHY_PROBE_MS } from '../helpers/stall-probe.ts';

const StatusQuery = 'query ($ids: [ID!]!) { tasks(ids: $ids) { id status statusReason } }';
type Statuses = { tasks: { id: string; status: string; statusReason: string }[] };

const lens = useLens();
let client: Redis;
let apart: ServedApart;
afterAll(async () => {
  await apart?.stop();
});

const QUEUED = 10_000;
// Far from the head, where the scan reaches last; and one in a second queue, in protocol 1.
const deep = randomUUID();
const lonely = randomUUID();
// A queued child names these as its parent and root, and this one as an argument: none of them is queued.
const [parent, root, argument, child] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

beforeAll(async () => {
  client = lens.redis.client();
  const pipeline = client.pipeline();
  pipeline.lpush('celery', taskMessage(deep));
  // Messages of a realistic size (about 1.3 kB, the argument list of a typical task).
  const filler = 'x'.repeat(600);
  for (let index = 1; index < QUEUED - 1; index += 1)
    pipeline.lpush('celery', taskMessage(randomUUID(), { args: [index, filler] }));
  pipeline.lpush('celery', taskMessage(child, { parentId: parent, rootId: root, args: [argument] }));
  pipeline.lpush('lonely', taskMessage(lonely, { protocol: 1, queue: 'lonely' }));
  await pipeline.exec();
  apart = await serveApart(lens.redis.url(), ['--queues', 'celery,lonely']);
  // A server that has answered this kind of request before (JIT-compiled): what is measured is the request, not a cold start.
  for (let round = 0; round < 3; round += 1)
    await post(apart.url, StatusQuery, { ids: Array.from({ length: 100 }, () => randomUUID()) });
}, 60_000);

describe('status from the broker queues', () => {
  it('tasks(ids) for 1,000 unknown ids over 10,000 queued messages answers promptly while /healthz answers', async () => {
    // This request makes its own scan, and sees a message pushed just now.
    const fresh = randomUUID();
    await client.lpush('lonely', taskMessage(fresh, { queue: 'lonely' }));
    const ids = [...Array.from({ length: 996 }, () => randomUUID()), deep, lonely, child, fresh];
    const probed = await whileProbingHealth(apart.url, () => post(apart.url, StatusQuery, { ids }));
    expect(probed.result.errors).toBeUndefined();
    const tasks = (probed.result.data as Statuses).tasks;
    expect(tasks.filter((t) => t.status === 'UNKNOWN')).toHaveLength(996);
    expect(tasks.slice(-4)).toEqual([
      { id: deep, status: 'QUEUED', statusReason: 'its message is waiting in the broker queue "celery"' },
      { id: lonely, status: 'QUEUED', statusReason: 'its message is waiting in the broker queue "lonely"' },
      { id: child, status: 'QUEUED', statusReason: 'its message is waiting in the broker queue "celery"' },
      { id: fresh, status: 'QUEUED', statusReason: 'its message is waiting in the broker queue "lonely"' },
    ]);
    expect(probed.slowestHealthMs).toBeLessThan(HEALTHY_PROBE_MS);
    expect(probed.ms).toBeLessThan(2000);
  });

  it('a task only named in a queued message (its parent, root, or an argument) is not queued', async () => {
    const answer = await post(apart.url, StatusQuery, { ids: [parent, root, argument, child] });
    expect((answer.data as Statuses).tasks.map((t) => t.status)).toEqual(['UNKNOWN', 'UNKNOWN', 'UNKNOWN', 'QUEUED']);
  });

  it('concurrent requests share scans, read in chunks: one running, one waiting for whoever came meanwhile', async () => {
    const lranges = async () => Number(/cmdstat_lrange:calls=(\d+)/.exec(await client.info('commandstats'))?.[1] ?? 0);
    const queues = new BrokerQueues(client, ['celery', 'lonely'], 4000, { chunk: 1000 });
    const before = await lranges();
    const answers = await Promise.all(Array.from({ length: 10 }, () => queues.find([child, lonely, deep])));
    // Bounded by the scan limit: `deep` lies beyond the first 4,000 messages.
    expect(answers).toEqual(Array.from({ length: 10 }, () => ['celery', 'lonely', null]));
    // The first request's scan, and one more for the nine that came while it ran.
    expect(queues.scans).toBe(2);
    // Each: 4 chunks of "celery" (the limit, none left for its priority lists), 1 of "lonely" (shorter
    // than a chunk) and 1 of each of its 3 priority lists (empty).
    expect((await lranges()) - before).toBe(16);
  });

  it('a request never answers from a scan that started before it: a task sent just now is QUEUED at once', async () => {
    const queues = new BrokerQueues(client, ['celery', 'lonely'], 4000, { chunk: 1000 });
    expect(await queues.find([lonely])).toEqual(['lonely']);
    const late = randomUUID();
    await client.lpush('lonely', taskMessage(late, { queue: 'lonely' }));
    expect(await queues.find([late])).toEqual(['lonely']);
    // Through the API too: sent, then asked at once.
    const sent = randomUUID();
    await client.lpush('lonely', taskMessage(sent, { queue: 'lonely' }));
    const answer = await post(apart.url, StatusQuery, { ids: [sent] });
    expect((answer.data as Statuses).tasks[0]?.status).toBe('QUEUED');
  });

  it('a queue name holding another type is skipped, the others still answer', async () => {
    await client.set('not-a-list', 'x');
    const queues = new BrokerQueues(client, ['not-a-list', 'lonely'], 100);
    expect(await queues.find([lonely])).toEqual(['lonely']);
  });
});
