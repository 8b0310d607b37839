/**
 * The broker queue scan behind `status: QUEUED`: one bounded scan shared by
 * concurrent requests, each message's id parsed once, /healthz unaffected.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerQueues } from '../../src/backend/broker-queues.ts';
import { taskMessage } from '../helpers/broker-messages.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { type ServedApart, post, serveApart, whileProbingHealth } from '../helpers/stall-probe.ts';

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
  for (let index = 1; index < QUEUED - 1; index += 1) pipeline.lpush('celery', taskMessage(randomUUID(), { args: [index, filler] }));
  pipeline.lpush('celery', taskMessage(child, { parentId: parent, rootId: root, args: [argument] }));
  pipeline.lpush('lonely', taskMessage(lonely, { protocol: 1, queue: 'lonely' }));
  await pipeline.exec();
  apart = await serveApart(lens.redis.url(), ['--queues', 'celery,lonely']);
  // A server that has answered this kind of request before (JIT-compiled): what is measured is the request, not a cold start.
  for (let round = 0; round < 3; round += 1) await post(apart.url, StatusQuery, { ids: Array.from({ length: 100 }, () => randomUUID()) });
}, 60_000);


describe('status from the broker queues', () => {
  it('tasks(ids) for 1,000 unknown ids over 10,000 queued messages answers promptly while /healthz answers', async () => {
    // Right after the warm-up's scans: this request makes its own, and sees a message pushed just now.
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
    expect(probed.slowestHealthMs).toBeLessThan(200);
    expect(probed.ms).toBeLessThan(2000);
  });

  it('a task only named in a queued message (its parent, root, or an argument) is not queued', async () => {
    const answer = await post(apart.url, StatusQuery, { ids: [parent, root, argument, child] });
    expect((answer.data as Statuses).tasks.map((t) => t.status)).toEqual(['UNKNOWN', 'UNKNOWN', 'UNKNOWN', 'QUEUED']);
  });

  it('concurrent requests share one scan, read in chunks; a later request sees new messages', async () => {
    const lranges = async () => Number(/cmdstat_lrange:calls=(\d+)/.exec(await client.info('commandstats'))?.[1] ?? 0);
    const queues = new BrokerQueues(client, ['celery', 'lonely'], 4000, { chunk: 1000 });
    const before = await lranges();
    const answers = await Promise.all(Array.from({ length: 10 }, () => queues.find([child, lonely, deep])));
    // Bounded by the scan limit: `deep` lies beyond the first 4,000 messages.
    expect(answers).toEqual(Array.from({ length: 10 }, () => ['celery', 'lonely', null]));
    // 4 chunks of "celery" (the limit), 1 of "lonely" (shorter than a chunk): once for all ten requests.
    expect((await lranges()) - before).toBe(5);

    // A message queued while a scan runs, before the request: that request waits for the next scan, shared by all that came meanwhile.
    const running = queues.find([lonely]);
    const late = randomUUID();
    await client.lpush('lonely', taskMessage(late, { queue: 'lonely' }));
    const scans = queues.scans;
    const after = await Promise.all(Array.from({ length: 5 }, () => queues.find([late])));
    expect(after).toEqual(Array.from({ length: 5 }, () => ['lonely']));
    expect(await running).toEqual(['lonely']);
    expect(queues.scans - scans).toBe(1);
    // And once nothing runs, a request right after a scan still sees what was queued in between.
    const later = randomUUID();
    await client.lpush('lonely', taskMessage(later, { queue: 'lonely' }));
    expect(await queues.find([later])).toEqual(['lonely']);
  });

  it('a queue name holding another type is skipped, the others still answer', async () => {
    await client.set('not-a-list', 'x');
    const queues = new BrokerQueues(client, ['not-a-list', 'lonely'], 100);
    expect(await queues.find([lonely])).toEqual(['lonely']);
  });
});
