/**
 * Walks a Celery workflow down from a task, level by level: one batched read
 * per level (all tasks of a level in one MGET), whatever the graph's width.
 * Edges come from each task's `children` result tuples (docs/celery-wire-format.md,
 * "Result tuples"); a group in them becomes a GROUP node with MEMBER edges.
 * Then the children celery-lens saw naming the task as parent that those
 * tuples lack, as Task.children lists them: Celery stores no link to a chord's
 * callback (its parent is the task before the chord, or the last header task
 * to finish, and neither stores it), nor to what a running task has sent.
 */
import { type ResultNode, decodeChildren, taskIdsOf } from '../celery/result-tuple.ts';
import { GraphTooLargeError } from '../errors/graph-too-large-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

export interface GraphNode {
  readonly id: string;
  readonly kind: 'TASK' | 'GROUP';
  /** Levels below the root (a group sits at its members' level). */
  readonly depth: number;
  /** TASK: what Redis holds (null when its meta could not be decoded). */
  readonly task: TaskSnapshot | null;
  /** GROUP: member task ids from the tuple. */
  readonly memberIds: readonly string[];
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** CHILD: `to` was sent by `from`. MEMBER: task `to` belongs to group `from`. */
  readonly kind: 'CHILD' | 'MEMBER';
}

export interface TaskGraph {
  readonly rootId: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** True when maxDepth stopped the walk before the leaves (edges never lead out of `nodes`). */
  readonly truncated: boolean;
}

export type LevelLoader = (ids: readonly string[]) => Promise<readonly (TaskSnapshot | null)[]>;
/** For each id, the child ids celery-lens saw naming it as parent (HistoryStore.readChildren). */
export type ObservedLoader = (ids: readonly string[]) => Promise<readonly (readonly string[])[]>;

interface WalkOptions {
  /** Levels below the root to follow; 0 is the root alone. */
  readonly maxDepth: number;
  /** Most nodes (tasks and groups); edges may be twice as many. */
  readonly maxNodes: number;
  readonly load: LevelLoader;
  /** Read beside `load`, in the same round trip; none: stored children only. */
  readonly loadObserved?: ObservedLoader;
}

/** Stored children, then the observed ones they do not already hold (groups count by their members). */
function childrenOf(id: string, task: TaskSnapshot | null, observed: readonly string[]): ResultNode[] {
  const stored = decodeChildren(task?.meta?.children ?? []);
  if (observed.length === 0) return stored;
  const covered = new Set([id, ...stored.flatMap((node) => [node.id, ...taskIdsOf(node)])]);
  const seen = observed.filter((child) => !covered.has(child)).map((child): ResultNode => ({ kind: 'task', id: child, parent: null }));
  return seen.length === 0 ? stored : [...stored, ...seen];
}

/**
 * Breadth-first, one `load` per level. Linear in what it reads: ids are kept in
 * sets, duplicate edges are dropped, and GRAPH_TOO_LARGE is thrown as soon as
 * the node (or edge) count passes its limit, before the next level is read.
 * The last level's edges are kept only towards nodes the graph holds.
 */
export async function walkGraph(rootId: string, { maxDepth, maxNodes, load, loadObserved }: WalkOptions): Promise<TaskGraph> {
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 0) {
    throw new InvalidArgumentError('maxDepth', `must be 0 (the root alone) or more, got ${maxDepth}`);
  }
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const addNode = (node: GraphNode) => {
    nodes.set(node.id, node);
    if (nodes.size > maxNodes) throw new GraphTooLargeError(maxNodes);
  };
  const addEdge = (from: string, to: string, kind: GraphEdge['kind']) => {
    edges.set(`${kind} ${from} ${to}`, { from, to, kind });
    if (edges.size > 2 * maxNodes) throw new GraphTooLargeError(maxNodes);
  };
  let level = [rootId];
  let truncated = false;

  for (let depth = 0; level.length > 0; depth += 1) {
    const [tasks, observed] = await Promise.all([load(level), loadObserved?.(level) ?? []]);
    level.forEach((id, index) => addNode({ id, kind: 'TASK', depth, task: tasks[index] ?? null, memberIds: [] }));
    const children = level.map((id, index) => childrenOf(id, tasks[index] ?? null, observed[index] ?? []));
    if (depth === maxDepth) {
      // The edges that stay inside the graph; any other child means it was cut here.
      level.forEach((id, index) => {
        for (const child of children[index] ?? []) {
          if (nodes.get(child.id)?.kind === (child.kind === 'task' ? 'TASK' : 'GROUP')) addEdge(id, child.id, 'CHILD');
          else truncated = true;
        }
      });
      break;
    }
    const next = new Set<string>();
    const visit = (from: string, node: ResultNode, kind: GraphEdge['kind']) => {
      addEdge(from, node.id, kind);
      if (nodes.has(node.id) || next.has(node.id)) return; // a cycle, or a task reached twice
      if (node.kind === 'task') {
        next.add(node.id);
        if (nodes.size + next.size > maxNodes) throw new GraphTooLargeError(maxNodes);
        return;
      }
      addNode({ id: node.id, kind: 'GROUP', depth: depth + 1, task: null, memberIds: node.members.map((m) => m.id) });
      for (const member of node.members) visit(node.id, member, 'MEMBER');
    };
    level.forEach((id, index) => {
      for (const child of children[index] ?? []) visit(id, child, 'CHILD');
    });
    level = [...next].filter((id) => !nodes.has(id));
  }
  return { rootId, nodes: [...nodes.values()], edges: [...edges.values()], truncated };
}
