/**
 * Walks a Celery workflow down from a task, level by level: one batched read
 * per level (all tasks of a level in one MGET), whatever the graph's width.
 * Edges come from each task's `children` result tuples (docs/celery-wire-format.md,
 * "Result tuples"); a group in them becomes a GROUP node with MEMBER edges.
 * Then the children celery-lens saw naming the task as parent that those
 * tuples lack, as Task.children lists them: Celery stores no link to a chord's
 * callback (its parent is the task before the chord, or the last header task
 * to finish, and neither stores it), nor to what a running task has sent.
 *
 * A chord's callback is told apart as Task.chordHeader tells it: a child seen
 * but not stored by a finished header member, or by the task that stored the
 * header group in its children. It gets a CALLBACK edge from the header group,
 * beside the CHILD edge from the task that sent it.
 *
 * A root that belongs to a group and has no parent (a group or chord sent by a
 * client: its members name no task above them) is drawn with its group: the
 * GROUP node and every member known (`loadGroup`), as the root's level.
 */
import { type ResultNode, decodeChildren, taskIdsOf } from '../celery/result-tuple.ts';
import { READY_STATES } from '../celery/states.ts';
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
  /** CHILD: `to` was sent by `from`. MEMBER: task `to` belongs to group `from`. CALLBACK: task `to` is the callback of chord header `from`. */
  readonly kind: 'CHILD' | 'MEMBER' | 'CALLBACK';
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
/** The member ids known of a group (saved, or seen published with its group_id). */
export type GroupLoader = (groupId: string) => Promise<readonly string[]>;

interface WalkOptions {
  /** Levels below the root to follow; 0 is the root alone. */
  readonly maxDepth: number;
  /** Most nodes (tasks and groups); edges may be twice as many. */
  readonly maxNodes: number;
  readonly load: LevelLoader;
  /** Read beside `load`, in the same round trip; none: stored children only. */
  readonly loadObserved?: ObservedLoader;
  /** For a root in a group with no parent: its group's members, drawn beside it. None: the root alone. */
  readonly loadGroup?: GroupLoader;
}

interface Children {
  readonly stored: readonly ResultNode[];
  /** Seen naming the task as parent, in no stored child (groups count by their members). */
  readonly seen: readonly ResultNode[];
}

function childrenOf(id: string, task: TaskSnapshot | null, observed: readonly string[]): Children {
  const stored = decodeChildren(task?.meta?.children ?? []);
  if (observed.length === 0) return { stored, seen: [] };
  const covered = new Set([id, ...stored.flatMap((node) => [node.id, ...taskIdsOf(node)])]);
  return {
    stored,
    seen: observed
      .filter((child) => !covered.has(child))
      .map((child): ResultNode => ({ kind: 'task', id: child, parent: null })),
  };
}

/**
 * The chord header whose callback a seen child of `task` is: the group `task`
 * stored last in its children (chain(a, group, callback) parents the callback
 * to a), else the group of a finished `task` (the header member that sent it).
 */
function headerOf(task: TaskSnapshot | null, children: Children, isGroup: (id: string) => boolean): string | null {
  const launched = children.stored.findLast((node) => node.kind === 'group');
  if (launched) return launched.id;
  const meta = task?.meta;
  return meta?.groupId && READY_STATES.has(meta.state) && isGroup(meta.groupId) ? meta.groupId : null;
}

/**
 * Breadth-first, one `load` per level. Linear in what it reads: ids are kept in
 * sets, duplicate edges are dropped, and GRAPH_TOO_LARGE is thrown as soon as
 * the node (or edge) count passes its limit, before the next level is read.
 * The last level's edges are kept only towards nodes the graph holds.
 */
export async function walkGraph(
  rootId: string,
  { maxDepth, maxNodes, load, loadObserved, loadGroup }: WalkOptions,
): Promise<TaskGraph> {
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
  const read = async (ids: readonly string[]) => {
    const [tasks, observed] = await Promise.all([load(ids), loadObserved?.(ids) ?? []]);
    return ids.map((id, index) => ({ id, task: tasks[index] ?? null, observed: observed[index] ?? [] }));
  };
  const isGroup = (id: string) => nodes.get(id)?.kind === 'GROUP';
  let level = await read([rootId]);
  let truncated = false;

  for (let depth = 0; level.length > 0; depth += 1) {
    for (const { id, task } of level) addNode({ id, kind: 'TASK', depth, task, memberIds: [] });
    if (depth === 0 && maxDepth > 0 && loadGroup)
      level = [...level, ...(await withGroup(level[0]!.task, { rootId, maxNodes, loadGroup, read, addNode, addEdge }))];
    const children = level.map(({ id, task, observed }) => childrenOf(id, task, observed));
    if (depth === maxDepth) {
      // The edges that stay inside the graph; any other child means it was cut here.
      level.forEach(({ id }, index) => {
        const { stored, seen } = children[index] as Children;
        for (const child of [...stored, ...seen]) {
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
    level.forEach(({ id, task }, index) => {
      const found = children[index] as Children;
      for (const child of found.stored) visit(id, child, 'CHILD');
      const header = found.seen.length > 0 ? headerOf(task, found, isGroup) : null;
      for (const child of found.seen) {
        visit(id, child, 'CHILD');
        if (header !== null) addEdge(header, child.id, 'CALLBACK');
      }
    });
    level = await read([...next].filter((id) => !nodes.has(id)));
  }
  return { rootId, nodes: [...nodes.values()], edges: [...edges.values()], truncated };
}

interface GroupStep {
  readonly rootId: string;
  readonly maxNodes: number;
  readonly loadGroup: GroupLoader;
  readonly read: (
    ids: readonly string[],
  ) => Promise<{ id: string; task: TaskSnapshot | null; observed: readonly string[] }[]>;
  readonly addNode: (node: GraphNode) => void;
  readonly addEdge: (from: string, to: string, kind: GraphEdge['kind']) => void;
}

/** A parentless root's group: its GROUP node and MEMBER edges, and the other members read, to walk as the root's level. */
async function withGroup(
  root: TaskSnapshot | null,
  { rootId, maxNodes, loadGroup, read, addNode, addEdge }: GroupStep,
) {
  const groupId = root?.meta?.groupId;
  if (!groupId || root.meta?.parentId) return [];
  const known = await loadGroup(groupId);
  const members = known.includes(rootId) ? [...new Set(known)] : [rootId, ...new Set(known)];
  if (members.length + 1 > maxNodes) throw new GraphTooLargeError(maxNodes);
  const others = await read(members.filter((id) => id !== rootId));
  addNode({ id: groupId, kind: 'GROUP', depth: 0, task: null, memberIds: members });
  for (const { id, task } of others) addNode({ id, kind: 'TASK', depth: 0, task, memberIds: [] });
  for (const id of members) addEdge(groupId, id, 'MEMBER');
  return others;
}
