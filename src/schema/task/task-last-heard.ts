/**
 * Task.lastHeardAt: the time the task index files a task under, the one
 * searchTasks orders by (and a PROGRESS update moves), so a list can show
 * the time it is sorted by. searchTasks and taskEvents already hold it (the
 * entry's time, the change's) and hand it over; any other Task reads it, for
 * all tasks of a tick, in one HMGET.
 */
import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { builder } from '../builder.ts';
import type { LensContext } from '../context.ts';
import { withCodes } from '../graphql-error.ts';
import { TaskRef } from './task.ts';

const loadersOf = createContextCache(
  (context: LensContext) =>
    new DataLoader<string, number | null>((ids) =>
      withCodes(async () => (context.index ? context.index.latestTimes(ids) : ids.map(() => null))),
    ),
);

/** Drops cached times (a subscription re-reads them each event). */
export function forgetLastHeard(context: LensContext): void {
  loadersOf.delete(context);
}

/** The times the index just gave with these tasks: no read of them again. */
export function knownLastHeard(
  context: LensContext,
  tasks: readonly { readonly id: string; readonly at: number }[],
): void {
  const loader = loadersOf(context);
  for (const { id, at } of tasks) loader.prime(id, at);
}

builder.objectFields(TaskRef, (t) => ({
  lastHeardAt: t.field({
    type: 'DateTime',
    nullable: true,
    description:
      "When celery-lens last heard of the task: the time of its latest state or event in the task index (a PROGRESS update's receipt; a finished task's end), " +
      'the time searchTasks orders by and since/until filter on. Null for a task not in the index, and with --index false.',
    resolve: async (task, _args, context) => {
      const ms = await loadersOf(context).load(task.id);
      return ms === null ? null : new Date(ms);
    },
  }),
}));
