/**
 * Worker control: Celery's remote-control commands sent to one worker (by
 * node name) or, with `hostname: null`, to every worker, as `app.control`
 * sends them (broker/worker-control.ts). Like the task control mutations:
 * `--control true` and the `control` scope, each action logged and counted
 * (schema/control.ts' act), arguments checked before anything is sent.
 */
import type { WorkerReply } from '../../broker/worker-control.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { builder } from '../builder.ts';
import type { LensContext } from '../context.ts';
import { act } from '../control.ts';

const WorkerReplyRef = builder.objectRef<WorkerReply>('WorkerReply').implement({
  description: "One worker's answer to a control command.",
  fields: (t) => ({
    hostname: t.exposeString('hostname', {
      nullable: true,
      description: 'The worker that answered; null for a shutdown sent to every worker (none answers it).',
    }),
    ok: t.exposeBoolean('ok', { description: "Whether it did it (Celery's `ok`), or refused (its `error`)." }),
    message: t.exposeString('message', { nullable: true, description: 'What it said, e.g. "pool will grow".' }),
  }),
});

function checkName(argument: string, value: string): string {
  if (value.length === 0 || value.length > 200 || /\s/.test(value))
    throw new InvalidArgumentError(argument, 'must be 1 to 200 characters, without spaces');
  return value;
}

function checkCount(argument: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > 10_000)
    throw new InvalidArgumentError(argument, `must be an integer from ${min} to 10000`);
  return value;
}

/** Celery's rate limit strings: a number, optionally per second, minute or hour (`10/m`); `0` turns the limit off. */
const RATE = /^\d+(\.\d+)?(\/[smh])?$/;

/** Runs `method` on `hostname` (every worker when null), audited as `action`. */
function command(
  context: LensContext,
  action: string,
  hostname: string | null | undefined,
  method: string,
  args: () => Record<string, unknown>,
): Promise<WorkerReply[]> {
  const target = hostname ?? null;
  return act(
    context,
    action,
    [],
    async () => context.workerControl.command(method, args(), target === null ? null : checkName('hostname', target)),
    target === null ? '*' : target.slice(0, 200),
  );
}

builder.mutationFields((t) => {
  const hostname = () =>
    t.arg.string({ description: "The worker's node name (e.g. `celery@host`); every worker when omitted or null." });
  const field = (description: string) => ({
    type: [WorkerReplyRef] as [typeof WorkerReplyRef],
    authScopes: { control: true },
    description,
  });
  return {
    growPool: t.field({
      ...field('Adds `n` processes to the pool (`pool_grow`; not with autoscale).'),
      args: { hostname: hostname(), n: t.arg.int({ defaultValue: 1, required: true }) },
      resolve: (_root, args, context) =>
        command(context, 'growPool', args.hostname, 'pool_grow', () => ({ n: checkCount('n', args.n, 1) })),
    }),
    shrinkPool: t.field({
      ...field('Removes `n` processes from the pool (`pool_shrink`; not with autoscale).'),
      args: { hostname: hostname(), n: t.arg.int({ defaultValue: 1, required: true }) },
      resolve: (_root, args, context) =>
        command(context, 'shrinkPool', args.hostname, 'pool_shrink', () => ({ n: checkCount('n', args.n, 1) })),
    }),
    autoscale: t.field({
      ...field("Sets the autoscaler's bounds (`autoscale`; only on a worker started with --autoscale)."),
      args: { hostname: hostname(), max: t.arg.int({ required: true }), min: t.arg.int({ required: true }) },
      resolve: (_root, args, context) =>
        command(context, 'autoscale', args.hostname, 'autoscale', () => {
          const max = checkCount('max', args.max, 1);
          const min = checkCount('min', args.min, 0);
          if (min > max) throw new InvalidArgumentError('min', 'must not be above max');
          return { max, min };
        }),
    }),
    addConsumer: t.field({
      ...field(
        "Starts consuming from `queue` (`add_consumer`, a direct exchange of the same name, as Celery's client).",
      ),
      args: { hostname: hostname(), queue: t.arg.string({ required: true }) },
      resolve: (_root, args, context) =>
        command(context, 'addConsumer', args.hostname, 'add_consumer', () => ({
          queue: checkName('queue', args.queue),
          exchange: null,
          exchange_type: 'direct',
          routing_key: null,
        })),
    }),
    cancelConsumer: t.field({
      ...field('Stops consuming from `queue` (`cancel_consumer`).'),
      args: { hostname: hostname(), queue: t.arg.string({ required: true }) },
      resolve: (_root, args, context) =>
        command(context, 'cancelConsumer', args.hostname, 'cancel_consumer', () => ({
          queue: checkName('queue', args.queue),
        })),
    }),
    setRateLimit: t.field({
      ...field("Sets a task's rate limit (`rate_limit`): e.g. `10/m`, `2/s`, `100/h`; `0` removes it."),
      args: {
        taskName: t.arg.string({ required: true }),
        rateLimit: t.arg.string({ required: true }),
        hostname: hostname(),
      },
      resolve: (_root, args, context) =>
        command(context, 'setRateLimit', args.hostname, 'rate_limit', () => {
          if (!RATE.test(args.rateLimit))
            throw new InvalidArgumentError(
              'rateLimit',
              'must be a number, optionally per s, m or h (e.g. 10/m); 0 for none',
            );
          return { task_name: checkName('taskName', args.taskName), rate_limit: args.rateLimit };
        }),
    }),
    setTimeLimit: t.field({
      ...field("Sets a task's soft and hard time limits in seconds (`time_limit`); null removes one."),
      args: {
        taskName: t.arg.string({ required: true }),
        soft: t.arg.float(),
        hard: t.arg.float(),
        hostname: hostname(),
      },
      resolve: (_root, args, context) =>
        command(context, 'setTimeLimit', args.hostname, 'time_limit', () => {
          for (const [name, value] of [
            ['soft', args.soft],
            ['hard', args.hard],
          ] as const) {
            if (value != null && !(value > 0 && value <= 31_536_000))
              throw new InvalidArgumentError(name, 'must be more than 0 and at most 31536000 seconds');
          }
          return { task_name: checkName('taskName', args.taskName), hard: args.hard ?? null, soft: args.soft ?? null };
        }),
    }),
    restartPool: t.field({
      ...field("Restarts the pool's processes (`pool_restart`; only on a worker with worker_pool_restarts)."),
      args: { hostname: hostname() },
      resolve: (_root, args, context) =>
        command(context, 'restartPool', args.hostname, 'pool_restart', () => ({
          modules: null,
          reload: false,
          reloader: null,
        })),
    }),
    shutdownWorker: t.field({
      ...field(
        'Warm shutdown of one worker (`shutdown`): it finishes its running tasks and exits. It does not answer; its worker-offline event says it is gone. A node name is required: a fleet is not shut down by an omitted argument.',
      ),
      args: { hostname: t.arg.string({ required: true }) },
      resolve: (_root, args, context) =>
        act(
          context,
          'shutdownWorker',
          [],
          () => context.workerControl.shutdown(checkName('hostname', args.hostname)),
          args.hostname.slice(0, 200),
        ),
    }),
  };
});
