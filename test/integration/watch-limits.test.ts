/**
 * What the shared watcher must hold true when Redis stalls or callers ask
 * too much: channels subscribed equal channels watched (and the metric says
 * so), failed openings give back what they took, and quotas answer
 * TOO_MANY_WATCHES and are given back when subscriptions end.
 */
import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { graphql } from '../gql/index.js';
import { taskSubscribers } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { subscribe, useWsClients, wsClient } from '../helpers/ws-client.ts';

// Same documents as subscriptions.test.ts (codegen keys them by their text).
const WatchTask = graphql(`
  subscription WatchTask($id: ID!, $untilReady: Boolean! = true) {
    task(id: $id, untilReady: $untilReady) { id state rawState meta result ttlSeconds }
  }
`);
const WatchTasks = graphql(`
  subscription WatchTasks($ids: [ID!]!) {
    tasks(ids: $ids) { id state result }
  }
`);

const WatchGoal = graphql(`
  subscription WatchGoal($key: ID!) {
    goal(key: $key) { status currentTask { id state } }
  }
`);

// One caller (this test) may take every watch of the process here: per-caller quotas have their own test (caller-watches.test.ts).
// Not consuming: a watch subscribes its task's channel, whose timed-out SUBSCRIBEs these tests follow (a
// consuming process is fed by the consumer's pattern: state-feed.test.ts).
const lens = useLens([
  '--consume',
  'false',
  '--redis-timeout-ms',
  '300',
  '--max-watches',
  '12',
  '--max-watches-per-caller',
  '12',
  '--max-watches-per-connection',
  '6',
]);
let client: Redis;
const leftovers: (() => unknown)[] = [];
beforeAll(() => {
  client = lens.redis.client();
});
afterEach(async () => {
  lens.redis.resume();
  for (const dispose of leftovers.splice(0).reverse()) await dispose();
  await until(() => lens.app.watcher.quota.used === 0);
});

const ws = useWsClients(() => lens.app.url);

const ids = (count: number) => Array.from({ length: count }, () => randomUUID());

/** The subscriber connection as Redis sees it: channels held (`sub=`) and its last command. */
async function subscriberInfo(): Promise<{ sub: number; cmd: string }> {
  const list = (await client.client('LIST')) as string;
  const line = list.split('\n').find((entry) => entry.includes(' name=celery-lens-sub ')) ?? '';
  return { sub: Number(/ sub=(\d+)/.exec(line)?.[1]), cmd: /cmd=(\S+)/.exec(line)?.[1] ?? '' };
}

async function metric(): Promise<number> {
  const text = await (await fetch(lens.app.url.replace('/graphql', '/metrics'))).text();
  return Number(/\ncelery_lens_subscribed_task_channels (\d+)/.exec(text)?.[1]);
}

describe('a stalled Redis', () => {
  it('a SUBSCRIBE that timed out and ran later is unsubscribed, and the metric agrees with Redis', async () => {
    const watched = ids(3);
    lens.redis.pause();
    const sub = subscribe(ws(), WatchTasks, { ids: watched });
    await sub.done;
    expect(sub.errors).toMatchObject([{ extensions: { code: 'BACKEND_UNAVAILABLE' } }]);
    lens.redis.resume();
    // Redis runs the late SUBSCRIBE first: the subscriber must have left it again since.
    await until(async () => {
      const info = await subscriberInfo();
      return info.cmd === 'unsubscribe' && info.sub === 0;
    });
    expect(await taskSubscribers(client, watched)).toEqual([0, 0, 0]);
    await until(async () => (await metric()) === 0);
    expect(lens.app.watcher.channelCount).toBe(0);
  });

  it('when one task of tasks(ids) fails to open, the watches that did open are released', async () => {
    const [open, late] = ids(2) as [string, string];
    const first = subscribe(ws(), WatchTask, { id: open, untilReady: false });
    await first.waitFor(1);
    const listeners = lens.app.watcher.listenerCount;
    lens.redis.pause();
    // `open` is watched already (no Redis needed); `late` has to be subscribed and times out.
    const both = subscribe(ws(), WatchTasks, { ids: [open, late] });
    await both.done;
    expect(both.errors).toMatchObject([{ extensions: { code: 'BACKEND_UNAVAILABLE' } }]);
    lens.redis.resume();
    expect(lens.app.watcher.listenerCount).toBe(listeners);
    first.stop();
    await until(async () => (await taskSubscribers(client, [open, late])).every((count) => count === 0));
    await until(async () => (await subscriberInfo()).sub === 0 && (await metric()) === 0);
    expect(lens.app.watcher.listenerCount).toBe(0);
  });

  it("a goal's SUBSCRIBE that timed out is answered BACKEND_UNAVAILABLE and its channel left again", async () => {
    const goalKey = `report:${randomUUID()}`;
    lens.redis.pause();
    const sub = subscribe(ws(), WatchGoal, { key: goalKey });
    // The goal stream fails at its first step: graphql-ws answers with an `error` message.
    const failure = await sub.done.then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure ?? JSON.stringify(sub.errors)).toContain('"code":"BACKEND_UNAVAILABLE"');
    lens.redis.resume();
    await until(async () => {
      const info = await subscriberInfo();
      return info.cmd === 'unsubscribe' && info.sub === 0;
    });
    const [, count] = (await client.pubsub('NUMSUB', `celery-lens:goal:${goalKey}`)) as [string, number];
    expect(count).toBe(0);
  });
});

describe('watch quotas', () => {
  it('one WebSocket past --max-watches-per-connection gets TOO_MANY_WATCHES, and may watch again once a subscription ends', async () => {
    const c = ws();
    const five = subscribe(c, WatchTasks, { ids: ids(5) });
    await five.waitFor(5);
    const listening = getEventListeners(lens.app.shutdown, 'abort').length;
    const two = subscribe(c, WatchTasks, { ids: ids(2) });
    await two.done;
    // A refused subscription leaves no listener behind.
    expect(getEventListeners(lens.app.shutdown, 'abort').length).toBe(listening);
    expect(two.errors).toMatchObject([
      { extensions: { code: 'TOO_MANY_WATCHES', scope: 'connection', limit: 6, held: 5, requested: 2 } },
    ]);
    five.stop();
    await until(() => lens.app.watcher.quota.used === 0);
    const again = subscribe(c, WatchTasks, { ids: ids(2) });
    await again.waitFor(2);
    again.stop();
  });

  it('the process past --max-watches answers TOO_MANY_WATCHES; a closed socket gives its watches back', async () => {
    const first = wsClient(lens.app.url);
    leftovers.push(() => first.dispose());
    const a = subscribe(first, WatchTasks, { ids: ids(6) });
    const b = subscribe(ws(), WatchTasks, { ids: ids(6) });
    await Promise.all([a.waitFor(6), b.waitFor(6)]);
    const c = ws();
    const refused = subscribe(c, WatchTask, { id: randomUUID() });
    await refused.done;
    expect(refused.errors).toMatchObject([{ extensions: { code: 'TOO_MANY_WATCHES', scope: 'process', limit: 12 } }]);
    await first.dispose();
    await until(() => lens.app.watcher.quota.used === 6);
    const accepted = subscribe(c, WatchTask, { id: randomUUID(), untilReady: false });
    await accepted.waitFor(1);
  });

  it('one SSE request is a connection: more ids than --max-watches-per-connection are refused', async () => {
    const response = await fetch(lens.app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: 'subscription ($ids: [ID!]!) { tasks(ids: $ids) { id } }',
        variables: { ids: ids(7) },
      }),
    });
    const body = await response.text();
    expect(body).toContain('"code":"TOO_MANY_WATCHES"');
    expect(body).toContain('"scope":"connection"');
    expect(lens.app.watcher.quota.used).toBe(0);
  });
});

describe('tasks(ids: [])', () => {
  it('completes at once, with no event', async () => {
    const sub = subscribe(ws(), WatchTasks, { ids: [] });
    await sub.done;
    expect(sub.events).toEqual([]);
    expect(sub.errors).toEqual([]);
  });
});
