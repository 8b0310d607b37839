/**
 * A process that consumes events hears every published state once, on the
 * consumer's pattern subscription, and its task watcher is fed from there:
 * no task channel is subscribed, each state arrives once, and after the
 * pattern connection drops every watched task is read again.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { taskSubscribers, writeMeta } from '../helpers/celery-meta.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { subscribe, useWsClients } from '../helpers/ws-client.ts';

const TaskCompleted = graphql(`
  subscription TaskCompleted($id: ID!) {
    taskCompleted(id: $id) { id state result error { type message } }
  }
`);

let redis: RedisServer;
let client: Redis;
let app: Awaited<ReturnType<typeof startApp>>;
beforeAll(async () => {
  redis = await startRedis();
  client = redis.client();
  app = await startApp(redis.url());
});
afterAll(async () => {
  await app.stop();
  await redis.stop();
});
const ws = useWsClients(() => app.url);

/** `CLIENT LIST`'s `sub=` (channels) and `psub=` (patterns) of celery-lens' connection named `name`. */
async function subscriptionsOf(redis: Redis, name: string): Promise<{ sub: number; psub: number }> {
  const line = ((await redis.client('LIST')) as string).split('\n').find((l) => l.includes(` name=${name} `));
  if (!line) throw new Error(`no connection named ${name}`);
  return { sub: Number(/ sub=(\d+)/.exec(line)?.[1]), psub: Number(/ psub=(\d+)/.exec(line)?.[1]) };
}

describe('a consuming process', () => {
  it('watches 100 tasks for 200 subscriptions on the pattern it consumes: no task channel, each state once', async () => {
    const ids = Array.from({ length: 100 }, () => randomUUID());
    const [one, two] = [ws(), ws()];
    const subs = ids.flatMap((id) => [subscribe(one, TaskCompleted, { id }), subscribe(two, TaskCompleted, { id })]);
    await until(() => ids.every((id) => app.watcher.watches(id)));
    expect(await taskSubscribers(client, ids)).toEqual(ids.map(() => 0));
    expect(app.watcher.channelCount).toBe(0);
    expect(await subscriptionsOf(client, 'celery-lens-events')).toMatchObject({ psub: 2 }); // states and events
    const before = app.watcher.decodes.decodes;
    for (const id of ids) await writeMeta(client, { status: 'SUCCESS', result: id }, { id });
    await Promise.all(subs.map((sub) => sub.done));
    expect(subs.map((sub) => sub.events.map((e) => e.taskCompleted.result))).toEqual(ids.flatMap((id) => [[id], [id]]));
    // Heard once, decoded once: the consumer took the watcher's decode of each.
    await until(() => app.consumer?.pending === 0);
    expect(app.watcher.decodes.decodes - before).toBe(ids.length);
    await until(() => app.watcher.watchedCount === 0);
  });

  it('reads every watched task again when its pattern connection comes back, so a change made meanwhile arrives', async () => {
    const ids = [randomUUID(), randomUUID()];
    const subs = ids.map((id) => subscribe(ws(), TaskCompleted, { id }));
    await until(() => ids.every((id) => app.watcher.watches(id)));
    // Written with no PUBLISH: only a re-read can see it, once the pattern's connection drops and comes back.
    for (const id of ids) {
      await client.set(
        `celery-task-meta-${id}`,
        JSON.stringify({ status: 'SUCCESS', result: id, traceback: null, children: [], date_done: null, task_id: id }),
      );
    }
    expect(subs.every((sub) => sub.events.length === 0)).toBe(true);
    await client.client('KILL', 'TYPE', 'pubsub');
    await Promise.all(subs.map((sub) => sub.done));
    expect(subs.map((sub) => sub.events.map((e) => e.taskCompleted.result))).toEqual(ids.map((id) => [id]));
  });
});
