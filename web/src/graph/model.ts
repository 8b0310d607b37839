/**
 * What the graph view draws, from the server's TaskGraph: tasks and groups as
 * they are, except that a group with more than COLLAPSE_OVER members becomes
 * one summary node with its counts (until the user expands it), so a fan-out
 * of thousands stays readable and cheap to draw, and that a chord's callback
 * follows its header's members (the server's CALLBACK edges say which).
 */
import type { TaskStatus, WorkflowGraphSubscription, WorkflowTimesSubscription } from '../graphql/generated/graphql.ts';
import { countByStatus } from '../status.ts';

export type GraphData = WorkflowGraphSubscription['taskGraph'];
export type GraphTask = NonNullable<GraphData['nodes'][number]['task']>;
export type GraphTimes = WorkflowTimesSubscription['taskGraph'];

export const COLLAPSE_OVER = 50;

export type ViewNode =
  | { readonly kind: 'task'; readonly id: string; readonly status: TaskStatus; readonly name: string | null }
  | { readonly kind: 'group'; readonly id: string; readonly size: number }
  | {
      readonly kind: 'summary';
      readonly id: string;
      readonly groupId: string;
      readonly counts: ReadonlyMap<TaskStatus, number>;
      readonly size: number;
    };

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

export const summaryId = (groupId: string) => `summary:${groupId}`;

/**
 * Chord callbacks: drawn after their header's members (fan-in, from each
 * member, by the CALLBACK edge), not after the task that sent them (in
 * Celery's chain(a, group, callback) that is `a`; in a chord a client sent,
 * the header's last task to finish).
 */
function chordCallbacks(graph: GraphData): Set<string> {
  return new Set(graph.edges.filter((edge) => edge.kind === 'CALLBACK').map((edge) => edge.to));
}

export function viewModel(graph: GraphData, expanded: ReadonlySet<string>): ViewModel {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const statusOf = (id: string): TaskStatus => byId.get(id)?.task?.status ?? 'UNKNOWN';
  const membersOf = new Map<string, string[]>();
  for (const edge of graph.edges)
    if (edge.kind === 'MEMBER')
      (membersOf.get(edge.from) ?? membersOf.set(edge.from, []).get(edge.from)!).push(edge.to);
  // Members hidden behind their group's summary node.
  const replacedBy = new Map<string, string>();
  const summaries: ViewNode[] = [];
  for (const node of graph.nodes) {
    const members = membersOf.get(node.id) ?? [];
    if (node.kind !== 'GROUP' || expanded.has(node.id) || members.length <= COLLAPSE_OVER) continue;
    for (const member of members) replacedBy.set(member, summaryId(node.id));
    summaries.push({
      kind: 'summary',
      id: summaryId(node.id),
      groupId: node.id,
      size: members.length,
      counts: countByStatus(members.map(statusOf)),
    });
  }
  const nodes: ViewNode[] = [];
  for (const node of graph.nodes) {
    if (replacedBy.has(node.id)) continue;
    if (node.kind === 'GROUP') nodes.push({ kind: 'group', id: node.id, size: membersOf.get(node.id)?.length ?? 0 });
    else
      nodes.push({ kind: 'task', id: node.id, status: node.task?.status ?? 'UNKNOWN', name: node.task?.name ?? null });
  }
  nodes.push(...summaries);
  const edges = new Map<string, ViewEdge>();
  const add = (from: string, to: string, kind: ViewEdge['kind']) => {
    const [source, target] = [replacedBy.get(from) ?? from, replacedBy.get(to) ?? to];
    const id = `${source}->${target}`;
    if (source !== target && !edges.has(id)) edges.set(id, { id, source, target, kind });
  };
  const callbacks = chordCallbacks(graph);
  for (const edge of graph.edges) {
    if (!byId.has(edge.from) || !byId.has(edge.to)) continue;
    if (edge.kind === 'CALLBACK')
      for (const member of membersOf.get(edge.from) ?? [edge.from]) add(member, edge.to, 'CHILD');
    // A callback's edge from its sender gives way to those from its header's members.
    else if (edge.kind === 'MEMBER' || !callbacks.has(edge.to)) add(edge.from, edge.to, edge.kind);
  }
  const edgeList = [...edges.values()];
  const structure = `${nodes.map((node) => node.id).join(',')}|${edgeList.map((edge) => edge.id).join(',')}`;
  return { nodes, edges: edgeList, structure };
}

/** Counts per status over every task of the graph, collapsed or not. */
export function graphCounts(graph: GraphData): Map<TaskStatus, number> {
  return countByStatus(
    graph.nodes.filter((node) => node.kind === 'TASK').map((node) => node.task?.status ?? 'UNKNOWN'),
  );
}
