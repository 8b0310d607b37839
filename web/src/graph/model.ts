/**
 * What the graph view draws, from the server's TaskGraph: tasks and groups as
 * they are, except that a group with more than COLLAPSE_OVER members becomes
 * one summary node with its counts (until the user expands it), so a fan-out
 * of thousands stays readable and cheap to draw.
 */
import type { TaskStatus, WorkflowGraphSubscription } from '../graphql/generated/graphql.ts';
import { countByStatus } from '../status.ts';

export type GraphData = WorkflowGraphSubscription['taskGraph'];
export type GraphTask = NonNullable<GraphData['nodes'][number]['task']>;

export const COLLAPSE_OVER = 50;

export type ViewNode =
  | { readonly kind: 'task'; readonly id: string; readonly status: TaskStatus; readonly name: string | null }
  | { readonly kind: 'group'; readonly id: string; readonly size: number }
  | { readonly kind: 'summary'; readonly id: string; readonly groupId: string; readonly counts: ReadonlyMap<TaskStatus, number>; readonly size: number };

export interface ViewEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly kind: 'CHILD' | 'MEMBER';
}

export interface ViewModel {
  readonly nodes: readonly ViewNode[];
  readonly edges: readonly ViewEdge[];
  /** Changes only when nodes or edges come or go (not when a status changes): the layout's cache key. */
  readonly structure: string;
}

/**
 * The graph with each chord's callback as a task node after its header group.
 * taskGraph follows stored `children` only, and no task stores the callback
 * as its child; the header group knows it once it was sent.
 */
export function withChordCallbacks(graph: GraphData): GraphData {
  const known = new Set(graph.nodes.map((node) => node.id));
  const nodes = [...graph.nodes];
  const edges = [...graph.edges];
  for (const node of graph.nodes) {
    const callback = node.group?.chordCallback;
    if (!callback) continue;
    if (!known.has(callback.id)) {
      known.add(callback.id);
      nodes.push({ id: callback.id, kind: 'TASK', depth: node.depth + 1, task: callback, group: null });
    }
    edges.push({ from: node.id, to: callback.id, kind: 'CHILD' });
  }
  return nodes.length === graph.nodes.length ? graph : { ...graph, nodes, edges, ready: graph.ready && nodes.every((n) => n.kind !== 'TASK' || n.task?.ready === true) };
}

/**
 * Whether nothing in the graph can change any more. The server's stream ends
 * when every task it walked is ready, which for a chord is the moment the
 * last header task stores its result, just before it sends the callback: a
 * graph with a group whose callback is not known yet is looked at again a
 * few times (`lookedAgain`) before it is taken as done.
 */
export function graphDone(graph: GraphData, lookedAgain: number): boolean {
  if (!withChordCallbacks(graph).ready) return false;
  const callbackUnknown = graph.nodes.some((node) => node.kind === 'GROUP' && !node.group?.chordCallback);
  return !callbackUnknown || lookedAgain >= 2;
}

export const summaryId = (groupId: string) => `summary:${groupId}`;

export function viewModel(graph: GraphData, expanded: ReadonlySet<string>): ViewModel {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const statusOf = (id: string): TaskStatus => byId.get(id)?.task?.status ?? 'UNKNOWN';
  // Members hidden behind their group's summary node.
  const replacedBy = new Map<string, string>();
  const summaries: ViewNode[] = [];
  for (const node of graph.nodes) {
    if (node.kind !== 'GROUP' || expanded.has(node.id)) continue;
    const members = graph.edges.filter((edge) => edge.kind === 'MEMBER' && edge.from === node.id).map((edge) => edge.to);
    if (members.length <= COLLAPSE_OVER) continue;
    for (const member of members) replacedBy.set(member, summaryId(node.id));
    summaries.push({ kind: 'summary', id: summaryId(node.id), groupId: node.id, size: members.length, counts: countByStatus(members.map(statusOf)) });
  }
  const nodes: ViewNode[] = [];
  for (const node of graph.nodes) {
    if (replacedBy.has(node.id)) continue;
    if (node.kind === 'GROUP') nodes.push({ kind: 'group', id: node.id, size: node.group?.size ?? 0 });
    else nodes.push({ kind: 'task', id: node.id, status: node.task?.status ?? 'UNKNOWN', name: node.task?.name ?? null });
  }
  nodes.push(...summaries);
  const edges = new Map<string, ViewEdge>();
  for (const edge of graph.edges) {
    const source = replacedBy.get(edge.from) ?? edge.from;
    const target = replacedBy.get(edge.to) ?? edge.to;
    if (source === target || !byId.has(edge.from) || !byId.has(edge.to)) continue;
    const id = `${source}->${target}`;
    if (!edges.has(id)) edges.set(id, { id, source, target, kind: edge.kind });
  }
  const edgeList = [...edges.values()];
  const structure = `${nodes.map((node) => node.id).join(',')}|${edgeList.map((edge) => edge.id).join(',')}`;
  return { nodes, edges: edgeList, structure };
}

/** Counts per status over every task of the graph, collapsed or not. */
export function graphCounts(graph: GraphData): Map<TaskStatus, number> {
  return countByStatus(graph.nodes.filter((node) => node.kind === 'TASK').map((node) => node.task?.status ?? 'UNKNOWN'));
}
