import type { GraphEdge, GraphNode, TaskGraph } from '../../read/graph-walk.ts';
import { walkGraph } from '../../read/graph-walk.ts';
import { GraphFeeds, unreadyIds } from '../../live/graph-feed.ts';
import type { TaskWatcher } from '../../live/task-watcher.ts';
import { reserveWatches } from '../../live/watch-quota.ts';
import type { TaskSnapshot } from '../../read/task-snapshot.ts';
import { builder } from '../builder.ts';
import { checkTaskId } from './task-ids.ts';
import { AFTER_DESCRIPTION, graphResumePoint, graphWithCursors } from '../cursor.ts';
import type { LensContext } from '../context.ts';
import { GroupRef, readGroups } from '../group.ts';
import { withCodes } from '../graphql-error.ts';
import { forgetLoaded } from '../forget-loaded.ts';
import { loadTasks } from '../load.ts';
import { stoppable } from '../stoppable.ts';
import { TaskRef } from './task.ts';

const NodeKind = builder.enumType('TaskGraphNodeKind', { values: ['TASK', 'GROUP'] as const });
const EdgeKind = builder.enumType('TaskGraphEdgeKind', {
  values: {
    CHILD: { description: "`to` was sent by `from`: a chain link, a group launched from a task, a chord's callback." },
    MEMBER: { description: 'task `to` belongs to group `from`.' },
    CALLBACK: {
      description:
        'task `to` is the callback of the chord whose header is group `from` (beside the CHILD edge from the task that sent it): ' +
        'Celery stores no such link; celery-lens tells it as Task.chordHeader does.',
    },
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

export const GraphRef = builder.objectRef<TaskGraph>('TaskGraph').implement({
  description:
    'A workflow as flat nodes and edges, ready for a graph library: every task reachable from the root through ' +
    "Celery's `children` (chain links, launched groups and their members), then through the children celery-lens " +
    "saw naming a task as parent that Celery does not store (a chord's callback; what a running task has sent). " +
    'A root in a group with no parent (a group or chord a client sent) comes with its group and every member known.',
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
    truncated: t.exposeBoolean('truncated', {
      description: 'maxDepth stopped the walk before the leaves (no edge leads to a node left out).',
    }),
    ready: t.boolean({
      description: 'Every task node is in a ready state.',
      resolve: (graph) => unreadyIds(graph).length === 0,
    }),
  }),
});

type Read<T> = (ids: readonly string[]) => Promise<readonly T[]>;

/** The members known of a group (fresh: a live graph walks again as members appear); none when its keys cannot be read. */
async function groupMembers(groupId: string, context: LensContext): Promise<readonly string[]> {
  const [group] = await readGroups([groupId], context);
  return group === undefined || group instanceof Error ? [] : (group.memberIds ?? []);
}

function walk(
  rootId: string,
  maxDepth: number,
  context: LensContext,
  load: Read<TaskSnapshot | null> = (ids) => loadTasks(context, ids),
  loadObserved: Read<readonly string[]> = (ids) => context.history.readChildren(ids),
) {
  checkTaskId(rootId, context);
  const loadGroup = (groupId: string) => groupMembers(groupId, context);
  return withCodes(() =>
    walkGraph(rootId, { maxDepth, maxNodes: context.config.maxGraphNodes, load, loadObserved, loadGroup }),
  );
}

/** Ids read this many at a time in a live graph's walks: other requests are served between the slices. */
const SLICE = 500;

/**
 * A read in slices, one after the other. A live graph is walked again while
 * other clients wait: decoding thousands of tasks in one go would hold the
 * event loop (/healthz) for as long.
 */
function inSlices<T>(read: Read<T>): Read<T> {
  return async (ids) => {
    const all: T[] = [];
    for (let start = 0; start < ids.length; start += SLICE) all.push(...(await read(ids.slice(start, start + SLICE))));
    return all;
  };
}

/** Fresh reads for a subscription (its request-wide DataLoader cache would go stale). */
async function readLevel(context: LensContext, ids: readonly string[]): Promise<(TaskSnapshot | null)[]> {
  const read = await context.backend.readTasks(ids, { ttl: context.ttlRead });
  return read.map((task) => (task instanceof Error ? null : task));
}

// The process' live graphs, one set per watcher (one per app: tests run several apps in a process).
const feedsByWatcher = new WeakMap<TaskWatcher, GraphFeeds>();
function feedsOf(context: LensContext): GraphFeeds {
  let feeds = feedsByWatcher.get(context.watcher);
  if (!feeds) {
    feeds = new GraphFeeds();
    feedsByWatcher.set(context.watcher, feeds);
  }
  return feeds;
}

/**
 * The graph, then again after every change, until every task is ready: one
 * shared feed per (rootId, maxDepth, TTL reads) however many subscribe. The
 * connection's watch quota is charged for the tasks unready when it joined.
 */
async function* graphUpdates(
  rootId: string,
  maxDepth: number,
  context: LensContext,
  stopped: AbortSignal,
): AsyncGenerator<TaskGraph, void> {
  checkTaskId(rootId, context);
  const subscription = feedsOf(context).subscribe(`${rootId} ${maxDepth} ${context.ttlRead ?? 'all'}`, () => ({
    walk: () =>
      walk(
        rootId,
        maxDepth,
        context,
        inSlices((ids) => readLevel(context, ids)),
        inSlices((ids) => context.history.readChildren(ids)),
      ),
    watcher: context.watcher,
    history: context.history,
    maxQueued: context.config.maxQueued,
    shutdown: context.shutdown,
  }));
  const leave = () => {
    subscription.return().catch(() => {
      // FeedSubscription.return() does not reject.
    });
  };
  stopped.addEventListener('abort', leave, { once: true });
  // The client may have left while this was starting.
  if (stopped.aborted) leave();
  let release = () => {};
  // The feed ends its subscribers with its own errors (BACKEND_UNAVAILABLE, TOO_MANY_WATCHES): coded here.
  const next = () => withCodes(() => subscription.next());
  try {
    const first = await next();
    if (first.done) return;
    release = await withCodes(async () => reserveWatches(unreadyIds(first.value).length, [context.watchQuota]));
    yield first.value;
    for (let update = await next(); !update.done; update = await next()) yield update.value;
  } finally {
    stopped.removeEventListener('abort', leave);
    release();
    await subscription.return();
  }
}

const maxDepthArg = {
  defaultValue: 10,
  description: 'Levels to follow below the root: 0 is the root alone; negative is INVALID_ARGUMENT.',
} as const;

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
      return stoppable((stopped) =>
        graphWithCursors(graphUpdates(String(rootId), maxDepth, context, stopped), context, point),
      );
    },
    resolve: (graph, _args, context) => {
      forgetLoaded(context);
      return graph;
    },
  }),
);
