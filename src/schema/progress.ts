/**
 * Counts per status of a group or a workflow, as a field and as a live
 * subscription: a page follows a 1,000-task chord through one subscription
 * (src/read/progress-*.ts, src/live/progress-*.ts).
 */
import type { Progress } from '../read/progress-count.ts';
import {
  type ProgressSource,
  groupCount,
  groupProgressSource,
  workflowProgressSource,
} from '../read/progress-source.ts';
import { readStatuses, type StatusSources } from '../read/progress-read.ts';
import { countProgress } from '../read/progress-count.ts';
import { SharedProgressReads, progressStream } from '../live/progress-stream.ts';
import type { ProgressChanges } from '../intake/progress-changes.ts';
import { LensError } from '../errors/lens-error.ts';
import { builder } from './builder.ts';
import type { LensContext } from './context.ts';
import { GroupRef } from './group.ts';
import { toGraphQLError, withCodes } from './graphql-error.ts';
import { stoppable } from './stoppable.ts';
import { GraphRef } from './task/task-graph.ts';
import { checkTaskId } from './task/task-ids.ts';

const count = (description: string) => ({ description });

export const ProgressRef = builder.objectRef<Progress>('Progress').implement({
  description:
    'Tasks counted by `status` (Task.status decides each): every one falls in exactly one count, ' +
    'so queued + running + succeeded + failed + revoked + expired + unknown + lost = total.',
  fields: (t) => ({
    total: t.exposeInt('total', count('Tasks counted (a running chord: its size, members not seen yet included).')),
    queued: t.exposeInt('queued', count('QUEUED, and RETRYING (waiting for its next attempt).')),
    running: t.exposeInt('running', count('RUNNING.')),
    succeeded: t.exposeInt('succeeded', count('SUCCEEDED.')),
    failed: t.exposeInt('failed', count('FAILED.')),
    revoked: t.exposeInt('revoked', count('REVOKED.')),
    expired: t.exposeInt('expired', count('EXPIRED: ended, and Celery forgot the result.')),
    unknown: t.exposeInt('unknown', count('UNKNOWN, and members of a running chord celery-lens has not seen yet.')),
    lost: t.exposeInt('lost', count('LOST: on a worker that is gone. Not ready: it may be redelivered.')),
    ready: t.exposeBoolean('ready', count('Every task is SUCCEEDED, FAILED, REVOKED or EXPIRED.')),
    percent: t.exposeFloat(
      'percent',
      count('Those four in percent of total, rounded down to one decimal; 100 when total is 0.'),
    ),
  }),
});

const sourcesOf = (context: LensContext): StatusSources => ({
  backend: context.backend,
  history: context.history,
  queues: context.queues,
  liveness: context.consumer?.liveness ?? null,
  stallAfter: context.config.stallAfter,
  unrecorded: () => context.consumer?.pending ?? 0,
});

builder.objectField(GroupRef, 'progress', (t) =>
  t.field({
    type: ProgressRef,
    description:
      "Counts of the group's tasks by status; a running chord whose members are not all known counts the rest as unknown.",
    resolve: (group, _args, context) =>
      withCodes(
        async () =>
          (
            await groupCount(
              group.id,
              group.memberIds ?? [],
              group.chordSize,
              sourcesOf(context),
              context.config.maxGraphNodes,
            )
          ).progress,
      ),
  }),
);

builder.objectField(GraphRef, 'progress', (t) =>
  t.field({
    type: ProgressRef,
    description: "Counts of the graph's tasks by status.",
    resolve: (graph, _args, context) =>
      withCodes(async () => {
        const tasks = graph.nodes.filter((node) => node.kind === 'TASK');
        return countProgress(
          await readStatuses(
            tasks.map((node) => node.id),
            sourcesOf(context),
            tasks.map((node) => node.task),
          ),
        );
      }),
  }),
);

// One set of shared reads per process (per change bus): subscriptions to one count share its reads.
const sharedReads = new WeakMap<ProgressChanges, SharedProgressReads>();
function sharedOf(changes: ProgressChanges): SharedProgressReads {
  let reads = sharedReads.get(changes);
  if (!reads) sharedReads.set(changes, (reads = new SharedProgressReads(changes)));
  return reads;
}

/** The live counts of `key`, with coded errors (BACKEND_UNAVAILABLE, GRAPH_TOO_LARGE) for the client. */
function live(key: string, read: ProgressSource, context: LensContext) {
  return stoppable(async function* (stopped) {
    const signal = AbortSignal.any([stopped, context.shutdown]);
    const changes = context.consumer ? context.changes : null;
    const shared = changes ? { reads: sharedOf(changes), key } : undefined;
    try {
      yield* progressStream({
        read,
        changes,
        intervalMs: context.config.progressIntervalMs,
        signal,
        ...(shared ? { shared } : {}),
      });
    } catch (error) {
      throw error instanceof LensError ? toGraphQLError(error) : error;
    }
  });
}

builder.subscriptionFields((t) => ({
  groupProgress: t.field({
    type: ProgressRef,
    description:
      'The counts of a group (or chord header) now, then again whenever they change, at most once per ' +
      '--progress-interval-ms (changes meanwhile are coalesced); completes once they are ready.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, { id }, context) => {
      const groupId = checkTaskId(id, context);
      return live(
        `group ${groupId}`,
        groupProgressSource(groupId, sourcesOf(context), context.config.maxGraphNodes),
        context,
      );
    },
    resolve: (progress: Progress) => progress,
  }),
  workflowProgress: t.field({
    type: ProgressRef,
    description:
      'The counts of every task in the workflow below `rootId` (as taskGraph walks it) now, then whenever they ' +
      'change, at most once per --progress-interval-ms; completes once they are ready.',
    args: {
      rootId: t.arg.id({ required: true }),
      maxDepth: t.arg.int({ defaultValue: 10, required: true, description: 'As taskGraph’s.' }),
    },
    subscribe: (_root, { rootId, maxDepth }, context) => {
      const root = checkTaskId(rootId, context);
      return live(
        `workflow ${root} ${maxDepth}`,
        workflowProgressSource(root, maxDepth, sourcesOf(context), context.config.maxGraphNodes),
        context,
      );
    },
    resolve: (progress: Progress) => progress,
  }),
}));
