/**
 * What a worker says of itself when asked (Celery's inspect commands through
 * the broker's mailbox, broker/worker-inspector.ts): its tasks, pool, queues,
 * registered names, stats and configuration. Each command is one broadcast
 * for every worker, its answers kept two seconds and shared. Needs
 * --control true (a reply queue is bound on the broker); a worker that does
 * not answer in time makes the field null with WORKER_NO_REPLY.
 */
import type { InspectCommand } from '../../broker/worker-inspector.ts';
import {
  type InspectedPool,
  type InspectedTask,
  decodeActiveQueues,
  decodeConf,
  decodeRegistered,
  decodeRequests,
  decodeScheduled,
  decodeStats,
} from '../../celery/inspect-replies.ts';
import type { WorkerState } from '../../celery/worker-state.ts';
import { ControlDisabledError } from '../../errors/control-errors.ts';
import { WorkerReplyError } from '../../errors/worker-errors.ts';
import { builder } from '../builder.ts';
import type { LensContext } from '../context.ts';
import { withCodes } from '../graphql-error.ts';
import { TaskRef } from '../task/task.ts';
import { WorkerRef } from './worker.ts';

/** `decode` of what `worker` answered to `command`; coded errors for no answer, or an answer that is not one. */
function inspected<T>(
  context: LensContext,
  worker: WorkerState,
  command: InspectCommand,
  decode: (value: unknown) => T,
): Promise<T> {
  return withCodes(async () => {
    if (!context.config.control) {
      throw new ControlDisabledError(
        'asking workers is turned off: inspect binds a reply queue on the broker, start celery-lens with --control true (LENS_CONTROL)',
      );
    }
    const { value } = await context.inspector.inspect(command, worker.hostname);
    try {
      return decode(value);
    } catch (error) {
      throw new WorkerReplyError(worker.hostname, command, error instanceof Error ? error.message : String(error));
    }
  });
}

const ids = (tasks: InspectedTask[]) => tasks.map((task) => task.id);

const WorkerPoolRef = builder.objectRef<InspectedPool>('WorkerPool').implement({
  description: "A worker's execution pool, as its `stats` answer describes it.",
  fields: (t) => ({
    implementation: t.exposeString('implementation', {
      nullable: true,
      description: 'e.g. `celery.concurrency.prefork:TaskPool`.',
    }),
    maxConcurrency: t.exposeInt('maxConcurrency', { nullable: true, description: 'Its processes or threads at most.' }),
    processes: t.exposeIntList('processes', { description: "The pool processes' pids (prefork); empty otherwise." }),
  }),
});

const taskList = (description: string) => ({
  type: [TaskRef] as [typeof TaskRef],
  nullable: true as const,
  description,
});

builder.objectFields(WorkerRef, (t) => ({
  activeTasks: t.field({
    ...taskList('The tasks it is running now (inspect `active`).'),
    resolve: (worker, _args, context) => inspected(context, worker, 'active', (v) => ids(decodeRequests('active', v))),
  }),
  reservedTasks: t.field({
    ...taskList('Tasks it has taken from its queues and not started yet (inspect `reserved`: prefetched).'),
    resolve: (worker, _args, context) =>
      inspected(context, worker, 'reserved', (v) => ids(decodeRequests('reserved', v))),
  }),
  scheduledTasks: t.field({
    ...taskList('Tasks it holds until their eta or countdown (inspect `scheduled`).'),
    resolve: (worker, _args, context) => inspected(context, worker, 'scheduled', (v) => ids(decodeScheduled(v))),
  }),
  registered: t.stringList({
    nullable: true,
    description: 'The task names it knows, sorted (inspect `registered`, without Celery’s built-in tasks).',
    resolve: (worker, _args, context) => inspected(context, worker, 'registered', decodeRegistered),
  }),
  pool: t.field({
    type: WorkerPoolRef,
    nullable: true,
    description: 'Its pool (inspect `stats`).',
    resolve: (worker, _args, context) => inspected(context, worker, 'stats', (v) => decodeStats(v).pool),
  }),
  queues: t.stringList({
    nullable: true,
    description:
      'The queues it consumes from now (inspect `active_queues`): changed by addConsumer and cancelConsumer.',
    resolve: (worker, _args, context) => inspected(context, worker, 'active_queues', decodeActiveQueues),
  }),
  stats: t.field({
    type: 'JSON',
    nullable: true,
    description:
      "Its whole `stats` answer (pid, uptime, totals by task name, pool, broker, prefetch_count, rusage), settings and URL passwords masked as Celery's own reports mask them.",
    resolve: (worker, _args, context) => inspected(context, worker, 'stats', (v) => decodeStats(v).raw),
  }),
  conf: t.field({
    type: 'JSON',
    nullable: true,
    description:
      "Its configuration as changed from Celery's defaults (inspect `conf`), with settings named like API, TOKEN, KEY, SECRET, PASS, SIGNATURE or DATABASE and URL passwords masked.",
    resolve: (worker, _args, context) => inspected(context, worker, 'conf', decodeConf),
  }),
  inspectedAt: t.field({
    type: 'DateTime',
    nullable: true,
    description:
      'When the answers its inspect fields show were asked for (the oldest of them; they are kept two seconds); null when none was asked.',
    resolve: async (worker, _args, context) => {
      const at = await context.inspector.inspectedAt(worker.hostname);
      return at === null ? null : new Date(at);
    },
  }),
}));
