/**
 * `queues` against messages real Celery 5.2.6 clients sent to a Redis broker
 * nobody consumes: lengths with kombu's priority sub-queues summed (checked
 * against kombu's own count), the oldest message, a key of the wrong type,
 * and a broker that fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryEnv, celery, ensureCelery } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const Queues = graphql(`
  query Queues {
    queues {
      name length oldestTaskId oldestAgeSeconds wrongTypeKeys
      byPriority { priority length oldestTaskId oldestAgeSeconds }
    }
  }
`);

const Why = graphql(`
  query QueuedWhy($id: ID!) { task(id: $id) { status statusReason } }
`);

const SEP = '\x06\x16';
let redis: RedisServer;
let app: Awaited<ReturnType<typeof startApp>>;
const env = (sentEvent = true): CeleryEnv => ({
  brokerUrl: redis.url(15),
  backendUrl: redis.url(0),
  sentEvent,
  brokerTransportOptions: { priority_steps: [0, 3, 6, 9], queue_order_strategy: 'priority' },
});
const send = async (specs: Record<string, unknown>[], sentEvent = true) =>
  (await celery<{ id: string }[]>('send', specs, env(sentEvent))).map((sent) => sent.id);
const queues = async () => {
  const result = await execute(app, Queues);
  expect(result.errors).toBeUndefined();
  return result.data!.queues;
};
const queue = async (name: string) => (await queues()).find((q) => q.name === name)!;

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
  app = await startApp(redis.url(0), ['--broker', redis.url(15), '--queues', 'celery,prio,plain,quiet,odd']);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await redis?.stop();
});

describe('queues', () => {
  it('lists every queue of --queues in order, empty ones at 0 with no oldest', async () => {
    const all = await queues();
    expect(all.map((q) => q.name)).toEqual(['celery', 'prio', 'plain', 'quiet', 'odd']);
    expect(all[0]).toEqual({
      name: 'celery',
      length: 0,
      oldestTaskId: null,
      oldestAgeSeconds: null,
      wrongTypeKeys: [],
      byPriority: [0, 3, 6, 9].map((priority) => ({ priority, length: 0, oldestTaskId: null, oldestAgeSeconds: null })),
    });
  });

  it("sums kombu's priority sub-queues, as kombu counts them, and finds the oldest message", async () => {
    const priorities = [9, 0, 4, 9, 7, 2];
    const spec = (priority: number, n: number) => ({ task: 'add', args: [n, n], queue: 'prio', priority });
    // The first on its own (a Python process of its own, well before the rest): messages sent back to back
    // can carry the same task-sent time to the millisecond, and then no order between them is known.
    const ids = [
      ...(await send([spec(priorities[0]!, 0)])),
      ...(await send(priorities.slice(1).map((priority, n) => spec(priority, n + 1)))),
    ];
    // Where kombu put them: its own lists, read back.
    const client = redis.client(15);
    const lengths = await Promise.all(
      ['prio', `prio${SEP}3`, `prio${SEP}6`, `prio${SEP}9`].map((key) => client.llen(key)),
    );
    expect(lengths).toEqual([2, 1, 1, 2]);
    const kombu = await celery<Record<string, number>>('sizes', { queues: ['prio', 'celery'] }, env());
    // Every message's task-sent event recorded: the ages are known.
    await until(async () => (await queue('prio')).oldestAgeSeconds !== null);
    const prio = await queue('prio');
    expect(prio.length).toBe(kombu.prio);
    expect(prio.length).toBe(priorities.length);
    expect(prio.byPriority.map(({ priority, length }) => ({ priority, length }))).toEqual([
      { priority: 0, length: 2 },
      { priority: 3, length: 1 },
      { priority: 6, length: 1 },
      { priority: 9, length: 2 },
    ]);
    // Each list's tail is its first message sent; the queue's oldest is the first of all.
    expect(prio.byPriority.map((list) => list.oldestTaskId)).toEqual([ids[1], ids[2], ids[4], ids[0]]);
    expect(prio.oldestTaskId).toBe(ids[0]);
    const ages = prio.byPriority.map((list) => list.oldestAgeSeconds!);
    expect(prio.oldestAgeSeconds).toBe(Math.max(...ages));
    expect(ages.every((age) => age >= 0 && age < 60)).toBe(true);
  });

  it('an age that grows while the message waits', async () => {
    const [id] = await send([{ task: 'add', args: [1, 1], queue: 'plain' }]);
    await until(async () => (await queue('plain')).oldestAgeSeconds !== null);
    const first = await queue('plain');
    expect(first).toMatchObject({ length: 1, oldestTaskId: id });
    await until(async () => (await queue('plain')).oldestAgeSeconds! > first.oldestAgeSeconds! + 0.2);
  });

  it('without task-sent events: the oldest id of a single waiting list, with no age', async () => {
    const ids = await send(
      [1, 2, 3].map((n) => ({ task: 'add', args: [n, n], queue: 'quiet' })),
      false,
    );
    const quiet = await queue('quiet');
    expect(quiet).toMatchObject({ length: 3, oldestTaskId: ids[0], oldestAgeSeconds: null, wrongTypeKeys: [] });
    // Two lists waiting and no time known: which is older cannot be told.
    const [urgent] = await send([{ task: 'add', args: [0, 0], queue: 'quiet', priority: 9 }], false);
    const both = await queue('quiet');
    expect(both).toMatchObject({ length: 4, oldestTaskId: null, oldestAgeSeconds: null });
    expect(both.byPriority.filter((list) => list.length > 0).map((list) => list.oldestTaskId)).toEqual([
      ids[0],
      urgent,
    ]);
    // With no event of it, the broker scan finds the task on its priority list: QUEUED, not UNKNOWN.
    const why = await execute(app, Why, { id: urgent! });
    expect(why.data?.task).toEqual({
      status: 'QUEUED',
      statusReason: 'its message is waiting in the broker queue "quiet"',
    });
  });

  it('a key of the queue that is not a list: named, not counted, not read as empty', async () => {
    await send([{ task: 'add', args: [1, 1], queue: 'odd' }], false);
    await redis.client(15).hset(`odd${SEP}6`, 'not', 'a list');
    const odd = await queue('odd');
    expect(odd.wrongTypeKeys).toEqual([`odd${SEP}6`]);
    expect(odd.length).toBe(1);
    expect(odd.byPriority.map((list) => list.priority)).toEqual([0, 3, 9]);
  });
});

describe("queues with Celery's documented priority settings (priority_steps 0-9, sep ':')", () => {
  it('counts each priority as kombu does, given --priority-steps and --priority-sep', async () => {
    const tenSteps: CeleryEnv = {
      ...env(),
      brokerTransportOptions: {
        priority_steps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        sep: ':',
        queue_order_strategy: 'priority',
      },
    };
    const lens = await startApp(redis.url(0), [
      '--broker',
      redis.url(15),
      '--queues',
      'ten',
      '--priority-steps',
      '0,1,2,3,4,5,6,7,8,9',
      '--priority-sep',
      ':',
    ]);
    try {
      const priorities = [0, 1, 1, 5, 9, 9, 9];
      await celery(
        'send',
        priorities.map((priority) => ({ task: 'add', args: [1, 1], queue: 'ten', priority })),
        tenSteps,
      );
      expect(await redis.client(15).llen('ten:9')).toBe(3);
      const kombu = await celery<Record<string, number>>('sizes', { queues: ['ten'] }, tenSteps);
      const result = await execute(lens, Queues);
      const [ten] = result.data!.queues;
      expect(ten!.length).toBe(kombu.ten);
      expect(ten!.length).toBe(priorities.length);
      expect(
        ten!.byPriority.filter((list) => list.length > 0).map(({ priority, length }) => ({ priority, length })),
      ).toEqual([
        { priority: 0, length: 1 },
        { priority: 1, length: 2 },
        { priority: 5, length: 1 },
        { priority: 9, length: 3 },
      ]);
      expect(ten!.byPriority).toHaveLength(10);
    } finally {
      await lens.stop();
    }
  });
});

describe('queues when the broker fails', () => {
  it('BACKEND_UNAVAILABLE, not empty queues', async () => {
    const dead = await startRedis();
    const lens = await startApp(redis.url(0), ['--broker', dead.url(15), '--redis-timeout-ms', '300']);
    try {
      await dead.kill();
      const result = await execute(lens, Queues);
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
    } finally {
      await lens.stop();
      await dead.stop();
    }
  });
});
