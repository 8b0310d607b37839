import { type Goal, GoalStatuses, checkGoalKey } from '../store/goal-types.ts';
import type { Watch } from '../live/task-watcher.ts';
import { exceedsJsonLimits } from '../celery/json-size.ts';
import { MAX_VALUE_DEPTH } from '../celery/meta.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { builder } from './builder.ts';
import { goalAllowed } from './read-grant.ts';
import { checkTaskId } from './task/task-ids.ts';
import type { LensContext } from './context.ts';
import { forgetLoaded } from './forget-loaded.ts';
import { withCodes } from './graphql-error.ts';
import { TaskRef } from './task/task.ts';
import { pageArgDescriptions, pageOfList } from './task/task-page.ts';
import { stoppable } from './stoppable.ts';

const GoalStatusEnum = builder.enumType('GoalStatus', {
  description: "The application's own status of a goal, set by its mutations (not derived from Celery).",
  values: GoalStatuses,
});

const GoalRef = builder.objectRef<Goal>('Goal').implement({
  description:
    "An application-level goal (e.g. `report:42`) with the Celery tasks that worked on it. Its status is the app's, " +
    "stored apart from Celery's task state; the tasks' states are read from Celery as usual.",
  authScopes: goalAllowed,
  runScopesOnType: true,
  fields: (t) => ({
    key: t.exposeID('key'),
    status: t.field({ type: GoalStatusEnum, resolve: (goal) => goal.status }),
    metadata: t.field({
      authScopes: { payload: true },
      type: 'JSON',
      nullable: true,
      resolve: (goal) => goal.metadata,
    }),
    attempts: t.field({
      type: [TaskRef],
      description: 'Tasks attached to the goal, oldest first. More than --max-ids attempts need `limit`.',
      args: {
        offset: t.arg.int({ description: pageArgDescriptions.offset }),
        limit: t.arg.int({ description: pageArgDescriptions.limit }),
      },
      complexity: (args) => ({ field: 1, multiplier: args.limit ?? 10 }),
      // Any caller may attach without end: one answer reads at most --max-ids of them, as Task.children does.
      resolve: (goal, args, context) => pageOfList(goal.attempts, args, context, `goal ${goal.key}`),
    }),
    currentTask: t.field({
      type: TaskRef,
      nullable: true,
      description: 'The last attached task.',
      resolve: (goal) => goal.attempts.at(-1) ?? null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const goalKey = (key: string | number) => withCodes(async () => checkGoalKey(String(key)));

/**
 * Metadata as every stored value is bounded (--max-value-bytes, 1,000 levels):
 * a deeper one overflowed JSON.stringify (INTERNAL_SERVER_ERROR), or was stored
 * and then withheld from every reader.
 */
function checkMetadata<T>(metadata: T, context: LensContext): T {
  const excess = exceedsJsonLimits(metadata, {
    maxBytes: context.backend.valueLimits.maxValueBytes,
    maxDepth: MAX_VALUE_DEPTH,
  });
  if (excess === null) return metadata;
  throw new InvalidArgumentError(
    'metadata',
    excess.measure === 'depth'
      ? `is nested deeper than ${excess.limit} levels`
      : `is larger than ${excess.limit} bytes (--max-value-bytes)`,
  );
}

builder.queryField('goal', (t) =>
  t.field({
    type: GoalRef,
    nullable: true,
    args: { key: t.arg.id({ required: true }) },
    resolve: async (_root, { key }, context) => withCodes(() => context.goals.read(String(key))),
  }),
);

builder.mutationFields((t) => ({
  createGoal: t.field({
    type: GoalRef,
    description: 'Creates a goal (GOAL_EXISTS if the key has one).',
    args: {
      key: t.arg.id({ required: true }),
      status: t.arg({ type: GoalStatusEnum, defaultValue: 'PENDING', required: true }),
      metadata: t.arg({ type: 'JSON' }),
    },
    resolve: async (_root, { key, status, metadata }, context) =>
      withCodes(async () => context.goals.create(await goalKey(key), status, checkMetadata(metadata ?? null, context))),
  }),
  updateGoalStatus: t.field({
    type: GoalRef,
    description: "Sets a goal's status, and its metadata when given (GOAL_NOT_FOUND if there is none).",
    args: {
      key: t.arg.id({ required: true }),
      status: t.arg({ type: GoalStatusEnum, required: true }),
      metadata: t.arg({ type: 'JSON' }),
    },
    resolve: async (_root, { key, status, metadata }, context) =>
      withCodes(async () =>
        context.goals.update(await goalKey(key), status, checkMetadata(metadata ?? undefined, context)),
      ),
  }),
  attachTask: t.field({
    type: GoalRef,
    description: 'Adds a Celery task to a goal; it becomes `currentTask`.',
    args: { key: t.arg.id({ required: true }), taskId: t.arg.id({ required: true }) },
    resolve: async (_root, { key, taskId }, context) => {
      const id = checkTaskId(taskId, context);
      return withCodes(async () => context.goals.attach(await goalKey(key), id));
    },
  }),
}));

/** Wakes a waiting loop; several wake-ups before it looks count as one. */
export function signal() {
  let wake: (() => void) | null = null;
  let pending = false;
  return {
    notify: () => {
      pending = true;
      wake?.();
    },
    wait: () =>
      pending
        ? Promise.resolve().then(() => {
            pending = false;
          })
        : new Promise<void>((resolve) => {
            wake = () => {
              wake = null;
              pending = false;
              resolve();
            };
          }),
  };
}

/** A watch counted against the process' and the connection's quotas until it stops. */
async function watchCounted(context: LensContext, id: string, listener: () => void): Promise<Watch> {
  const release = context.watcher.reserve(1, context.watchQuota);
  try {
    const watch = await context.watcher.watch(id, listener);
    return {
      current: watch.current,
      stop: () => {
        watch.stop();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** The goal now, then after every change of it or of its current task. */
async function* goalUpdates(
  key: string,
  context: LensContext,
  stopped: AbortSignal,
): AsyncGenerator<Goal | null, void> {
  const changed = signal();
  const stopGoal = await withCodes(() => context.goals.watch(key, changed.notify));
  // The process' shutdown stops it too: the live core returns every member's stream (src/live/live-core.ts).
  stopped.addEventListener('abort', changed.notify, { once: true });
  let task = null as { id: string; watch: Watch } | null;
  try {
    for (;;) {
      const goal = await withCodes(() => context.goals.read(key));
      const current = goal?.attempts.at(-1) ?? null;
      if (current !== (task?.id ?? null)) {
        task?.watch.stop();
        task = null;
        // The watcher also reports the state it starts from: only later changes should wake us.
        let armed = false;
        const watch = current
          ? await withCodes(() => watchCounted(context, current, () => armed && changed.notify()))
          : null;
        armed = true;
        task = current && watch ? { id: current, watch } : null;
      }
      yield goal;
      await changed.wait();
      if (stopped.aborted) return;
    }
  } finally {
    stopped.removeEventListener('abort', changed.notify);
    stopGoal();
    task?.watch.stop();
  }
}

builder.subscriptionField('goal', (t) =>
  t.field({
    type: GoalRef,
    nullable: true,
    description:
      'The goal now, then again whenever it changes or its current task changes state. Null while there is none.',
    args: { key: t.arg.id({ required: true }) },
    subscribe: async (_root, { key }, context) => {
      const checked = await goalKey(key);
      return stoppable((stopped) => goalUpdates(checked, context, stopped));
    },
    resolve: (goal, _args, context) => {
      forgetLoaded(context);
      return goal;
    },
  }),
);
