/**
 * The graph around one task: parent, root, children, group, chord. Every hop
 * goes through the request's DataLoaders, so a query touching many tasks at
 * one level costs one MGET for that level. See docs/celery-wire-format.md,
 * "Result tuples".
 */
import type { TaskSnapshot } from '../backend/task-snapshot.ts';
import { type ResultNode, decodeChildren, taskIdsOf } from '../celery/result-tuple.ts';
import { READY_STATES } from '../celery/states.ts';
import { builder } from './builder.ts';
import type { LensContext } from './context.ts';
import { GroupRef } from './group.ts';
import { loadTask } from './load.ts';
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

builder.objectFields(TaskRef, (t) => ({
  parent: t.field({
    type: TaskRef,
    nullable: true,
    description: 'The task that sent this one (from `parentId`).',
    resolve: (task) => task.meta?.parentId ?? null,
  }),
  root: t.field({
    type: TaskRef,
    description:
      'The first task of the workflow, found by following `parent` up (one round trip per level). ' +
      'A task whose parent has no key any more is its own root as far as Redis can tell.',
    resolve: async (task, _args, context) => {
      const seen = new Set([task.id]);
      let current = task;
      while (current.meta?.parentId && !seen.has(current.meta.parentId) && seen.size <= context.config.maxGraphNodes) {
        seen.add(current.meta.parentId);
        const parent = await loadTask(context, current.meta.parentId);
        if (!parent?.meta) break;
        current = parent;
      }
      return current;
    },
  }),
  children: t.field({
    type: [TaskRef],
    description:
      "Tasks this one sent: Celery's `children` (stored when it finishes: chain links, and every member of a group " +
      "it launched, as AsyncResult.children), then those celery-lens saw naming it as parent while it still runs.",
    resolve: async (task, _args, context) => {
      const stored = decodeChildren(task.meta?.children ?? []).flatMap(taskIdsOf);
      const seen = (await loadHistory(context, task.id)).childIds;
      return [...stored, ...seen.filter((id) => !stored.includes(id))];
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
      const spawned = decodeChildren(meta.children).flatMap(taskIdsOf);
      return spawned.includes(task.id) ? null : groupOf(parent, context);
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
    resolve: async (group, _args, context) => {
      const members = group.memberIds ?? [];
      const [tasks, histories] = await Promise.all([
        Promise.all(members.map((id) => loadTask(context, id))),
        Promise.all(members.map((id) => loadHistory(context, id))),
      ]);
      for (const [index, history] of histories.entries()) {
        const meta = tasks[index]?.meta;
        // A running member's children are not stored yet: only a finished one can tell.
        if (!meta || !READY_STATES.has(meta.state)) continue;
        const stored = decodeChildren(meta.children).flatMap(taskIdsOf);
        const callback = history.childIds.find((id) => !stored.includes(id));
        if (callback) return callback;
      }
      return null;
    },
  }),
);
