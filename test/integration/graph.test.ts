import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';
import { celeryDate } from '../helpers/clock.ts';
import { released, watching } from '../helpers/watching.ts';

const Graph = graphql(`
  query Graph($rootId: ID!, $maxDepth: Int! = 10) {
    taskGraph(rootId: $rootId, maxDepth: $maxDepth) {
      rootId truncated ready
      nodes { id kind depth task { state exists } group { id size } }
      edges { from to kind }
    }
  }
`);
const Links = graphql(`
  query Links($id: ID!) {
    task(id: $id) {
      id
      parent { id }
      root { id }
      children { id state }
      group { id saved membersKnown size completed failed ready successful tasks { id } }
      chordHeader { id }
    }
  }
`);
const SavedGroup = graphql(`
  query SavedGroup($id: ID!) {
    group(id: $id) { id saved membersKnown size completed failed ready successful tasks { id state } }
  }
`);
const Header = graphql(`
  query Header($id: ID!) {
    group(id: $id) { membersKnown tasks { id } chordCallback { id } }
  }
`);
const GraphUpdates = graphql(`
  subscription GraphUpdates($rootId: ID!) {
    taskGraph(rootId: $rootId) { ready nodes { id task { state } } edges { from to kind } }
  }
`);

const lens = useLens();
let client: Redis;
beforeAll(() => {
  client = lens.redis.client();
});

const one = (id: string) => [[id, null], null];
const group = (id: string, members: string[]) => [[id, null], members.map(one)];
const done = (extra: Record<string, unknown> = {}) => ({
  status: 'SUCCESS',
  result: 1,
  date_done: celeryDate(),
  ...extra,
});

describe('taskGraph', () => {
  it('loads a 1,000-task workflow level by level: one MGET per level, not one per task', async () => {
    // root → group of 10 → each → group of 10 → each → group of 10: 1,111 tasks and 111 groups on 4 levels.
    const root = randomUUID();
    const pipeline = client.pipeline();
    let groups = 0;
    let tasks = 1;
    const fanOut = (parent: string, depth: number, extra: Record<string, unknown>) => {
      if (depth === 3) {
        pipeline.setex(
          `celery-task-meta-${parent}`,
          600,
          JSON.stringify({ ...done(extra), children: [], task_id: parent }),
        );
        return;
      }
      const gid = randomUUID();
      const members = Array.from({ length: 10 }, () => randomUUID());
      groups += 1;
      tasks += 10;
      pipeline.setex(
        `celery-task-meta-${parent}`,
        600,
        JSON.stringify({ ...done(extra), children: [group(gid, members)], task_id: parent }),
      );
      for (const member of members) fanOut(member, depth + 1, { group_id: gid, parent_id: parent });
    };
    fanOut(root, 0, {});
    await pipeline.exec();
    expect([tasks, groups]).toEqual([1111, 111]);

    const before = lens.app.backend.roundTrips;
    const { data, errors } = await execute(lens.app, Graph, { rootId: root });
    const roundTrips = lens.app.backend.roundTrips - before;
    expect(errors).toBeUndefined();
    const graph = data!.taskGraph;
    expect(graph.nodes.filter((n) => n.kind === 'TASK')).toHaveLength(1111);
    expect(graph.nodes.filter((n) => n.kind === 'GROUP')).toHaveLength(111);
    expect(graph.edges.filter((e) => e.kind === 'MEMBER')).toHaveLength(1110);
    expect(graph.edges.filter((e) => e.kind === 'CHILD')).toHaveLength(111);
    expect(Math.max(...graph.nodes.map((n) => n.depth))).toBe(3);
    expect(graph.nodes.every((n) => n.kind === 'GROUP' || n.task?.state === 'SUCCESS')).toBe(true);
    expect([graph.truncated, graph.ready]).toEqual([false, true]);
    // 4 levels of tasks, and every group node's saved-group lookup in one more MGET.
    expect(roundTrips).toBe(5);
  });

  it('stops at maxDepth and says so', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await writeMeta(client, done({ children: [one(b)] }), { id: a });
    await writeMeta(client, done({ children: [one(c)], parent_id: a }), { id: b });
    const { data } = await execute(lens.app, Graph, { rootId: a, maxDepth: 1 });
    expect(data?.taskGraph.nodes.map((n) => n.id)).toEqual([a, b]);
    expect(data?.taskGraph.truncated).toBe(true);
  });

  it('survives cycles and shows expired (missing) tasks as nodes without a key', async () => {
    const [a, b, gone] = [randomUUID(), randomUUID(), randomUUID()];
    await writeMeta(client, done({ children: [one(b), one(gone)] }), { id: a });
    await writeMeta(client, done({ children: [one(a)] }), { id: b });
    const { data } = await execute(lens.app, Graph, { rootId: a });
    expect(data?.taskGraph.nodes.map((n) => [n.id, n.task?.exists])).toEqual([
      [a, true],
      [b, true],
      [gone, false],
    ]);
    expect(data?.taskGraph.edges).toContainEqual({ from: b, to: a, kind: 'CHILD' });
    expect(data?.taskGraph.ready).toBe(false);
  });

  it("adds the children celery-lens saw that no stored `children` lists: a running task's, a chord callback's", async () => {
    const [a, gid, m1, m2, sent, callback] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id: a });
    // While a runs, its children are not stored: what it sent is known from the published metas naming it.
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' }, parent_id: a }, { id: sent });
    await until(async () => (await execute(lens.app, Graph, { rootId: a })).data?.taskGraph.nodes.length === 2);
    expect((await execute(lens.app, Graph, { rootId: a })).data?.taskGraph.edges).toEqual([
      { from: a, to: sent, kind: 'CHILD' },
    ]);
    // a done with a group in its children (the header of chain(a, group, callback)); the members, seen too, stay under the group.
    await writeMeta(client, done({ children: [group(gid, [m1, m2]), one(sent)] }), { id: a });
    for (const member of [m1, m2]) await writeMeta(client, done({ group_id: gid, parent_id: a }), { id: member });
    await writeMeta(client, done({ parent_id: a }), { id: callback });
    await until(
      async () =>
        (await execute(lens.app, Graph, { rootId: a })).data?.taskGraph.nodes.some((n) => n.id === callback) === true,
    );
    const graph = (await execute(lens.app, Graph, { rootId: a })).data!.taskGraph;
    expect(graph.nodes.map((n) => n.id)).toEqual([a, gid, m1, m2, sent, callback]);
    // The callback (seen, not stored, from the task that stored the header group) is the chord's: CALLBACK from the group; sent is stored.
    expect(graph.edges).toEqual([
      { from: a, to: gid, kind: 'CHILD' },
      { from: gid, to: m1, kind: 'MEMBER' },
      { from: gid, to: m2, kind: 'MEMBER' },
      { from: a, to: sent, kind: 'CHILD' },
      { from: a, to: callback, kind: 'CHILD' },
      { from: gid, to: callback, kind: 'CALLBACK' },
    ]);
    // At the depth limit, a seen child left out makes the graph truncated.
    expect((await execute(lens.app, Graph, { rootId: a, maxDepth: 0 })).data?.taskGraph).toMatchObject({
      truncated: true,
      edges: [],
    });
  });

  it("draws a client's chord whole from any of its tasks: every header member, and the callback after the group", async () => {
    // chord(header)(body) sent by a client: members name no parent; the body's parent is the last member to finish.
    const [gid, h1, h2, h3, body] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const member of [h1, h2, h3]) await writeMeta(client, done({ group_id: gid }), { id: member });
    await writeMeta(client, done({ parent_id: h2 }), { id: body });
    // Members are known from what celery-lens saw published with their group_id.
    await until(async () => (await execute(lens.app, Graph, { rootId: h2 })).data?.taskGraph.nodes.length === 5);
    for (const root of [h2, h1]) {
      const graph = (await execute(lens.app, Graph, { rootId: root })).data!.taskGraph;
      // Root, group, the other members (in the order first seen), the callback.
      const byOrder = graph.nodes.map((n) => [n.id, n.kind, n.depth]);
      expect([byOrder[0], byOrder[1], byOrder.at(-1)]).toEqual([
        [root, 'TASK', 0],
        [gid, 'GROUP', 0],
        [body, 'TASK', 1],
      ]);
      expect(byOrder.slice(2, -1).sort()).toEqual(
        [h1, h2, h3]
          .filter((id) => id !== root)
          .map((id) => [id, 'TASK', 0])
          .sort(),
      );
      expect(graph.nodes.find((n) => n.kind === 'GROUP')?.group).toEqual({ id: gid, size: 3 });
      expect(graph.edges).toEqual(
        expect.arrayContaining([
          ...[h1, h2, h3].map((id) => ({ from: gid, to: id, kind: 'MEMBER' })),
          { from: h2, to: body, kind: 'CHILD' },
          { from: gid, to: body, kind: 'CALLBACK' },
        ]),
      );
      expect(graph.edges).toHaveLength(5);
      expect([graph.ready, graph.truncated]).toEqual([true, false]);
    }
    // The root alone at maxDepth 0, as ever; a member of a group launched by a task is not drawn with its siblings.
    expect(
      (await execute(lens.app, Graph, { rootId: h1, maxDepth: 0 })).data?.taskGraph.nodes.map((n) => n.id),
    ).toEqual([h1]);
    const [parent, inner, m1, m2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await writeMeta(client, done({ children: [group(inner, [m1, m2])] }), { id: parent });
    for (const member of [m1, m2])
      await writeMeta(client, done({ group_id: inner, parent_id: parent }), { id: member });
    expect((await execute(lens.app, Graph, { rootId: m1 })).data?.taskGraph.nodes.map((n) => n.id)).toEqual([m1]);
  });

  it('answers GRAPH_TOO_LARGE past --max-graph-nodes', async () => {
    const small = await startApp(lens.redis.url(), ['--max-graph-nodes', '5']);
    try {
      const root = randomUUID();
      await writeMeta(
        client,
        done({
          children: [
            group(
              randomUUID(),
              Array.from({ length: 10 }, () => randomUUID()),
            ),
          ],
        }),
        { id: root },
      );
      const { data, errors } = await execute(small, Graph, { rootId: root });
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'GRAPH_TOO_LARGE', limit: 5 });
    } finally {
      await small.stop();
    }
  });
});

describe('links on Task', () => {
  it('parent, root and children along a chain', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await writeMeta(client, done({ children: [one(b)] }), { id: a });
    await writeMeta(client, done({ children: [one(c)], parent_id: a }), { id: b });
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' }, parent_id: b }, { id: c });
    const { data } = await execute(lens.app, Links, { id: c });
    expect(data?.task).toMatchObject({
      parent: { id: b },
      root: { id: a },
      children: [],
      group: null,
      chordHeader: null,
    });
    expect((await execute(lens.app, Links, { id: a })).data?.task).toMatchObject({
      parent: null,
      root: { id: a },
      children: [{ id: b, state: 'SUCCESS' }],
    });
  });

  it("an unsaved group launched from a task: members come from the parent's children tuple", async () => {
    const [parent, gid, m1, m2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await writeMeta(client, done({ children: [group(gid, [m1, m2])] }), { id: parent });
    await writeMeta(client, done({ group_id: gid, parent_id: parent }), { id: m1 });
    await writeMeta(
      client,
      {
        status: 'FAILURE',
        result: { exc_type: 'E', exc_message: [], exc_module: null },
        date_done: celeryDate(),
        group_id: gid,
        parent_id: parent,
      },
      { id: m2 },
    );
    const { data } = await execute(lens.app, Links, { id: m1 });
    expect(data?.task?.group).toEqual({
      id: gid,
      saved: false,
      membersKnown: true,
      size: 2,
      completed: 2,
      failed: 1,
      ready: true,
      successful: false,
      tasks: [{ id: m1 }, { id: m2 }],
    });
  });

  it('a chord callback knows its header group; a chain link after a group member does not pretend to', async () => {
    const [gid, h1, h2, body] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await writeMeta(client, done({ group_id: gid }), { id: h1 });
    await writeMeta(client, done({ group_id: gid }), { id: h2 });
    await writeMeta(client, done({ parent_id: h2 }), { id: body });
    expect((await execute(lens.app, Links, { id: body })).data?.task?.chordHeader).toEqual({ id: gid });
    // And from the header: members and callback from what celery-lens saw published.
    await until(async () => (await execute(lens.app, Header, { id: gid })).data?.group?.chordCallback?.id === body);
    const header = (await execute(lens.app, Header, { id: gid })).data?.group;
    expect(header).toMatchObject({ membersKnown: true, chordCallback: { id: body } });
    expect(header?.tasks?.map((t) => t?.id).sort()).toEqual([h1, h2].sort());
    // A task the member sent while running is in its children: not a chord callback.
    const [spawner, spawned] = [randomUUID(), randomUUID()];
    await writeMeta(client, done({ group_id: gid, children: [one(spawned)] }), { id: spawner });
    await writeMeta(client, done({ parent_id: spawner }), { id: spawned });
    expect((await execute(lens.app, Links, { id: spawned })).data?.task?.chordHeader).toBeNull();
  });
});

describe('group(id)', () => {
  it('reads a saved group (GroupResult.save()) with its progress', async () => {
    const [gid, m1, m2] = [randomUUID(), randomUUID(), randomUUID()];
    await client.set(`celery-taskset-meta-${gid}`, JSON.stringify({ result: group(gid, [m1, m2]) }));
    await writeMeta(client, done({ group_id: gid }), { id: m1 });
    const { data } = await execute(lens.app, SavedGroup, { id: gid });
    expect(data?.group).toEqual({
      id: gid,
      saved: true,
      membersKnown: true,
      size: 2,
      completed: 1,
      failed: 0,
      ready: false,
      successful: false,
      tasks: [
        { id: m1, state: 'SUCCESS' },
        { id: m2, state: 'PENDING' },
      ],
    });
  });

  it('shows a running chord’s size and progress, and an unknown group as unknown', async () => {
    // As Celery's Redis backend keeps a chord: `.s` its size, `.j` the finished header tasks' results (a sorted
    // set by default, a list with result_chord_ordered off), `.t` the tasks added while it runs (add_to_chord).
    const [gid, listed] = [randomUUID(), randomUUID()];
    await client.set(`celery-taskset-meta-${gid}.s`, '3');
    await client.zadd(`celery-taskset-meta-${gid}.j`, 0, JSON.stringify([1, randomUUID(), 'SUCCESS', 2]));
    expect((await execute(lens.app, SavedGroup, { id: gid })).data?.group).toMatchObject({
      saved: false,
      membersKnown: false,
      size: 3,
      completed: 1,
      ready: null,
      tasks: [],
    });
    await client.set(`celery-taskset-meta-${gid}.t`, '1');
    expect((await execute(lens.app, SavedGroup, { id: gid })).data?.group).toMatchObject({ size: 4, completed: 1 });
    await client.set(`celery-taskset-meta-${listed}.s`, '2');
    await client.rpush(`celery-taskset-meta-${listed}.j`, '[1, "a", "SUCCESS", 1]', '[1, "b", "SUCCESS", 2]');
    expect((await execute(lens.app, SavedGroup, { id: listed })).data?.group).toMatchObject({ size: 2, completed: 2 });
    expect((await execute(lens.app, SavedGroup, { id: randomUUID() })).data?.group).toMatchObject({
      saved: false,
      membersKnown: false,
      size: null,
      completed: null,
    });
  });
});

describe('query limits', () => {
  // Their refusals need no Redis: test/schema/query-limits.test.ts. Here: what fits runs and reads.
  it("let through one taskGraph with a page's selection, and tasks(ids) of 100 ids", async () => {
    const post = async (query: string, variables?: Record<string, unknown>) => {
      const response = await lens.app.yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: { tasks?: unknown[] }; errors?: unknown[] };
    };
    const one = await post(
      `{ g: taskGraph(rootId: "${randomUUID()}") { nodes { id task { id state status } } edges { from to } } }`,
    );
    expect(one.errors).toBeUndefined();
    // 53 complexity per task (test/schema/query-limits.test.ts): 100 of them fit --max-complexity.
    const query = `query ($ids: [ID!]!) { tasks(ids: $ids) { id state rawState result meta name args kwargs worker queue retries
      dateDone expiresAt ttlSeconds parentId groupId exists ready successful failed children { id state }
      error { type message module args traceback } parent { id state } group { id size } } }`;
    const small = await post(query, { ids: Array.from({ length: 100 }, () => randomUUID()) });
    expect(small.errors).toBeUndefined();
    expect(small.data?.tasks).toHaveLength(100);
  });
});

describe('subscription taskGraph', () => {
  it('streams the graph as it grows and completes when every task is ready', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id: a });
    const ws = wsClient(lens.app.url);
    try {
      const sub = subscribe(ws, GraphUpdates, { rootId: a });
      await sub.waitFor(1);
      await writeMeta(client, done({ children: [one(b)] }), { id: a });
      await sub.waitFor(2);
      await writeMeta(client, done({ parent_id: a }), { id: b });
      await sub.done;
      expect(sub.events.map((e) => [e.taskGraph.ready, e.taskGraph.nodes.map((n) => n.task?.state)])).toEqual([
        [false, ['STARTED']],
        [false, ['SUCCESS', 'PENDING']],
        [true, ['SUCCESS', 'SUCCESS']],
      ]);
      expect(sub.events[2]?.taskGraph.edges).toEqual([{ from: a, to: b, kind: 'CHILD' }]);
    } finally {
      await ws.dispose();
    }
  });

  it("waits for a child sent just after every task became ready (a chord's callback), then completes", async () => {
    const [a, callback] = [randomUUID(), randomUUID()];
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id: a });
    const ws = wsClient(lens.app.url);
    try {
      const sub = subscribe(ws, GraphUpdates, { rootId: a });
      await sub.waitFor(1);
      // a stores its result, then sends the callback, which names a as parent but is in no stored children.
      await writeMeta(client, done(), { id: a });
      await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' }, parent_id: a }, { id: callback });
      await until(() => sub.events.at(-1)?.taskGraph.nodes.some((n) => n.id === callback) === true);
      expect(sub.events.at(-1)?.taskGraph).toMatchObject({
        ready: false,
        edges: [{ from: a, to: callback, kind: 'CHILD' }],
      });
      await writeMeta(client, done({ parent_id: a }), { id: callback });
      await sub.done;
      expect(sub.events.at(-1)?.taskGraph).toMatchObject({
        ready: true,
        nodes: [
          { id: a, task: { state: 'SUCCESS' } },
          { id: callback, task: { state: 'SUCCESS' } },
        ],
      });
    } finally {
      await ws.dispose();
    }
  });

  it("grows a client's chord as its members start, then its callback after the group", async () => {
    const [gid, h1, h2, body] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const ws = wsClient(lens.app.url);
    try {
      // Opened before its first task starts: nothing tells yet that it belongs to a group.
      const sub = subscribe(ws, GraphUpdates, { rootId: h1 });
      await sub.waitFor(1);
      expect(sub.events[0]?.taskGraph.nodes.map((n) => n.id)).toEqual([h1]);
      await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' }, group_id: gid }, { id: h1 });
      await until(() => sub.events.at(-1)?.taskGraph.nodes.length === 2);
      expect(sub.events.at(-1)?.taskGraph.nodes.map((n) => n.id)).toEqual([h1, gid]);
      // A member seen for the first time: the graph is walked again.
      await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' }, group_id: gid }, { id: h2 });
      await until(() => sub.events.at(-1)?.taskGraph.nodes.some((n) => n.id === h2) === true);
      await writeMeta(client, done({ group_id: gid }), { id: h1 });
      await writeMeta(client, done({ group_id: gid }), { id: h2 });
      await writeMeta(client, done({ parent_id: h2 }), { id: body });
      await sub.done;
      const last = sub.events.at(-1)!.taskGraph;
      expect(last.ready).toBe(true);
      expect(last.nodes.map((n) => n.id)).toEqual([h1, gid, h2, body]);
      expect(last.edges).toContainEqual({ from: gid, to: body, kind: 'CALLBACK' });
    } finally {
      await ws.dispose();
    }
  });

  it('lets go of its tasks as soon as the client leaves, though none of them changed', async () => {
    const a = randomUUID();
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id: a });
    const ws = wsClient(lens.app.url);
    try {
      const sub = subscribe(ws, GraphUpdates, { rootId: a });
      await sub.waitFor(1);
      await until(() => watching(lens.app, [a]));
      sub.stop();
      await until(() => released(lens.app, [a]));
    } finally {
      await ws.dispose();
    }
  });
});
