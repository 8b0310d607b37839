/**
 * A store on a Redis Cluster built as an operator does (`redis-cli --cluster
 * create … --cluster-replicas 1`: three primaries, three replicas), tasks
 * flowing through intake, and the primary holding the task index crashes
 * (SIGKILL: the primary of the index' first shard) until its replica is promoted. While its slots are down
 * celery-lens stays up and answers STORE_UNAVAILABLE, never "not found"
 * nor an empty answer; afterwards no index entry is lost: the writes the
 * store refused meanwhile, and those the dead primary had acknowledged but
 * not replicated, are healed from the result backend (intake/index-heal.ts).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import type { startApp } from '../helpers/app.ts';
import { publishEvents, writeMeta } from '../helpers/celery-meta.ts';
import { celeryDate } from '../helpers/clock.ts';
import { execute } from '../helpers/graphql.ts';
import type { RedisCluster } from '../helpers/redis-cluster.ts';
import { CLUSTER_SHARDS, type ClusterStore, heldEntries, startClusterStore } from '../helpers/cluster-store.ts';
import type { RedisServer } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const Count = graphql(`
  query KillCount { taskStats(by: NAME) { groups { key total byStatus { status count } } } }
`);
const Search = graphql(`
  query KillSearch { searchTasks(filter: { name: "kill.job" }, first: 1) { edges { node { id status } } } }
`);

/** The index' shards on a cluster store (--index-shards auto); the first one's primary is the one killed. */
const SHARDS = CLUSTER_SHARDS;
const INDEX_KEY = `${SHARDS[0]}all`;
let cluster: RedisCluster;
let backend: RedisServer;
let app: Awaited<ReturnType<typeof startApp>>;

let store: ClusterStore | undefined;
beforeAll(async () => {
  store = await startClusterStore({ replicas: true, create: 'redis-cli' });
  ({ cluster, backend, app } = store);
}, 90_000);
afterAll(() => store?.stop());

/** The index of the primary (in cluster.ports) serving a key's slot (the first shard's by default), by CLUSTER SLOTS. */
async function indexPrimary(key = INDEX_KEY): Promise<number> {
  const admin = new Redis({ port: cluster.ports[0], host: '127.0.0.1' });
  try {
    const slot = Number(await admin.call('CLUSTER', 'KEYSLOT', key));
    const ranges = (await admin.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    const owner = ranges.find(([from, to]) => from <= slot && slot <= to)?.[2][1];
    return cluster.ports.indexOf(Number(owner));
  } finally {
    admin.disconnect();
  }
}

/** Tasks sent, run and finished as a worker with events on does, 10 at a time, until stopped. */
function produce(admin: Redis) {
  const ids: string[] = [];
  let stopped = false;
  let batches = 0;
  const done = (async () => {
    while (!stopped) {
      const batch = Array.from({ length: 10 }, () => randomUUID());
      ids.push(...batch);
      const at = Date.now() / 1000;
      await publishEvents(
        admin,
        0,
        batch.map((uuid) => ({ type: 'task-received', uuid, name: 'kill.job', timestamp: at, hostname: 'w@h' })),
      );
      for (const id of batch)
        await writeMeta(
          admin,
          { status: 'SUCCESS', result: 1, name: 'kill.job', date_done: celeryDate() },
          { id, ttl: 86_400 },
        );
      batches += 1;
      // A steady flow, not a flood: ~100 tasks a second.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    ids,
    batches: () => batches,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

describe('--store on a Redis Cluster, a primary crashes', () => {
  it('answers STORE_UNAVAILABLE while its slots are down, and loses no index entry once its replica is promoted', async () => {
    const indexNode = await indexPrimary();
    expect(indexNode).toBeGreaterThanOrEqual(0);
    const held: number[] = [];
    for (const [s, prefix] of SHARDS.entries()) if ((await indexPrimary(`${prefix}all`)) === indexNode) held.push(s);
    const flow = produce(backend.client());
    await until(() => flow.batches() >= 5);
    const killedAt = Date.now();
    await cluster.kill(indexNode);

    // While the slot is down: every answer is STORE_UNAVAILABLE or a full one, never "not found" nor empty.
    const codes = new Map<string, number>();
    const promoted = cluster.promoted(indexNode).then(() => Date.now());
    let up: number | null = null;
    let failed: unknown = null;
    promoted.then(
      (at) => {
        up = at;
      },
      (error: unknown) => {
        failed = error;
      },
    );
    while (up === null) {
      if (failed) throw failed;
      const [count, search, health] = await Promise.all([
        execute(app, Count),
        execute(app, Search),
        app.yoga.fetch('http://yoga/healthz'),
      ]);
      expect(health.status).toBe(200);
      for (const result of [count, search]) {
        const code = result.errors?.[0]?.extensions?.code ?? 'ok';
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (code === 'ok') expect(result.data).toBeTruthy();
      }
      const found = search.data?.searchTasks.edges.length;
      if (found !== undefined) expect(found).toBe(1);
      // Polled as until() does: an answer refused at once (no I/O) would otherwise starve the timers.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const downMs = (await promoted) - killedAt;
    expect([...codes.keys()].filter((code) => code !== 'ok')).toEqual(['STORE_UNAVAILABLE']);

    // Tasks flow on after the promotion too.
    const promotedAt = flow.batches();
    await until(() => flow.batches() >= promotedAt + 5, 60_000);
    await flow.stop();
    const ids = flow.ids;
    const total = async () => (await execute(app, Count)).data?.taskStats.groups.find((g) => g.key === 'kill.job');
    const started = Date.now();
    await until(async () => {
      const group = await total();
      return group?.total === ids.length && group.byStatus.length === 1;
    }, 90_000).catch(() => {});
    const healedInMs = Date.now() - started;
    expect(await total()).toEqual({
      key: 'kill.job',
      total: ids.length,
      byStatus: [{ status: 'SUCCEEDED', count: ids.length }],
    });
    // The promoted replica holds its shards' slots now, every entry of theirs in them.
    const replica = await heldEntries(cluster.replicaPorts[indexNode] as number, held, ids);
    expect(replica.entries).toBe(replica.expected);
    // The records refused while the slot was down were healed (logged), not left out. The consumer's own
    // retries may have indexed every task before the heal's rate-limited scan ends: wait for its end.
    await until(() => app.logs.some((line) => line.includes('"msg":"index heal: done"')), 60_000);
    const metrics = await (await app.yoga.fetch('http://yoga/metrics')).text();
    const healed = Number(/^celery_lens_index_healed_total (\d+)$/m.exec(metrics)?.[1]);
    console.info(
      `primary crash: slot down ${downMs} ms (answers: ${JSON.stringify(Object.fromEntries(codes))}), ` +
        `${app.consumer?.failed ?? 0} consumer records failed, ${healed} final states healed, ` +
        `${ids.length} tasks all indexed ${healedInMs} ms after the flow stopped`,
    );
  }, 210_000);
});
