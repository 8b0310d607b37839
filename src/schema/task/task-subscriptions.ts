import type { GraphQLResolveInfo } from 'graphql';
import { untilReadyOrDeadline } from '../../live/deadline-stream.ts';
import { openTaskStream, type TaskStreamOptions } from '../../live/task-stream.ts';
import type { TaskUpdate } from '../../live/task-watcher.ts';
import { LensError } from '../../errors/lens-error.ts';
import { TooManyIdsError } from '../../errors/too-many-ids-error.ts';
import { checkTimeout } from '../await.ts';
import { builder } from '../builder.ts';
import { checkTaskId } from './task-ids.ts';
import { AFTER_DESCRIPTION, resumableStream, resumePoint } from '../cursor.ts';
import type { LensContext } from '../context.ts';
import { toGraphQLError, withCodes } from '../graphql-error.ts';
import { forgetLoaded } from '../forget-loaded.ts';
import { streamLimits } from '../stream-limits.ts';
import { TaskRef } from './task.ts';
import { selectsEventFields } from '../event-fields.ts';
import { reEmitsOf } from '../../live/re-emits.ts';

function checkIds(ids: readonly (string | number)[], context: LensContext): string[] {
  if (ids.length > context.config.maxIds) throw toGraphQLError(new TooManyIdsError(ids.length, context.config.maxIds));
  return ids.map((id) => checkTaskId(id, context));
}

function stream(ids: string[], context: LensContext, options: TaskStreamOptions) {
  return withCodes(() => openTaskStream(context.watcher, ids, { ...streamLimits(context), ...options }));
}

/** An update that could not be decoded is an error event; the stream goes on. */
function resolveUpdate(update: TaskUpdate, _args: unknown, context: LensContext) {
  forgetLoaded(context);
  if (update instanceof LensError) throw toGraphQLError(update);
  return update;
}

/** Re-emits of the process, for a task/tasks stream: on events too when the selection shows what they tell. */
function reEmits(context: LensContext, info: GraphQLResolveInfo) {
  const source = reEmitsOf(context);
  return source && { source, events: selectsEventFields(info.operation, Object.values(info.fragments)) };
}

builder.subscriptionFields((t) => ({
  task: t.field({
    type: TaskRef,
    description:
      "The task now, then every change of it (each PROGRESS step while you keep up), and again when Celery's events " +
      'about it arrive if the selection shows what they tell (status, times, runtime, timeline): a worker sends ' +
      'task-succeeded after it stores SUCCESS. Completes after a ready state (SUCCESS, FAILURE, REVOKED) unless untilReady is false.',
    args: {
      id: t.arg.id({ required: true }),
      untilReady: t.arg.boolean({ defaultValue: true, required: true }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    // Emitted again when its worker is gone (LOST) or its events arrive (times): no stored change tells those.
    subscribe: (_root, { id, untilReady, after }, context, info) =>
      resumableStream(
        checkIds([id], context),
        context,
        { untilReady, reEmits: reEmits(context, info) },
        resumePoint(after, context),
      ),
    resolve: resolveUpdate,
  }),
  taskCompleted: t.field({
    type: TaskRef,
    description:
      'Emits once, the final state (at once if the task is already done), then completes. With timeoutSeconds ' +
      '(1 to --max-await-seconds), at the deadline it emits the task as it is then (not ready) and completes.',
    args: { id: t.arg.id({ required: true }), timeoutSeconds: t.arg.int() },
    subscribe: async (_root, { id, timeoutSeconds }, context) => {
      if (timeoutSeconds == null) return stream(checkIds([id], context), context, { readyOnly: true });
      const timeoutMs = checkTimeout(timeoutSeconds, context);
      return untilReadyOrDeadline(await stream(checkIds([id], context), context, { untilReady: true }), timeoutMs);
    },
    resolve: resolveUpdate,
  }),
  tasks: t.field({
    type: TaskRef,
    description:
      'One stream for many tasks: the current state of each, then every change; each event is the Task it is about. ' +
      'Completes when all are ready unless untilReady is false. A slow client gets the latest state of each task. ' +
      'An empty list completes at once, with no event.',
    args: {
      ids: t.arg.idList({ required: true }),
      untilReady: t.arg.boolean({ defaultValue: true, required: true }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    complexity: (args) => ({ field: 1, multiplier: Math.max(args.ids.length, 1) }),
    // Emitted again when its worker is gone (LOST) or its events arrive (times): no stored change tells those.
    subscribe: (_root, { ids, untilReady, after }, context, info) =>
      resumableStream(
        checkIds(ids, context),
        context,
        { untilReady, reEmits: reEmits(context, info) },
        resumePoint(after, context),
      ),
    resolve: resolveUpdate,
  }),
}));
