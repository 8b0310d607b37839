/**
 * Many subscribers to one big workflow graph share one walk: a change of
 * state is patched into the graph without reading it again, a change of
 * structure walks it once for everyone, and /healthz keeps answering while
 * every subscriber gets its updates. Redis commands are counted with
 * INFO commandstats: each walk reads every task's seen children (one ZRANGE
 * per task node), which nothing else in these subscriptions does.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { HEALTHY_PROBE_MS, type ServedApart, serveApart, whileProbingHealth } from '../helpers/stall-probe.ts';
import { until } from '../helpers/until.ts';
import { type Subscription, subscribe, wsClient } from '../helpers/ws-client.ts';
import { celeryDate } from '../helpers/clock.ts';

const BigGraph = graphql(`
  subscription BigGraph($rootId: ID!) {
    taskGraph(rootId: $rootId) { ready nodes { id task { state } } }
  }
`);

const MEMBERS = 4_898;
const SUBSCRIBERS = 15;
const lens = useLens();
let client: Redis;
let apart: ServedApart;
afterAll(async () => {
  await apart?.stop();
});

const one = (id: string) => [[id, null], null];
const running = { status: 'STARTED', result: { pid: 1, hostname: 'w' } };
const done = (extra: Record<string, unknown> = {}) => ({
  status: 'SUCCESS',
  result: 1,
  date_done: celeryDate(),
  ...extra,
});

async function commandCalls(): Promise<Record<string, number>> {
  const stats = await client.info('commandstats');
  return Object.fromEntries(
    [...stats.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map(([, name, count]) => [name, Number(count)]),
  );
}

// A root that launched a group of 4,898 running tasks: 4,899 task nodes and the group, as in the 4,900-node report.
const root = randomUUID();
const gid = randomUUID();
const members = Array.from({ length: MEMBERS }, () => randomUUID());

beforeAll(async () => {
  client = lens.redis.client();
  const pipeline = client.pipeline();
  pipeline.setex(
    `celery-task-meta-${root}`,
    600,
    JSON.stringify({ ...done({ children: [[[gid, null], members.map(one)]] }), task_id: root }),
  );
  for (const id of members) {
    pipeline.setex(
      `celery-task-meta-${id}`,
      600,
      JSON.stringify({
        ...running,
        traceback: null,
        children: [],
        date_done: null,
        group_id: gid,
        parent_id: root,
        task_id: id,
      }),
    );
  }
  await pipeline.exec();
  apart = await serveApart(lens.redis.url(), [
    '--max-watches-per-connection',
    '100000',
    '--max-watches-per-caller',
    '100000',
  ]);
}, 60_000);

type Event = { taskGraph: { ready: boolean; nodes: { id: string; task: { state: string } | null }[] } };
const statesIn = (sub: Subscription<Event>, ids: readonly string[]) => {
  const last = sub.events.at(-1)?.taskGraph.nodes ?? [];
  const wanted = new Set(ids);
  return last.filter((node) => wanted.has(node.id)).map((node) => node.task?.state);
};

describe(`${SUBSCRIBERS} subscribers to one graph of ${MEMBERS + 2} nodes`, () => {
  it('share its walks: state changes re-read nothing, a batch of new children walks it once; /healthz stays prompt', {
    timeout: 120_000,
  }, async () => {
    const clients = Array.from({ length: SUBSCRIBERS }, () => wsClient(apart.url));
    try {
      const before = await commandCalls();
      const subs = clients.map((ws) => subscribe(ws, BigGraph, { rootId: root }));
      await Promise.all(subs.map((sub) => sub.waitFor(1, 60_000)));
      expect(subs.every((sub) => sub.events[0]?.taskGraph.nodes.length === MEMBERS + 2)).toBe(true);
      // However many subscribed, the graph was walked once: one ZRANGE per task node.
      const joined = await commandCalls();
      expect((joined.zrange ?? 0) - (before.zrange ?? 0)).toBe(MEMBERS + 1);

      // Once one update went through, the watches are open (their first read done).
      await writeMeta(client, done({ group_id: gid, parent_id: root }), { id: members[0]! });
      await until(() => subs.every((sub) => statesIn(sub, [members[0]!])[0] === 'SUCCESS'), 60_000);
      const watching = await commandCalls();

      // 40 tasks finish one after the other, as a worker reports them.
      const finishing = members.slice(1, 41);
      const states = await whileProbingHealth(apart.url, async () => {
        for (const id of finishing) await writeMeta(client, done({ group_id: gid, parent_id: root }), { id });
        await until(() => subs.every((sub) => statesIn(sub, finishing).every((state) => state === 'SUCCESS')), 60_000);
      });
      const afterStates = await commandCalls();
      expect(subs.every((sub) => sub.errors.length === 0)).toBe(true);
      // Patched from the updates the watcher already holds: no walk, no read of the graph's tasks.
      expect((afterStates.zrange ?? 0) - (watching.zrange ?? 0)).toBe(0);
      expect((afterStates.mget ?? 0) - (watching.mget ?? 0)).toBe(0);
      expect(states.slowestHealthMs).toBeLessThan(HEALTHY_PROBE_MS);

      // Five tasks finish having sent a child each, in one batch: one walk for all 15 subscribers.
      const spawning = members.slice(41, 46);
      const spawned = spawning.map(() => randomUUID());
      const structure = await whileProbingHealth(apart.url, async () => {
        const batch = client.multi();
        spawning.forEach((id, index) => {
          const value = JSON.stringify({
            ...done({ children: [one(spawned[index]!)], group_id: gid, parent_id: root }),
            task_id: id,
          });
          batch.setex(`celery-task-meta-${id}`, 600, value).publish(`celery-task-meta-${id}`, value);
        });
        await batch.exec();
        await until(() => subs.every((sub) => statesIn(sub, spawned).length === spawned.length), 60_000);
      });
      const afterStructure = await commandCalls();
      expect((afterStructure.zrange ?? 0) - (afterStates.zrange ?? 0)).toBe(MEMBERS + 1 + spawned.length);
      expect(structure.slowestHealthMs).toBeLessThan(HEALTHY_PROBE_MS);
    } finally {
      await Promise.all(clients.map((ws) => ws.dispose()));
    }
  });
});
