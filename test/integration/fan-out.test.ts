/**
 * Wide fan-outs and broken links: every list of tasks honours --max-ids or
 * --max-graph-nodes and fails fast with its code while /healthz keeps
 * answering; one unreadable task is an error at its own path.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { type ServedApart, post, serveApart, whileProbingHealth, HEALTHY_PROBE_MS } from '../helpers/stall-probe.ts';
import { celeryDate } from '../helpers/clock.ts';

const lens = useLens();
let client: Redis;
// The stall cases measure a server of its own, in a child process.
let apart: ServedApart;
afterAll(async () => {
  await apart?.stop();
});

const WIDTH = 60_000;
const one = (id: string) => [[id, null], null];
const group = (id: string, members: readonly string[]) => [[id, null], members.map(one)];
const done = (extra: Record<string, unknown> = {}) => ({
  status: 'SUCCESS',
  result: 1,
  date_done: celeryDate(),
  ...extra,
});

// A task that launched a group of 60,000 (saved too), as Celery stores it: the parent's
// `children` holds the group tuple, every member names the group and the parent.
const wide = { parent: randomUUID(), gid: randomUUID(), members: [] as string[], chain: randomUUID() };

beforeAll(async () => {
  client = lens.redis.client();
  apart = await serveApart(lens.redis.url());
  wide.members = Array.from({ length: WIDTH }, () => randomUUID());
  const pipeline = client.pipeline();
  pipeline.setex(
    `celery-task-meta-${wide.parent}`,
    600,
    JSON.stringify({ ...done({ children: [group(wide.gid, wide.members)] }), task_id: wide.parent }),
  );
  pipeline.setex(`celery-taskset-meta-${wide.gid}`, 600, JSON.stringify({ result: group(wide.gid, wide.members) }));
  for (const id of wide.members) {
    pipeline.setex(
      `celery-task-meta-${id}`,
      600,
      JSON.stringify({ ...done({ group_id: wide.gid, parent_id: wide.parent }), task_id: id }),
    );
  }
  // And a task that sent 60,000 single tasks (a loop of .delay()).
  pipeline.setex(
    `celery-task-meta-${wide.chain}`,
    600,
    JSON.stringify({ ...done({ children: wide.members.map(one) }), task_id: wide.chain }),
  );
  await pipeline.exec();
  // A server that has answered these kinds of request before (JIT-compiled): what is measured is the request, not a cold start.
  const [small, gid, m1] = [randomUUID(), randomUUID(), randomUUID()];
  await writeMeta(client, done({ children: [group(gid, [m1])] }), { id: small });
  await client.set(`celery-taskset-meta-${gid}`, JSON.stringify({ result: group(gid, [m1]) }));
  for (let round = 0; round < 3; round += 1) {
    await post(
      apart.url,
      `{ taskGraph(rootId: "${small}") { truncated nodes { id } edges { from to } } task(id: "${small}") { children { id state } } }`,
    );
    await post(
      apart.url,
      `{ group(id: "${gid}") { size completed tasks { id } chordCallback { id } } task(id: "${m1}") { root { id } group { tasks { id } } } }`,
    );
  }
}, 60_000);

const codes = (answer: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  answer.errors?.map((e) => e.extensions?.code);

describe('a fan-out of 60,000 tasks', () => {
  it.each([
    ['taskGraph', () => `{ taskGraph(rootId: "${wide.parent}", maxDepth: 10) { nodes { id } } }`, 'GRAPH_TOO_LARGE'],
    [
      'taskGraph of single children',
      () => `{ taskGraph(rootId: "${wide.chain}", maxDepth: 3) { nodes { id } } }`,
      'GRAPH_TOO_LARGE',
    ],
    ['Task.children', () => `{ task(id: "${wide.chain}") { id children { id state } } }`, 'TOO_MANY_IDS'],
    ['Group.tasks', () => `{ group(id: "${wide.gid}") { id tasks { id state } } }`, 'TOO_MANY_IDS'],
    ['Group.completed', () => `{ group(id: "${wide.gid}") { id completed } }`, 'GRAPH_TOO_LARGE'],
    ['Group.chordCallback', () => `{ group(id: "${wide.gid}") { id chordCallback { id } } }`, 'GRAPH_TOO_LARGE'],
    ['Task.group.tasks', () => `{ task(id: "${wide.members[7]}") { id group { size tasks { id } } } }`, 'TOO_MANY_IDS'],
  ])('%s answers its code promptly while /healthz keeps answering', async (_name, query, code) => {
    const probed = await whileProbingHealth(apart.url, () => post(apart.url, query()));
    expect(codes(probed.result)).toEqual([code]);
    expect(probed.slowestHealthMs).toBeLessThan(HEALTHY_PROBE_MS);
    expect(probed.ms).toBeLessThan(2000);
  });

  it('the parent itself still resolves beside the error of its list', async () => {
    const answer = await post(
      lens.app.url,
      `{ task(id: "${wide.chain}") { id state children { id } } group(id: "${wide.gid}") { size tasks { id } } }`,
    );
    expect(answer.data).toEqual({
      task: { id: wide.chain, state: 'SUCCESS', children: null },
      group: { size: WIDTH, tasks: null },
    });
    expect(answer.errors?.map((e) => [e.path, e.extensions?.code])).toEqual(
      expect.arrayContaining([
        [['task', 'children'], 'TOO_MANY_IDS'],
        [['group', 'tasks'], 'TOO_MANY_IDS'],
      ]),
    );
  });

  it('pages: offset and limit answer any slice, at most --max-ids at once', async () => {
    const answer = await post(
      lens.app.url,
      `{ task(id: "${wide.chain}") { children(offset: ${WIDTH - 2}, limit: 5) { id state } } }`,
    );
    expect(answer.data).toEqual({ task: { children: wide.members.slice(-2).map((id) => ({ id, state: 'SUCCESS' })) } });
    const tasks = await post(lens.app.url, `{ group(id: "${wide.gid}") { size tasks(offset: 10, limit: 3) { id } } }`);
    expect(tasks.data).toEqual({ group: { size: WIDTH, tasks: wide.members.slice(10, 13).map((id) => ({ id })) } });
    const tooMany = await post(lens.app.url, `{ group(id: "${wide.gid}") { tasks(limit: 1001) { id } } }`);
    expect(codes(tooMany)).toEqual(['TOO_MANY_IDS']);
    const negative = await post(lens.app.url, `{ group(id: "${wide.gid}") { tasks(offset: -1, limit: 1) { id } } }`);
    expect(codes(negative)).toEqual(['INVALID_ARGUMENT']);
  });

  it('taskGraph with maxDepth 0 is the root alone, promptly, and says it was cut', async () => {
    const probed = await whileProbingHealth(apart.url, () =>
      post(
        apart.url,
        `{ taskGraph(rootId: "${wide.parent}", maxDepth: 0) { truncated nodes { id } edges { from to } } }`,
      ),
    );
    expect(probed.result).toEqual({
      data: { taskGraph: { truncated: true, nodes: [{ id: wide.parent }], edges: [] } },
    });
    expect(probed.slowestHealthMs).toBeLessThan(HEALTHY_PROBE_MS);
    expect(probed.ms).toBeLessThan(2000);
  });
});

describe('graph edges and arguments', () => {
  it('refuses a negative maxDepth instead of answering an empty graph', async () => {
    const answer = await post(lens.app.url, `{ taskGraph(rootId: "${randomUUID()}", maxDepth: -1) { nodes { id } } }`);
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'maxDepth' });
  });

  it('a truncated graph has no edge to a node it does not include', async () => {
    const [a, b, c, gid, m1, m2] = Array.from({ length: 6 }, () => randomUUID()) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    await writeMeta(client, done({ children: [one(b), group(gid, [m1, m2])] }), { id: a });
    await writeMeta(client, done({ children: [one(c)], parent_id: a }), { id: b });
    for (const depth of [0, 1]) {
      const answer = await post(
        lens.app.url,
        `{ taskGraph(rootId: "${a}", maxDepth: ${depth}) { truncated nodes { id kind } edges { from to kind } } }`,
      );
      const graph = (
        answer.data as {
          taskGraph: { truncated: boolean; nodes: { id: string }[]; edges: { from: string; to: string }[] };
        }
      ).taskGraph;
      const ids = new Set(graph.nodes.map((n) => n.id));
      expect(graph.truncated).toBe(true);
      expect(graph.edges.filter((e) => !ids.has(e.from) || !ids.has(e.to))).toEqual([]);
      expect(graph.nodes.map((n) => n.id).sort()).toEqual((depth === 0 ? [a] : [a, b, gid, m1, m2]).sort());
    }
  });
});

describe('one unreadable task is an error at its own path', () => {
  const pickle = Buffer.from([0x80, 0x04, 0x95, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7d, 0x94, 0x2e]);

  it('in Task.children and Group.tasks: the parent and the other children resolve', async () => {
    const [parent, good, pickled, listed, gid] = Array.from({ length: 5 }, () => randomUUID()) as [
      string,
      string,
      string,
      string,
      string,
    ];
    await writeMeta(client, done({ children: [one(good), one(pickled), one(listed)] }), { id: parent });
    await writeMeta(client, done({ parent_id: parent }), { id: good });
    await client.set(`celery-task-meta-${pickled}`, pickle);
    await client.rpush(`celery-task-meta-${listed}`, 'not a string');
    await client.set(`celery-taskset-meta-${gid}`, JSON.stringify({ result: group(gid, [good, pickled, listed]) }));

    const answer = await post(
      lens.app.url,
      `{ task(id: "${parent}") { id state children { id state } } group(id: "${gid}") { id tasks { id state } } }`,
    );
    expect(answer.data).toEqual({
      task: { id: parent, state: 'SUCCESS', children: [{ id: good, state: 'SUCCESS' }, null, null] },
      group: { id: gid, tasks: [{ id: good, state: 'SUCCESS' }, null, null] },
    });
    expect(answer.errors?.map((e) => [e.path?.join('.'), e.extensions?.code]).sort()).toEqual([
      ['group.tasks.1', 'UNDECODABLE_META'],
      ['group.tasks.2', 'UNDECODABLE_META'],
      ['task.children.1', 'UNDECODABLE_META'],
      ['task.children.2', 'UNDECODABLE_META'],
    ]);
  });

  it('in Task.root: an unreadable link is its error, not a silent root', async () => {
    const [top, pickled, leaf] = Array.from({ length: 3 }, () => randomUUID()) as [string, string, string];
    await writeMeta(client, done({ children: [one(pickled)] }), { id: top });
    await client.set(`celery-task-meta-${pickled}`, pickle);
    await writeMeta(client, done({ parent_id: pickled }), { id: leaf });
    const answer = await post(lens.app.url, `{ task(id: "${leaf}") { id parent { id } root { id } } }`);
    expect(answer.data).toEqual({ task: { id: leaf, parent: null, root: null } });
    expect(answer.errors?.map((e) => [e.path?.join('.'), e.extensions?.code]).sort()).toEqual([
      ['task.parent', 'UNDECODABLE_META'],
      ['task.root', 'UNDECODABLE_META'],
    ]);
  });
});

describe('Task.root on a chain longer than --max-graph-nodes', () => {
  it('is GRAPH_TOO_LARGE at its path, never a middle link', async () => {
    const small = await startApp(lens.redis.url(), ['--max-graph-nodes', '5']);
    try {
      const chain = Array.from({ length: 8 }, () => randomUUID());
      for (const [index, id] of chain.entries()) {
        await writeMeta(
          client,
          done({
            ...(index > 0 ? { parent_id: chain[index - 1] } : {}),
            children: index < 7 ? [one(chain[index + 1]!)] : [],
          }),
          { id },
        );
      }
      const last = chain[7]!;
      const answer = await post(small.url, `{ task(id: "${last}") { id root { id } } }`);
      expect(answer.data).toEqual({ task: { id: last, root: null } });
      expect(answer.errors?.[0]).toMatchObject({
        path: ['task', 'root'],
        extensions: { code: 'GRAPH_TOO_LARGE', limit: 5 },
      });
      // Within the limit it is the first link.
      expect((await post(small.url, `{ task(id: "${chain[3]}") { root { id } } }`)).data).toEqual({
        task: { root: { id: chain[0] } },
      });
    } finally {
      await small.stop();
    }
  });
});
