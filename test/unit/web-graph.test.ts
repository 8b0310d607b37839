/**
 * The web page's pure parts (web/src/graph, the search box's parser), run in
 * Node: what the graph view draws from a TaskGraph, and where.
 */
import { describe, expect, it } from 'vitest';
import { layout } from '../../web/src/graph/layout.ts';
import { type GraphData, COLLAPSE_OVER, graphCounts, summaryId, viewModel } from '../../web/src/graph/model.ts';
import type { TaskStatus } from '../../web/src/graphql/generated/graphql.ts';
import { taskIdFromInput } from '../../web/src/task-id-input.ts';

type Node = GraphData['nodes'][number];
const task = (id: string, status: TaskStatus = 'SUCCEEDED'): Node => ({
  id,
  kind: 'TASK',
  task: { status, name: 'proj.t' },
});
/** root → group g of `size` members (m0…), and a task after the group's first member. */
function fanOut(size: number, status: (index: number) => TaskStatus = () => 'SUCCEEDED'): GraphData {
  const members = Array.from({ length: size }, (_, index) => task(`m${index}`, status(index)));
  return {
    ready: false,
    truncated: false,
    nodes: [task('root', 'SUCCEEDED'), { id: 'g', kind: 'GROUP', task: null }, ...members, task('after', 'QUEUED')],
    edges: [
      { from: 'root', to: 'g', kind: 'CHILD' },
      ...members.map((member) => ({ from: 'g', to: member.id, kind: 'MEMBER' as const })),
      { from: 'm0', to: 'after', kind: 'CHILD' },
    ],
  };
}

describe('the graph view model', () => {
  it(`draws a group of ${COLLAPSE_OVER} as it is, and one of ${COLLAPSE_OVER + 1} as a summary with its counts until expanded`, () => {
    expect(viewModel(fanOut(COLLAPSE_OVER), new Set()).nodes.filter((n) => n.kind === 'summary')).toEqual([]);
    const big = fanOut(COLLAPSE_OVER + 1, (index) => (index < 3 ? 'FAILED' : 'RUNNING'));
    const model = viewModel(big, new Set());
    expect(model.nodes.map((n) => n.id)).toEqual(['root', 'g', 'after', summaryId('g')]);
    const summary = model.nodes.find((n) => n.kind === 'summary');
    expect(summary).toMatchObject({ groupId: 'g', size: 51 });
    expect(summary?.kind === 'summary' && Object.fromEntries(summary.counts)).toEqual({ FAILED: 3, RUNNING: 48 });
    // Member edges become one; what a member sent now leaves the summary.
    expect(model.edges.map((e) => `${e.source}->${e.target}`)).toEqual([
      'root->g',
      `g->${summaryId('g')}`,
      `${summaryId('g')}->after`,
    ]);
    expect(viewModel(big, new Set(['g'])).nodes).toHaveLength(big.nodes.length);
    expect(Object.fromEntries(graphCounts(big))).toEqual({ SUCCEEDED: 1, FAILED: 3, RUNNING: 48, QUEUED: 1 });
  });

  it('keeps the same structure (so the same layout) when only statuses change', () => {
    const before = viewModel(
      fanOut(10, () => 'RUNNING'),
      new Set(),
    );
    const after = viewModel(
      fanOut(10, () => 'SUCCEEDED'),
      new Set(),
    );
    expect(after.structure).toBe(before.structure);
    expect(layout(after.nodes, after.edges)).toEqual(layout(before.nodes, before.edges));
    expect(viewModel(fanOut(11), new Set()).structure).not.toBe(before.structure);
  });

  /** `callback` sent by `sender`, the callback of group g's chord, as taskGraph gives it. */
  const withCallback = (graph: GraphData, sender: string): GraphData => ({
    ...graph,
    nodes: [...graph.nodes, task('callback', 'RUNNING')],
    edges: [
      ...graph.edges,
      { from: sender, to: 'callback', kind: 'CHILD' },
      { from: 'g', to: 'callback', kind: 'CALLBACK' },
    ],
  });

  it("draws a chord's callback after its header's members, though Celery parents it to the task before the group", () => {
    // chain(root, group(m0, m1), callback): Celery parents the callback to root.
    const chord = withCallback(fanOut(2), 'root');
    const model = viewModel(chord, new Set());
    const edges = model.edges.map((e) => e.id);
    expect(edges).toEqual(expect.arrayContaining(['m0->callback', 'm1->callback']));
    expect(edges).not.toContain('root->callback');
    const positions = layout(model.nodes, model.edges);
    expect(positions.get('callback')!.x).toBeGreaterThan(positions.get('m0')!.x);
    // Collapsed, the header's summary leads to it.
    const collapsed = viewModel(withCallback(fanOut(COLLAPSE_OVER + 1), 'root'), new Set());
    expect(collapsed.edges.map((e) => e.id)).toContain(`${summaryId('g')}->callback`);
    expect(collapsed.edges.map((e) => e.id)).not.toContain('root->callback');
  });

  it("draws a client's chord whole: every header member leads to the callback the last one sent", () => {
    // chord(header)(callback) from a client: the members have no parent, the callback's is the last member to finish.
    const members = Array.from({ length: 12 }, (_, index) => task(`m${index}`));
    const chord: GraphData = {
      ready: true,
      truncated: false,
      nodes: [members[0]!, { id: 'g', kind: 'GROUP', task: null }, ...members.slice(1), task('callback')],
      edges: [
        ...members.map((member) => ({ from: 'g', to: member.id, kind: 'MEMBER' as const })),
        { from: 'm7', to: 'callback', kind: 'CHILD' },
        { from: 'g', to: 'callback', kind: 'CALLBACK' },
      ],
    };
    const model = viewModel(chord, new Set());
    expect(model.nodes.filter((n) => n.kind === 'task')).toHaveLength(13);
    expect(
      model.edges
        .filter((e) => e.target === 'callback')
        .map((e) => e.source)
        .sort(),
    ).toEqual(members.map((m) => m.id).sort());
    const positions = layout(model.nodes, model.edges);
    for (const member of members) expect(positions.get('callback')!.x).toBeGreaterThan(positions.get(member.id)!.x);
  });
});

describe('the layout', () => {
  it('places 1,000+ nodes in layers left to right, each child right of its parents, in well under 100 ms', () => {
    const graph = fanOut(1000);
    const model = viewModel(graph, new Set(['g']));
    const start = performance.now();
    const positions = layout(model.nodes, model.edges);
    expect(performance.now() - start).toBeLessThan(100);
    expect(positions.size).toBe(model.nodes.length);
    for (const edge of model.edges)
      expect(positions.get(edge.target)!.x).toBeGreaterThan(positions.get(edge.source)!.x);
    // No two members in one place; the column of 1,000 wraps into a block about 3:2 wide, not 54,000 px tall.
    const members = model.nodes.filter((n) => n.id.startsWith('m')).map((n) => positions.get(n.id)!);
    expect(new Set(members.map((p) => `${p.x},${p.y}`)).size).toBe(1000);
    const [xs, ys] = [members.map((p) => p.x), members.map((p) => p.y)];
    const [wide, tall] = [Math.max(...xs) - Math.min(...xs) + 200, Math.max(...ys) - Math.min(...ys) + 44];
    expect(wide / tall).toBeGreaterThan(1);
    expect(wide / tall).toBeLessThan(2.5);
  });

  it('lays small graphs out with dagre, also left to right', () => {
    const model = viewModel(fanOut(5), new Set());
    const positions = layout(model.nodes, model.edges);
    for (const edge of model.edges)
      expect(positions.get(edge.target)!.x).toBeGreaterThan(positions.get(edge.source)!.x);
  });
});

describe('the search box', () => {
  const id = '3f2c2a7e-8d4b-4d8e-9b1a-0c5e6f7a8b9c';
  it('takes an id, or the last path segment of a pasted URL', () => {
    expect(taskIdFromInput(`  ${id}\n`)).toBe(id);
    expect(taskIdFromInput(`http://127.0.0.1:4000/tasks/${id}`)).toBe(id);
    expect(taskIdFromInput(`https://flower.example.com/task/${id}/?tab=result#top`)).toBe(id);
    expect(taskIdFromInput(`/tasks/a%20b`)).toBe('a b');
    expect(taskIdFromInput('/tasks/%E0%A4%A')).toBe('%E0%A4%A');
    expect(taskIdFromInput('   ')).toBeNull();
    expect(taskIdFromInput('/')).toBeNull();
  });
});
