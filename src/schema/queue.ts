import type { QueueLength, SubQueueLength } from '../broker/queue-lengths.ts';
import { builder } from './builder.ts';
import { withCodes } from './graphql-error.ts';

/** Seconds from `sentAt` (ms) to now; never negative (a sender's clock may run ahead of ours). */
const ageSeconds = (sentAt: number | null) => (sentAt === null ? null : Math.max(0, Date.now() - sentAt) / 1000);

const QueuePriorityRef = builder.objectRef<SubQueueLength>('QueuePriority').implement({
  description: "One priority sub-queue: kombu's list for a `priority_steps` step (0 is the queue's own list).",
  fields: (t) => ({
    priority: t.exposeInt('priority', {
      description: 'The step: messages of this priority up to the next step wait here. A worker serves 0 first.',
    }),
    length: t.exposeInt('length'),
    oldestTaskId: t.exposeID('oldestTaskId', {
      nullable: true,
      description: 'The task of the oldest message of this list (its tail, the next one a worker takes from it).',
    }),
    oldestAgeSeconds: t.float({
      nullable: true,
      description:
        "How long that message has waited, from its task's task-sent event (task_send_sent_event); null when celery-lens did not see it.",
      resolve: (list) => ageSeconds(list.oldestSentAt),
    }),
  }),
});

const QueueRef = builder.objectRef<QueueLength>('Queue').implement({
  description:
    'A broker queue of --queues: the task messages waiting in it (Redis lists, read with LLEN and LINDEX only; ' +
    'on RabbitMQ, the messages ready as a passive queue.declare or the management API (--broker-api) counts them).',
  fields: (t) => ({
    name: t.exposeString('name'),
    length: t.exposeInt('length', {
      description:
        "All priority sub-queues summed (kombu's `<queue>\\x06\\x16<priority>` lists for priorities 3, 6, 9). " +
        'On RabbitMQ a queue with x-max-priority is one queue: its messages ready, not those a worker holds unacked.',
    }),
    byPriority: t.field({
      type: [QueuePriorityRef],
      resolve: (queue) => queue.byPriority,
      description: 'Each sub-queue that is a list, step 0 first.',
    }),
    oldestAgeSeconds: t.float({
      nullable: true,
      description:
        "Age in seconds of the oldest queued message. Celery's messages carry no time of sending: it comes from the task-sent event " +
        'celery-lens recorded for it (task_send_sent_event); null when it saw none.',
      resolve: (queue) => ageSeconds(queue.oldestSentAt),
    }),
    oldestTaskId: t.exposeID('oldestTaskId', {
      nullable: true,
      description:
        'The task of the oldest queued message; null when the queue is empty, or when several sub-queues wait and not all their times are known. ' +
        'On RabbitMQ, whose queues cannot be read without taking their messages: the oldest task celery-lens holds QUEUED on it whose task-sent ' +
        'event it saw and no later one (a worker has not received it); null without task-sent events or the task index.',
    }),
    wrongTypeKeys: t.exposeStringList('wrongTypeKeys', {
      description:
        'Keys of this queue holding another Redis type than a list: no Celery queue, not counted in `length`. Empty normally.',
    }),
  }),
});

builder.queryField('queues', (t) =>
  t.field({
    type: [QueueRef],
    description:
      'Each broker queue of --queues, in that order, with how many task messages wait in it: one Redis pipeline for all ' +
      '(RabbitMQ: a passive declare, or a management API request, per queue).',
    resolve: (_root, _args, { queueLengths }) => withCodes(() => queueLengths.read()),
  }),
);
