/**
 * Walks a Celery workflow down from a task, level by level: one batched read
 * per level (all tasks of a level in one MGET), whatever the graph's width.
 * Edges come from each task's `children` result tuples (docs/celery-wire-format.md,
 * "Result tuples"); a group in them becomes a GROUP node with MEMBER edges.
 */
import { type ResultNode, decodeChildren } from '../celery/result-tuple.ts';
import { GraphTooLargeError } from '../errors/graph-too-large-error.ts';
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
  /** True when maxDepth stopped the walk before the leaves. */
  readonly truncated: boolean;
}

export type LevelLoader = (ids: readonly string[]) => Promise<readonly (TaskSnapshot | null)[]>;

export async function walkGraph(
  rootId: string,
  { maxDepth, maxNodes, load }: { maxDepth: number; maxNodes: number; load: LevelLoader },
): Promise<TaskGraph> {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  let level = [rootId];
  let truncated = false;

  for (let depth = 0; level.length > 0; depth += 1) {
    if (depth > maxDepth) {
      truncated = true;
      break;
    }
    const tasks = await load(level);
    const next: string[] = [];
    const visit = (from: string, node: ResultNode, kind: GraphEdge['kind']) => {
      edges.push({ from, to: node.id, kind });
      if (nodes.has(node.id)) return; // a cycle, or a task reached twice
      if (node.kind === 'task') {
        if (!next.includes(node.id)) next.push(node.id);
        return;
      }
      nodes.set(node.id, { id: node.id, kind: 'GROUP', depth: depth + 1, task: null, memberIds: node.members.map((m) => m.id) });
      for (const member of node.members) visit(node.id, member, 'MEMBER');
    };
    level.forEach((id, index) => {
      const task = tasks[index] ?? null;
      nodes.set(id, { id, kind: 'TASK', depth, task, memberIds: [] });
      for (const child of decodeChildren(task?.meta?.children ?? [])) visit(id, child, 'CHILD');
    });
    if (nodes.size + next.length > maxNodes) throw new GraphTooLargeError(maxNodes);
    level = next.filter((id) => !nodes.has(id));
  }
  return { rootId, nodes: [...nodes.values()], edges, truncated };
}
