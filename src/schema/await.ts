/**
 * Long-poll queries: `awaitTask(id, timeoutSeconds)` and `awaitTasks(ids,
 * timeoutSeconds, mode)` answer as soon as the task (all, or any) is ready,
 * or at the deadline with `timedOut: true`. Queries, so that a plain POST or
 * GET (curl, a serverless function, a Python view) can wait without
 * speaking graphql-ws or SSE. The wait itself is src/live/task-await.ts.
 */
import { AWAIT_MODES, type AwaitResult, awaitTasks } from '../live/task-await.ts';
import type { TaskSnapshot } from '../read/task-snapshot.ts';
import type { TaskUpdate } from '../live/task-watcher.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { LensError } from '../errors/lens-error.ts';
import { TooManyIdsError } from '../errors/too-many-ids-error.ts';
import { clientGone } from '../http/client-gone.ts';
import { builder } from './builder.ts';
import type { LensContext } from './context.ts';
import { toGraphQLError, withCodes } from './graphql-error.ts';
import { checkTaskId } from './task/task-ids.ts';
import { TaskRef } from './task/task.ts';

/** A timeout in whole seconds, from 1 to --max-await-seconds; in ms. */
export function checkTimeout(timeoutSeconds: number, context: LensContext): number {
  const cap = context.config.maxAwaitSeconds;
  if (timeoutSeconds <= 0 || timeoutSeconds > cap) {
    throw toGraphQLError(
      new InvalidArgumentError(
        'timeoutSeconds',
        `must be from 1 to ${cap} (--max-await-seconds), got ${timeoutSeconds}`,
      ),
    );
  }
  return timeoutSeconds * 1000;
}

/** An undecodable value answers its task with that coded error. */
function taskOf(update: TaskUpdate | undefined): TaskSnapshot {
  if (update instanceof LensError) throw toGraphQLError(update);
  if (update === undefined || update instanceof Error) throw update ?? new Error('no value for an awaited task');
  return update;
}

interface AwaitedTasksShape {
  readonly ids: readonly string[];
  readonly result: AwaitResult;
}

const AwaitModeEnum = builder.enumType('AwaitMode', {
  description: 'ALL: wait until every task is ready. ANY: until one of them is.',
  values: AWAIT_MODES,
});

const AwaitedTaskRef = builder.objectRef<AwaitedTasksShape>('AwaitedTask').implement({
  description: 'What awaitTask answers: the task as it is when the wait ended, and why it ended.',
  fields: (t) => ({
    task: t.field({ type: TaskRef, resolve: ({ ids, result }) => taskOf(result.updates.get(ids[0] as string)) }),
    timedOut: t.boolean({
      description:
        'True when the task was not ready at the deadline (or the server was shutting down); `task` is then as it was.',
      resolve: ({ result }) => result.timedOut,
    }),
    waitedMs: t.int({ description: 'How long the wait lasted, in ms.', resolve: ({ result }) => result.waitedMs }),
  }),
});

const AwaitedTasksRef = builder.objectRef<AwaitedTasksShape>('AwaitedTasks').implement({
  description: 'What awaitTasks answers: the tasks as they are when the wait ended, in the order asked.',
  fields: (t) => ({
    tasks: t.field({
      type: [TaskRef],
      nullable: { list: false, items: true },
      description: 'One per id asked, in order; an undecodable one is null with its error at its index.',
      resolve: ({ ids, result }) => ids.map((id) => taskOf(result.updates.get(id))),
    }),
    timedOut: t.boolean({
      description: 'True when the condition (mode) was not met at the deadline (or the server was shutting down).',
      resolve: ({ result }) => result.timedOut,
    }),
    waitedMs: t.int({ description: 'How long the wait lasted, in ms.', resolve: ({ result }) => result.waitedMs }),
  }),
});

/** Waits on the shared watcher, ending early on shutdown or when the client leaves. */
async function wait(
  ids: string[],
  timeoutMs: number,
  mode: 'ALL' | 'ANY',
  context: LensContext,
): Promise<AwaitedTasksShape> {
  const gone = clientGone(context);
  try {
    const result = await withCodes(() =>
      awaitTasks(context.watcher, ids, {
        timeoutMs,
        mode,
        quota: context.watchQuota,
        signals: [context.shutdown, gone.signal],
      }),
    );
    return { ids, result };
  } finally {
    gone.dispose();
  }
}

builder.queryFields((t) => ({
  awaitTask: t.field({
    type: AwaitedTaskRef,
    description:
      'Waits until the task is ready (SUCCESS, FAILURE, REVOKED) and answers it; at once if it already is. ' +
      'At the deadline it answers the task as it is with `timedOut: true`. No polling: the wait listens to the ' +
      "task's channel. timeoutSeconds: 1 to --max-await-seconds (300).",
    args: { id: t.arg.id({ required: true }), timeoutSeconds: t.arg.int({ required: true }) },
    resolve: (_root, { id, timeoutSeconds }, context) => {
      const timeoutMs = checkTimeout(timeoutSeconds, context);
      return wait([checkTaskId(id, context)], timeoutMs, 'ALL', context);
    },
  }),
  awaitTasks: t.field({
    type: AwaitedTasksRef,
    description:
      'awaitTask for many: answers when all (mode ALL) or one (mode ANY) of the tasks are ready, or at the deadline ' +
      'with `timedOut: true`. At most --max-ids ids.',
    args: {
      ids: t.arg.idList({ required: true }),
      timeoutSeconds: t.arg.int({ required: true }),
      mode: t.arg({ type: AwaitModeEnum, required: true, defaultValue: 'ALL' }),
    },
    complexity: (args) => ({ field: 1, multiplier: Math.max(args.ids.length, 1) }),
    resolve: (_root, { ids, timeoutSeconds, mode }, context) => {
      const timeoutMs = checkTimeout(timeoutSeconds, context);
      if (ids.length > context.config.maxIds)
        throw toGraphQLError(new TooManyIdsError(ids.length, context.config.maxIds));
      return wait(
        ids.map((id) => checkTaskId(id, context)),
        timeoutMs,
        mode,
        context,
      );
    },
  }),
}));
