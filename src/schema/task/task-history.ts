/**
 * What celery-lens knows about a task beyond Celery's result key: event
 * timestamps, the disambiguated status, and the last outcome after the key
 * expired. Loaded per request in one round trip for all tasks of a tick.
 */
import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { MAX_TIMELINE, type TaskHistory, type TimelineEntry } from '../../store/history-types.ts';
import { decideStatus, holderOf, isSettled, needsHistory } from '../../read/task-status.ts';
import { TaskStatuses } from '../../store/task-statuses.ts';
import { withStall } from '../../read/stall.ts';
import type { TaskSnapshot } from '../../read/task-snapshot.ts';
import { builder } from '../builder.ts';
import type { LensContext } from '../context.ts';
import { LensError } from '../../errors/lens-error.ts';
import { toGraphQLError, withCodes } from '../graphql-error.ts';
import { TaskRef } from './task.ts';

// One set of loaders per request context, the way Pothos keeps its own.
const loadersOf = createContextCache((context: LensContext) => ({
  // A task whose own keys are unreadable gets its error; the others still resolve.
  history: new DataLoader<string, TaskHistory>(async (ids: readonly string[]) =>
    (await withCodes(() => context.history.readHistory(ids))).map((read) =>
      read instanceof LensError ? toGraphQLError(read) : read,
    ),
  ),
  queued: new DataLoader((ids: readonly string[]) => withCodes(() => context.queues.find(ids))),
}));

/** Drops cached history (a subscription re-resolves each event fresh). */
export function forgetHistory(context: LensContext): void {
  loadersOf.delete(context);
}

/** The history of a task, through the request's batch. */
export const loadHistory = (context: LensContext, id: string) => loadersOf(context).history.load(id);

async function statusOf(task: TaskSnapshot, context: LensContext) {
  const liveness = context.consumer?.liveness;
  const stall = context.config.stallAfter;
  // A running task's history tells whether its worker is gone (LOST) and since when it runs (STALLED).
  const running = task.meta !== null && !isSettled(task.meta.state) && (liveness !== undefined || stall.size > 0);
  if (task.meta && !needsHistory(task) && !running) return decideStatus(task, null, null);
  const history = await loadHistory(context, task.id);
  // A task on a worker that is gone is LOST; its message may be back in a queue (task_acks_late).
  const holder = liveness ? holderOf(task, history) : null;
  const silence = holder && liveness ? liveness.silence(holder.hostname, holder.since) : null;
  if (silence)
    return decideStatus(task, history, null, { silence, requeuedIn: await loadersOf(context).queued.load(task.id) });
  if (task.meta) return withStall(decideStatus(task, history, null), task, history, stall);
  const needsQueue = !history.tombstone && history.timeline.length === 0;
  const queuedIn = needsQueue ? await loadersOf(context).queued.load(task.id) : null;
  return withStall(decideStatus(task, history, queuedIn, null, context.queues.unsearched), task, history, stall);
}

export const TaskStatusEnum = builder.enumType('TaskStatus', {
  description: "Celery's PENDING disambiguated, from every piece of evidence celery-lens has (see statusReason).",
  values: {
    UNKNOWN: { description: 'No result, no tombstone, no event, no queued message.' },
    QUEUED: { description: 'Sent or received, not started (events, or its message in a broker queue).' },
    RUNNING: { description: 'Started, or in a custom state such as PROGRESS.' },
    RETRYING: { description: 'Waiting to be retried.' },
    SUCCEEDED: { description: 'Returned.' },
    FAILED: { description: 'Raised (or was rejected).' },
    REVOKED: { description: 'Revoked.' },
    EXPIRED: { description: "It did exist; Celery's result is gone (see lastOutcome)." },
    STALLED: {
      description:
        'RUNNING for longer than --stall-after allows its task name (off by default): a hint, never a final state.',
    },
    LOST: {
      description:
        'Received or running on a worker that has since gone silent (no heartbeat within --worker-timeout) or restarted, ' +
        'and no newer state stored: it will not finish there. A late result turns it back into the truth.',
    },
  } satisfies Record<keyof typeof TaskStatuses, { description: string }>,
});

const EventTypeEnum = builder.enumType('TaskEventType', {
  values: ['SENT', 'RECEIVED', 'STARTED', 'SUCCEEDED', 'FAILED', 'RETRIED', 'REVOKED', 'REJECTED'] as const,
});

const TimelineEntryRef = builder.objectRef<TimelineEntry>('TaskTimelineEntry').implement({
  description: 'One Celery event about the task.',
  fields: (t) => ({
    type: t.field({
      type: EventTypeEnum,
      resolve: (entry) => entry.type.replace(/^task-/, '').toUpperCase() as 'SENT',
    }),
    at: t.field({ type: 'DateTime', resolve: (entry) => new Date(entry.at) }),
    hostname: t.exposeString('hostname', { nullable: true, description: 'The worker (or, for SENT, the client).' }),
    retries: t.int({
      nullable: true,
      description:
        'SENT and RECEIVED: the attempt (0 for the first, 1 for the first retry, …), which tells a retry’s re-send apart.',
      resolve: (entry) => entry.retries ?? null,
    }),
  }),
});

const OutcomeRef = builder.objectRef<NonNullable<TaskHistory['tombstone']>>('TaskOutcome').implement({
  description: 'The final state celery-lens saw, kept after Celery forgets the result.',
  fields: (t) => ({
    state: t.exposeString('state'),
    dateDone: t.field({ type: 'DateTime', nullable: true, resolve: (o) => (o.dateDone ? new Date(o.dateDone) : null) }),
    errorType: t.exposeString('errorType', { nullable: true }),
    errorMessage: t.exposeString('errorMessage', { nullable: true, authScopes: { payload: true } }),
    name: t.exposeString('name', { nullable: true }),
    recordedAt: t.field({ type: 'DateTime', resolve: (o) => new Date(o.recordedAt) }),
  }),
});

const time =
  (pick: (history: TaskHistory) => number | null) => (task: TaskSnapshot, _args: object, context: LensContext) =>
    loadHistory(context, task.id).then((history) => {
      const ms = pick(history);
      return ms === null ? null : new Date(ms);
    });

builder.objectFields(TaskRef, (t) => ({
  name: t.string({
    nullable: true,
    description:
      'Task name, e.g. "proj.tasks.add": from the stored result (needs result_extended=True); ' +
      'before any result is stored (a queued task), from its task-sent/task-received events; once the result expired, from lastOutcome.',
    resolve: async (task, _args, context) => {
      if (task.meta) return task.meta.name;
      const history = await loadHistory(context, task.id);
      return history.name ?? history.tombstone?.name ?? null;
    },
  }),
  status: t.field({
    type: TaskStatusEnum,
    description:
      "Celery's state disambiguated: UNKNOWN, QUEUED, RUNNING, RETRYING, SUCCEEDED, FAILED, REVOKED, EXPIRED, LOST, or STALLED (a hint).",
    resolve: async (task, _args, context) => (await statusOf(task, context)).status,
  }),
  statusReason: t.string({
    description: 'Which evidence decided `status`.',
    resolve: async (task, _args, context) => (await statusOf(task, context)).reason,
  }),
  sentAt: t.field({
    type: 'DateTime',
    nullable: true,
    description: 'task-sent (task_send_sent_event).',
    resolve: time((h) => h.sentAt),
  }),
  receivedAt: t.field({
    type: 'DateTime',
    nullable: true,
    description: 'Last task-received.',
    resolve: time((h) => h.receivedAt),
  }),
  startedAt: t.field({
    type: 'DateTime',
    nullable: true,
    description: "Last task-started; else the meta's date_started, where a backend stores one.",
    resolve: async (task, _args, context) => {
      const ms = (await loadHistory(context, task.id)).startedAt;
      return ms === null ? (task.meta?.dateStarted ?? null) : new Date(ms);
    },
  }),
  finishedAt: t.field({
    type: 'DateTime',
    nullable: true,
    description: 'task-succeeded/-failed/-revoked/-rejected.',
    resolve: time((h) => h.finishedAt),
  }),
  runtime: t.float({
    nullable: true,
    description: 'Seconds the task ran (task-succeeded).',
    resolve: async (task, _args, context) => (await loadHistory(context, task.id)).runtime,
  }),
  timeline: t.field({
    type: [TimelineEntryRef],
    description: `Celery's events about the task in the order they happened, the latest ${MAX_TIMELINE} (needs worker_send_task_events).`,
    resolve: async (task, _args, context) => [...(await loadHistory(context, task.id)).timeline],
  }),
  lastOutcome: t.field({
    type: OutcomeRef,
    nullable: true,
    description: 'The final state celery-lens recorded (kept --tombstone-days after Celery forgets it).',
    resolve: async (task, _args, context) => (await loadHistory(context, task.id)).tombstone,
  }),
}));
