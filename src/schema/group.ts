import type { GroupSnapshot } from '../read/result-backend.ts';
import { CeleryStates, READY_STATES } from '../celery/states.ts';
import { GraphTooLargeError } from '../errors/graph-too-large-error.ts';
import { builder } from './builder.ts';
import type { LensContext } from './context.ts';
import { batchById } from './task/task-ids.ts';
import { toGraphQLError } from './graphql-error.ts';
import { loadTasks } from './load.ts';
import { groupAllowed } from './read-grant.ts';
import { pageArgDescriptions, pageOfIds } from './task/task-page.ts';
import { TaskRef } from './task/task.ts';

/**
 * Groups as Celery stores them; an unsaved group's members come from what
 * celery-lens saw published with its group_id (one more round trip, only for those).
 */
export async function readGroups(ids: readonly string[], context: LensContext) {
  const groups = await context.backend.readGroups(ids);
  const unsaved = groups.filter(
    (group): group is GroupSnapshot => !(group instanceof Error) && group.memberIds === null,
  );
  const seen = await context.history.readGroupMembers(unsaved.map((group) => group.id));
  const byId = new Map(unsaved.map((group, index) => [group.id, seen[index] ?? []]));
  return groups.map((group) => {
    const members = group instanceof Error ? undefined : byId.get(group.id);
    return members && members.length > 0 && !(group instanceof Error) ? { ...group, memberIds: members } : group;
  });
}

/**
 * Member states (once per group and request, through the Task loader): one
 * MGET of every member, so a group of more than --max-graph-nodes tasks is
 * GRAPH_TOO_LARGE before anything is read.
 */
async function memberStates(group: GroupSnapshot, context: LensContext): Promise<string[]> {
  const members = group.memberIds ?? [];
  const limit = context.config.maxGraphNodes;
  if (members.length > limit) throw toGraphQLError(new GraphTooLargeError(limit, `group ${group.id}`));
  const tasks = await loadTasks(context, members);
  return tasks.map((task) => task?.meta?.state ?? CeleryStates.PENDING);
}

export const GroupRef = builder.loadableObject('Group', {
  description:
    'A Celery group (or chord header). Its tasks are known when the group was saved (GroupResult.save()) or when ' +
    'it was reached through the task that launched it; a running chord also shows its size and progress.',
  load: (ids: string[], context: LensContext) => batchById(ids, context, (valid) => readGroups(valid, context)),
  cacheResolved: (group) => group.id,
  authScopes: (group, context) => groupAllowed(group, context),
  runScopesOnType: true,
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The group id (GroupResult.id).' }),
    membersKnown: t.boolean({
      description:
        'Whether `tasks` is known: from a saved group, from the task that launched it, or from what celery-lens saw ' +
        'published with its group_id (then members that never ran while it listened are missing).',
      resolve: (group) => group.memberIds !== null,
    }),
    saved: t.exposeBoolean('saved', {
      description: 'Whether the group was saved with GroupResult.save() (celery-taskset-meta-<id>).',
    }),
    tasks: t.field({
      type: [TaskRef],
      // Null (with the error at its path) when it cannot be answered whole; null items are tasks that cannot be read.
      nullable: { list: true, items: true },
      description:
        "The group's tasks, in Celery's order. A task that cannot be read is null with its error; more than " +
        '--max-ids tasks need `limit`.',
      args: {
        offset: t.arg.int({ description: pageArgDescriptions.offset }),
        limit: t.arg.int({ description: pageArgDescriptions.limit }),
      },
      complexity: (args) => ({ field: 1, multiplier: args.limit ?? 10 }),
      resolve: (group, args, context) => pageOfIds(group.memberIds ?? [], args, context, `group ${group.id}`),
    }),
    size: t.int({
      nullable: true,
      description: 'Number of tasks (a running chord reports its size even when its members are unknown).',
      resolve: (group) => group.memberIds?.length ?? group.chordSize,
    }),
    completed: t.int({
      nullable: true,
      description: 'Tasks in a ready state (as GroupResult.completed_count() counts SUCCESS only, see `successful`).',
      resolve: async (group, _args, context) =>
        group.memberIds
          ? (await memberStates(group, context)).filter((s) => READY_STATES.has(s)).length
          : group.chordDone,
    }),
    failed: t.int({
      nullable: true,
      description: 'Tasks in FAILURE.',
      resolve: async (group, _args, context) =>
        group.memberIds ? (await memberStates(group, context)).filter((s) => s === CeleryStates.FAILURE).length : null,
    }),
    ready: t.boolean({
      nullable: true,
      description: 'Every task is ready (GroupResult.ready()); null when the tasks are unknown.',
      resolve: async (group, _args, context) =>
        group.memberIds ? (await memberStates(group, context)).every((s) => READY_STATES.has(s)) : null,
    }),
    successful: t.boolean({
      nullable: true,
      description: 'Every task succeeded (GroupResult.successful()); null when the tasks are unknown.',
      resolve: async (group, _args, context) =>
        group.memberIds ? (await memberStates(group, context)).every((s) => s === CeleryStates.SUCCESS) : null,
    }),
  }),
});

builder.queryField('group', (t) =>
  t.field({
    type: GroupRef,
    nullable: true,
    description: 'A group by id: its tasks when it was saved (GroupResult.save()), a running chord’s progress.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }) => String(id),
  }),
);
