/**
 * The graph around one task: parent, root, children, group, chord. Every hop
 * goes through the request's DataLoaders, so a query touching many tasks at
 * one level costs one MGET for that level. See docs/celery-wire-format.md,
 * "Result tuples".
 */
import type { TaskSnapshot } from '../../read/task-snapshot.ts';
import { type ResultNode, decodeChildren, decodeResultTuple, taskIdsOf } from '../../celery/result-tuple.ts';
import { READY_STATES } from '../../celery/states.ts';
import { GraphTooLargeError } from '../../errors/graph-too-large-error.ts';
import { builder } from '../builder.ts';
import type { LensContext } from '../context.ts';
import { GroupRef } from '../group.ts';
import { toGraphQLError } from '../graphql-error.ts';
import { loadTask, loadTasks } from '../load.ts';
import { pageArgDescriptions, pageOfIds } from './task-page.ts';
import { loadHistory } from './task-history.ts';
import { TaskRef } from './task.ts';

/** The group node with this id among a task's children, searched depth-first. */
function findGroup(nodes: readonly ResultNode[], id: string): ResultNode | null {
  for (const node of nodes) {
    if (node.kind === 'group' && node.id === id) return node;
    if (node.kind === 'group') {
      const inner = findGroup(node.members, id);
      if (inner) return inner;
    }
  }
  return null;
}

/**
 * The group a task belongs to: the saved group, else the group tuple in the
 * parent's `children` (a group launched from inside a task, in Celery's
 * order), else the members celery-lens saw published and a running chord's
 * counters.
 */
async function groupOf(task: TaskSnapshot, context: LensContext) {
  const groupId = task.meta?.groupId;
  if (!groupId) return null;
  const group = await GroupRef.getDataloader(context).load(groupId);
  if (group.saved || !task.meta?.parentId) return group;
  const parent = await loadTask(context, task.meta.parentId);
  const node = parent?.meta ? findGroup(decodeChildren(parent.meta.children), groupId) : null;
  return node ? { ...group, memberIds: taskIdsOf(node) } : group;
}

/** Stored children (decoded one by one, as far as they are read), then the ones celery-lens saw. */
function* childIdsOf(task: TaskSnapshot, seen: readonly string[]): Generator<string> {
  for (const raw of task.meta?.children ?? []) {
    const node = decodeResultTuple(raw);
    if (node) yield* taskIdsOf(node);
  }
  yield* seen;
}

/** The task ids in a task's stored `children`, groups flattened to their members. */
function spawnedBy(task: TaskSnapshot): string[] {
  return decodeChildren(task.meta?.children ?? []).flatMap(taskIdsOf);
}

/**
 * The child a finished member sent that its stored `children` lack. Reads
 * every member and the history of the finished ones: a header of more than
 * --max-graph-nodes tasks is GRAPH_TOO_LARGE before anything is read.
 */
async function chordCallbackOf(
  groupId: string,
  members: readonly string[],
  context: LensContext,
): Promise<string | null> {
  const limit = context.config.maxGraphNodes;
  if (members.length > limit) throw toGraphQLError(new GraphTooLargeError(limit, `group ${groupId}`));
  const tasks = await loadTasks(context, members);
  // A running member's children are not stored yet: only a finished one can tell.
  const finished = tasks.filter(
    (task): task is TaskSnapshot =>
      task?.meta !== null && task?.meta !== undefined && READY_STATES.has(task.meta.state),
  );
  const histories = await Promise.all(finished.map((task) => loadHistory(context, task.id)));
  for (const [index, history] of histories.entries()) {
    const stored = new Set(spawnedBy(finished[index] as TaskSnapshot));
    const callback = history.childIds.find((id) => !stored.has(id));
    if (callback) return callback;
  }
  return null;
}

builder.objectFields(TaskRef, (t) => ({
  parent: t.field({
    type: TaskRef,
    nullable: true,
    description: 'The task that sent this one (from `parentId`).',
    resolve: (task) => task.meta?.parentId ?? null,
  }),
  root: t.field({
    type: TaskRef,
    // Nullable so that a chain too long or a link that cannot be read is an error here, not a null task.
    nullable: true,
    description:
      'The first task of the workflow, found by following `parent` up (one round trip per level). ' +
      'A task whose parent has no key any more is its own root as far as Redis can tell. A chain longer than ' +
      "--max-graph-nodes is GRAPH_TOO_LARGE; an undecodable link is that link's error.",
    resolve: async (task, _args, context) => {
      const seen = new Set([task.id]);
      let current = task;
      while (current.meta?.parentId && !seen.has(current.meta.parentId)) {
        if (seen.size >= context.config.maxGraphNodes) {
          throw toGraphQLError(new GraphTooLargeError(context.config.maxGraphNodes, `the parent chain of ${task.id}`));
        }
        seen.add(current.meta.parentId);
        // Through the loader, so an undecodable link rejects with its own error instead of passing for a root.
        const parent = await TaskRef.getDataloader(context).load(current.meta.parentId);
        if (!parent.meta) break;
        current = parent;
      }
      return current;
    },
  }),
  children: t.field({
    type: [TaskRef],
    // Null (with the error at its path) when it cannot be answered whole; null items are tasks that cannot be read.
    nullable: { list: true, items: true },
    description:
      "Tasks this one sent: Celery's `children` (stored when it finishes: chain links, and every member of a group " +
      'it launched, as AsyncResult.children), then those celery-lens saw naming it as parent while it still runs. ' +
      'A child that cannot be read is null with its error; more than --max-ids children need `limit`.',
    args: {
      offset: t.arg.int({ description: pageArgDescriptions.offset }),
      limit: t.arg.int({ description: pageArgDescriptions.limit }),
    },
    complexity: (args) => ({ field: 1, multiplier: args.limit ?? 10 }),
    resolve: async (task, args, context) => {
      const seen = (await loadHistory(context, task.id)).childIds;
      return pageOfIds(childIdsOf(task, seen), args, context, `task ${task.id}`);
    },
  }),
  group: t.field({
    type: GroupRef,
    nullable: true,
    description: 'The group (or chord header) this task belongs to.',
    resolve: (task, _args, context) => groupOf(task, context),
  }),
  chordHeader: t.field({
    type: GroupRef,
    nullable: true,
    description:
      "When this task is a chord's callback: the header group. Celery stores no link from the header to the " +
      'callback; the callback is parented by the last header task to finish, which does not list it as a child.',
    resolve: async (task, _args, context) => {
      const parentId = task.meta?.parentId;
      if (!parentId) return null;
      const parent = await loadTask(context, parentId);
      const meta = parent?.meta;
      if (!parent || !meta?.groupId || !READY_STATES.has(meta.state)) return null;
      return spawnedBy(parent).includes(task.id) ? null : groupOf(parent, context);
    },
  }),
}));

builder.objectField(GroupRef, 'chordCallback', (t) =>
  t.field({
    type: TaskRef,
    nullable: true,
    description:
      "When this group is a chord's header: its callback. Celery sends it from the last header task after that " +
      "task stored its result, so it is the child celery-lens saw that the member's stored `children` lack.",
    resolve: (group, _args, context) => chordCallbackOf(group.id, group.memberIds ?? [], context),
  }),
);
