/**
 * taskEvents(filter): every change of a task in the index that matches the
 * filter, as the Task, filtered in this process from the index' change
 * channel (task-filter.ts' matches), never sent to the client to filter.
 * What a change is, the index' update script decides (store/index/lua/update.lua).
 */
import { openChangeStream } from '../../live/change-stream.ts';
import type { IndexedTask } from '../../store/index/index-types.ts';
import { builder } from '../builder.ts';
import { forgetLoaded } from '../forget-loaded.ts';
import { withCodes } from '../graphql-error.ts';
import { knownLastHeard } from './task-last-heard.ts';
import { TaskFilterInput, checkFilter, matches, requireIndex } from './task-filter.ts';
import { TaskRef } from './task.ts';

builder.subscriptionField('taskEvents', (t) =>
  t.field({
    type: TaskRef,
    description:
      'Every change of a task matching the filter, as the Task (read when the event is sent), from the moment you subscribe: ' +
      'one event when it enters the index, one when its status changes, and, while it is unfinished, one for each newer state or event ' +
      '(a PROGRESS update) or name, worker, queue, workflow or kwargs value learnt. A finished task is sent once, with its finishedAt and runtime ' +
      "when its worker sends events (Celery tells an end twice, by the result and by the worker's event); " +
      'when that event comes more than 5 s after the result, it is sent without them, then again with them. ' +
      'A slow client gets the latest state of each task. since/until apply to the time of each change. Never completes.',
    args: { filter: t.arg({ type: TaskFilterInput }) },
    subscribe: (_root, args, context) => {
      requireIndex(context, 'taskEvents');
      const filter = checkFilter(args.filter, context);
      const feed = context.indexFeed;
      if (!feed) throw new Error('the index feed is missing while the index is on');
      return withCodes(() =>
        openChangeStream(feed, (task) => matches(filter, task), {
          maxQueued: context.config.maxQueued,
          signal: context.shutdown,
        }),
      );
    },
    resolve: (task: IndexedTask, _args, context) => {
      // Each event reads the task afresh, but for the time the change carries.
      forgetLoaded(context);
      knownLastHeard(context, [task]);
      return task.id;
    },
  }),
);
