import type { GraphEdge, GraphNode, TaskGraph } from '../backend/graph-walk.ts';
import { walkGraph } from '../backend/graph-walk.ts';
import { openTaskStream } from '../backend/task-stream.ts';
import type { TaskSnapshot } from '../backend/task-snapshot.ts';
import { READY_STATES } from '../celery/states.ts';
import { builder } from './builder.ts';
import { checkTaskId } from './task-ids.ts';
import { AFTER_DESCRIPTION, graphResumePoint, graphWithCursors } from './cursor.ts';
import type { LensContext } from './context.ts';
import { GroupRef } from './group.ts';
import { withCodes } from './graphql-error.ts';
import { forgetLoaded } from './forget-loaded.ts';
import { loadTasks } from './load.ts';
import { stoppable } from './stoppable.ts';
import { TaskRef } from './task.ts';

const NodeKind = builder.enumType('TaskGraphNodeKind', { values: ['TASK', 'GROUP'] as const });
const EdgeKind = builder.enumType('TaskGraphEdgeKind', {
  values: {
    CHILD: { description: '`to` was sent by `from` (a chain link, or a group launched from a task).' },
    MEMBER: { description: 'task `to` belongs to group `from`.' },
  } as const,
});

const NodeRef = builder.objectRef<GraphNode>('TaskGraphNode').implement({
  description: 'A task or a group in a workflow graph.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: NodeKind, resolve: (node) => node.kind }),
    depth: t.exposeInt('depth', { description: 'Levels below the root.' }),
    task: t.field({
      type: TaskRef,
      nullable: true,
      description: 'TASK nodes: the task (no key: exists false; undecodable: null with an error).',
      resolve: (node) => (node.kind === 'TASK' ? (node.task ?? node.id) : null),
    }),
    group: t.field({
      type: GroupRef,
      nullable: true,
      description: 'GROUP nodes: the group, its members taken from the result tuple.',
      resolve: async (node, _args, context) => {
        if (node.kind !== 'GROUP') return null;
        const loaded = await GroupRef.getDataloader(context).load(node.id);
        return { ...loaded, memberIds: loaded.memberIds ?? node.memberIds };
      },
    }),
  }),
});

const EdgeRef = builder.objectRef<GraphEdge>('TaskGraphEdge').implement({
  fields: (t) => ({
    from: t.exposeID('from'),
    to: t.exposeID('to'),
    kind: t.field({ type: EdgeKind, resolve: (edge) => edge.kind }),
  }),
});

const GraphRef = builder.objectRef<TaskGraph>('TaskGraph').implement({
  description:
    'A workflow as flat nodes and edges, ready for a graph library: every task reachable from the root through ' +
    "Celery's `children` (chain links, launched groups and their members).",
  fields: (t) => ({
    rootId: t.exposeID('rootId'),
    nodes: t.field({
      type: [NodeRef],
      // A graph may hold --max-graph-nodes nodes, each walked and read: it costs as a long list,
      // so aliases cannot multiply whole-graph walks (29 of 5,000 nodes held the loop 2.7 s).
      complexity: (_args, context) => ({ field: 1, multiplier: Math.ceil(context.config.maxGraphNodes / 10) }),
      resolve: (graph) => [...graph.nodes],
    }),
    edges: t.field({ type: [EdgeRef], resolve: (graph) => [...graph.edges] }),
    truncated: t.exposeBoolean('truncated', { description: 'maxDepth stopped the walk before the leaves (no edge leads to a node left out).' }),
    ready: t.boolean({
      description: 'Every task node is in a ready state.',
      resolve: (graph) => unready(graph).length === 0,
    }),
  }),
});

function unready(graph: TaskGraph): string[] {
  return graph.nodes
    .filter((node) => node.kind === 'TASK' && !(node.task?.meta && READY_STATES.has(node.task.meta.state)))
    .map((node) => node.id);
}

function walk(rootId: string, maxDepth: number, context: LensContext, load = (ids: readonly string[]) => loadTasks(context, ids)) {
  checkTaskId(rootId, context);
  return withCodes(() => walkGraph(rootId, { maxDepth, maxNodes: context.config.maxGraphNodes, load }));
}

/** Fresh reads for a subscription (its request-wide DataLoader cache would go stale). */
async function readLevel(context: LensContext, ids: readonly string[]): Promise<(TaskSnapshot | null)[]> {
  const read = await context.backend.readTasks(ids, { ttl: context.ttlRead });
  return read.map((task) => (task instanceof Error ? null : task));
}

const sameState = (a: TaskSnapshot | null, b: TaskSnapshot | null) =>
  a?.meta?.state === b?.meta?.state && JSON.stringify(a?.meta?.result) === JSON.stringify(b?.meta?.result);

/** Emits the graph, then again after every change of one of its unready tasks, until all are ready. */
async function* graphUpdates(rootId: string, maxDepth: number, context: LensContext, stopped: AbortSignal): AsyncGenerator<TaskGraph, void> {
  while (!stopped.aborted) {
    const graph = await walk(rootId, maxDepth, context, (ids) => readLevel(context, ids));
    yield graph;
    const waiting = unready(graph);
    if (waiting.length === 0) return;
    const known = new Map(graph.nodes.map((node) => [node.id, node.task]));
    const stream = await withCodes(() =>
      openTaskStream(context.watcher, waiting, { untilReady: false, maxQueued: context.config.maxQueued, signal: context.shutdown, quota: context.watchQuota }),
    );
    const close = () => {
      stream.return?.().catch(() => {
        // A task stream's return() only stops its watches: it does not reject.
      });
    };
    stopped.addEventListener('abort', close, { once: true });
    // The client may have left while the stream was opening.
    if (stopped.aborted) close();
    try {
      for await (const update of stream) {
        if (update instanceof Error || !sameState(known.get(update.id) ?? null, update)) break;
      }
    } finally {
      stopped.removeEventListener('abort', close);
      await stream.return?.();
    }
    if (context.shutdown.aborted) return;
  }
}

const maxDepthArg = { defaultValue: 10, description: 'Levels to follow below the root: 0 is the root alone; negative is INVALID_ARGUMENT.' } as const;

builder.queryField('taskGraph', (t) =>
  t.field({
    type: GraphRef,
    description: 'The workflow below `rootId` as flat nodes and edges; one Redis round trip per level.',
    args: { rootId: t.arg.id({ required: true }), maxDepth: t.arg.int({ ...maxDepthArg, required: true }) },
    resolve: (_root, { rootId, maxDepth }, context) => walk(String(rootId), maxDepth, context),
  }),
);

builder.subscriptionField('taskGraph', (t) =>
  t.field({
    type: GraphRef,
    description: 'The workflow graph now, then again after every change, until every task in it is ready.',
    args: {
      rootId: t.arg.id({ required: true }),
      maxDepth: t.arg.int({ ...maxDepthArg, required: true }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: async (_root, { rootId, maxDepth, after }, context) => {
      const point = await graphResumePoint(after, context);
      return stoppable((stopped) => graphWithCursors(graphUpdates(String(rootId), maxDepth, context, stopped), context, point));
    },
    resolve: (graph, _args, context) => {
      forgetLoaded(context);
      return graph;
    },
  }),
);
