/**
 * Workflow graphs from a real Celery 5.2 worker, compared with Celery's own
 * view: the AsyncResult/GroupResult objects the client got back when sending
 * (their .parent links), AsyncResult.children, and GroupResult.restore().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const WorkflowGraph = graphql(`
  query WorkflowGraph($rootId: ID!) {
    taskGraph(rootId: $rootId) {
      ready
      nodes { id kind task { state } }
      edges { from to kind }
    }
  }
`);
const WorkflowTask = graphql(`
  query WorkflowTask($id: ID!) {
    task(id: $id) {
      state
      parent { id }
      root { id }
      children { id }
      group { id membersKnown tasks { id } }
      chordHeader { id }
    }
  }
`);
const WorkflowGroup = graphql(`
  query WorkflowGroup($id: ID!) {
    group(id: $id) { saved size completed ready successful tasks { id } }
  }
`);
const ChordHeader = graphql(`
  query ChordHeader($id: ID!) {
    group(id: $id) { saved membersKnown tasks { id } chordCallback { id result } }
  }
`);

interface Sent {
  id: string;
  ids: string[];
  groupId?: string;
}
interface View {
  id: string;
  state: string;
  children: string[] | null;
  child_groups: Record<string, string[]>;
  result: unknown;
}

let redis: RedisServer;
let worker: CeleryWorker;
let app: Awaited<ReturnType<typeof startApp>>;
const env = () => ({ brokerUrl: redis.url(15), backendUrl: redis.url(0) });
const q = 'graph';
const add = (...args: number[]) => ({ task: 'add', args, queue: q });

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
  worker = await startWorker({ ...env(), queues: [q] });
  app = await startApp(redis.url());
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await worker?.stop();
  await redis?.stop();
});

const send = async (spec: unknown) => (await celery<Sent[]>('send', [spec], env()))[0]!;
const wait = (ids: string[]) => celery<View[]>('wait', { ids, timeout: 30 }, env());
const graphOf = async (rootId: string) => (await execute(app, WorkflowGraph, { rootId })).data!.taskGraph;
const taskOf = async (id: string) => (await execute(app, WorkflowTask, { id })).data!.task!;

describe('graphs of real workflows', () => {
  it('a chain of 3: the links Celery returned, as parent/children/root and as a graph', async () => {
    const sent = await send({
      chain: [add(1, 1), { task: 'add', args: [2], queue: q }, { task: 'add', args: [3], queue: q }],
    });
    const [a, b, c] = sent.ids as [string, string, string];
    const views = await wait(sent.ids);
    const graph = await graphOf(a);
    expect(graph.nodes.map((n) => [n.id, n.task?.state])).toEqual([
      [a, 'SUCCESS'],
      [b, 'SUCCESS'],
      [c, 'SUCCESS'],
    ]);
    expect(graph.edges).toEqual([
      { from: a, to: b, kind: 'CHILD' },
      { from: b, to: c, kind: 'CHILD' },
    ]);
    expect(graph.ready).toBe(true);
    // Celery: AsyncResult.children of each link, and the .parent chain of the result it handed back.
    for (const view of views) expect((await taskOf(view.id)).children?.map((t) => t?.id)).toEqual(view.children ?? []);
    expect(await taskOf(c)).toMatchObject({ parent: { id: b }, root: { id: a }, group: null, chordHeader: null });
  });

  it('a failing link in a chain: the graph ends at the failure, as AsyncResult.children do; later links are FAILURE', async () => {
    const sent = await send({
      chain: [
        add(1, 1),
        { task: 'fail', args: ['link 2'], queue: q, immutable: true },
        { task: 'add', args: [3], queue: q },
      ],
    });
    const [a, failing, never] = sent.ids as [string, string, string];
    const views = await wait([a, failing]);
    expect(views.map((v) => [v.state, v.children])).toEqual([
      ['SUCCESS', [failing]],
      ['FAILURE', []],
    ]);
    const graph = await graphOf(a);
    expect(graph.nodes.map((n) => [n.id, n.task?.state])).toEqual([
      [a, 'SUCCESS'],
      [failing, 'FAILURE'],
    ]);
    expect(graph.edges).toEqual([{ from: a, to: failing, kind: 'CHILD' }]);
    // Celery marks the links that never ran as failed with the same exception.
    const [neverView] = await celery<View[]>('view', { ids: [never] }, env());
    expect(neverView!.state).toBe('FAILURE');
    expect((await taskOf(never)).state).toBe('FAILURE');
  });

  it('a saved group: group(id) lists what GroupResult.restore() lists', async () => {
    const sent = await send({ group: [add(1, 1), add(2, 2), add(3, 3)], save: true });
    await wait(sent.ids);
    const restored = await celery<{ groups: ({ id: string; results: string[] } | null)[] }>(
      'view',
      { ids: [], groups: [sent.id] },
      env(),
    );
    const { data } = await execute(app, WorkflowGroup, { id: sent.id });
    expect(data?.group).toEqual({
      saved: true,
      size: 3,
      completed: 3,
      ready: true,
      successful: true,
      tasks: restored.groups[0]!.results.map((id) => ({ id })),
    });
    expect((await taskOf(sent.ids[0]!)).group).toEqual({
      id: sent.id,
      membersKnown: true,
      tasks: sent.ids.map((id) => ({ id })),
    });
  });

  it('a task that launches a group: AsyncResult.children holds a GroupResult; the graph holds its members', async () => {
    const parent = (await send({ task: 'spawn_group', args: [3], queue: q })).id;
    const [view] = await wait([parent]);
    const gid = view!.result as string;
    const members = view!.child_groups[gid]!;
    expect(view!.children).toEqual([gid]);
    await wait(members);
    const graph = await graphOf(parent);
    expect(graph.nodes.map((n) => [n.id, n.kind])).toEqual([
      [parent, 'TASK'],
      [gid, 'GROUP'],
      ...members.map((m) => [m, 'TASK']),
    ]);
    expect(graph.edges).toEqual([
      { from: parent, to: gid, kind: 'CHILD' },
      ...members.map((m) => ({ from: gid, to: m, kind: 'MEMBER' })),
    ]);
    expect((await taskOf(parent)).children?.map((t) => t?.id)).toEqual(members);
    expect(await taskOf(members[1]!)).toMatchObject({
      parent: { id: parent },
      group: { id: gid, membersKnown: true, tasks: members.map((id) => ({ id })) },
    });
  });

  it('a chord of 3 + callback: the callback finds its header group, the header finds its members and callback', async () => {
    const sent = await send({ chord: [add(1, 1), add(2, 2), add(3, 3)], body: { task: 'tsum', queue: q } });
    const [body] = await wait([sent.id]);
    expect(body!.result).toBe(12);
    const callback = await taskOf(sent.id);
    // Celery's own result object had .parent = the header GroupResult.
    expect(callback.chordHeader).toEqual({ id: sent.groupId });
    expect(sent.ids).toContain(callback.parent?.id);
    for (const member of sent.ids) expect((await taskOf(member)).group?.id).toBe(sent.groupId);
    // From the header side: members and callback as celery-lens saw them published.
    await until(
      async () => (await execute(app, ChordHeader, { id: sent.groupId! })).data?.group?.chordCallback !== null,
    );
    const { data } = await execute(app, ChordHeader, { id: sent.groupId! });
    expect(data?.group).toMatchObject({ saved: false, membersKnown: true, chordCallback: { id: sent.id, result: 12 } });
    expect(data?.group?.tasks?.map((t) => t?.id).sort()).toEqual([...sent.ids].sort());
    // The graph from the last header task to finish (the callback's parent, which does not store it) reaches it, and
    // from any header task the whole chord is drawn: the members name no parent, so the root comes with its group.
    const last = callback.parent!.id!;
    for (const root of [last, ...sent.ids.filter((id) => id !== last)]) {
      const graph = await graphOf(root);
      // The other members in the order celery-lens first saw them.
      const others = graph.nodes.slice(2, -1);
      expect([graph.nodes[0], graph.nodes[1], graph.nodes.at(-1)].map((n) => [n?.id, n?.task?.state ?? null])).toEqual([
        [root, 'SUCCESS'],
        [sent.groupId, null],
        [sent.id, 'SUCCESS'],
      ]);
      expect(others.map((n) => n.id).sort()).toEqual(sent.ids.filter((id) => id !== root).sort());
      expect(others.every((n) => n.task?.state === 'SUCCESS')).toBe(true);
      expect(graph.edges).toHaveLength(5);
      expect(graph.edges).toEqual(
        expect.arrayContaining([
          ...sent.ids.map((id) => ({ from: sent.groupId, to: id, kind: 'MEMBER' })),
          { from: last, to: sent.id, kind: 'CHILD' },
          { from: sent.groupId, to: sent.id, kind: 'CALLBACK' },
        ]),
      );
    }
  });

  it('chain(a, group, body): the chord callback Celery parents to a, which stores only the group, is in the graph', async () => {
    const sent = await send({
      chain: [
        add(1, 1),
        { group: [add(1, 1), add(2, 2), add(3, 3)].map((s) => ({ ...s, immutable: true })) },
        { task: 'tsum', queue: q },
      ],
    });
    const [a, callback] = [sent.ids[0]!, sent.id];
    const [body] = await wait([callback]);
    expect(body!.result).toBe(12);
    // Celery's own view: a's children are the header group only; the callback names a as its parent.
    const [aView] = await celery<View[]>('view', { ids: [a] }, env());
    const gid = aView!.children![0]!;
    const members = aView!.child_groups[gid]!;
    expect(aView!.children).toEqual([gid]);
    expect((await taskOf(callback)).parent?.id).toBe(a);
    // The callback is known from its task-sent event or its published meta; poll until the consumer recorded it.
    await until(async () => (await graphOf(a)).nodes.some((n) => n.id === callback));
    const graph = await graphOf(a);
    expect(graph.nodes.map((n) => [n.id, n.kind, n.task?.state ?? null])).toEqual([
      [a, 'TASK', 'SUCCESS'],
      [gid, 'GROUP', null],
      ...members.map((m) => [m, 'TASK', 'SUCCESS']),
      [callback, 'TASK', 'SUCCESS'],
    ]);
    expect(graph.edges).toEqual([
      { from: a, to: gid, kind: 'CHILD' },
      ...members.map((m) => ({ from: gid, to: m, kind: 'MEMBER' })),
      { from: a, to: callback, kind: 'CHILD' },
      { from: gid, to: callback, kind: 'CALLBACK' },
    ]);
    expect(graph.ready).toBe(true);
  });
});
