/**
 * revokeTasksMatching and resendTasksMatching: every task a TaskFilter
 * matches, acted on in the background (src/bulk/), answered at once as a
 * BulkAction to follow (bulk-action.ts). Like every control mutation they need
 * `--control true` and the `control` scope, and are logged and counted: the
 * mutation once, then each batch with its task ids.
 */
import { principalOf } from '../../auth/principal-of.ts';
import { IndexDisabledError } from '../../errors/index-disabled-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { BulkAction, BulkKind, BulkOptions } from '../../store/bulk-types.ts';
import { builder } from '../builder.ts';
import type { LensContext } from '../context.ts';
import { act, checkSignal } from '../control.ts';
import { type TaskFilterArg, TaskFilterInput, checkFilter } from '../task/task-filter.ts';
import { BulkActionRef } from './bulk-action.ts';

/** Most tasks one bulk action may be limited to (`max`). */
const MAX_MAX = 10_000_000;

function checkMax(max: number | null | undefined): number | null {
  if (max == null) return null;
  if (max < 1 || max > MAX_MAX) throw new InvalidArgumentError('max', `must be from 1 to ${MAX_MAX}, got ${max}`);
  return max;
}

function checkQueue(queue: string | null | undefined, context: LensContext): string | null {
  if (queue == null) return null;
  if (!context.config.queues.includes(queue))
    throw new InvalidArgumentError(
      'queue',
      `"${queue.slice(0, 80)}" is not one of --queues (${context.config.queues.join(', ')}): celery-lens sends only to the queues it knows`,
    );
  return queue;
}

/** Checks the arguments, counts the matches and records the action (running it unless a dry run). */
function begin(
  context: LensContext,
  kind: BulkKind,
  filter: TaskFilterArg,
  dryRun: boolean,
  options: () => BulkOptions,
): Promise<BulkAction> {
  const name = kind === 'REVOKE' ? 'revoke-matching' : 'resend-matching';
  return act(context, dryRun ? `${name}-dry-run` : name, [], async () => {
    if (!context.bulk || !context.index) throw new IndexDisabledError(name);
    const checked = checkFilter(filter, context);
    const by = principalOf(context.config, context)?.id ?? 'unknown';
    return context.bulk.begin({ kind, filter: checked, options: options(), dryRun, by });
  });
}

const commonArgs = builder.args((t) => ({
  filter: t.field({ type: TaskFilterInput, required: true }),
  dryRun: t.boolean({
    defaultValue: false,
    required: true,
    description: 'Only count the matches: the answer is DONE with `matched`, and nothing is acted on.',
  }),
  max: t.int({ description: `Act on at most this many tasks (newest first), 1 to ${MAX_MAX}.` }),
}));

builder.mutationFields((t) => ({
  revokeTasksMatching: t.field({
    type: BulkActionRef,
    authScopes: { control: true },
    description:
      'Revokes every task the filter matches (as revokeTasks does, one broadcast per batch of --bulk-batch), newest first, in the background: ' +
      'answers at once with the BulkAction to follow (bulkAction query or subscription). Needs the task index.',
    args: {
      ...commonArgs,
      terminate: t.arg.boolean({ defaultValue: false, required: true }),
      signal: t.arg.string({ description: 'With terminate: the signal (default SIGTERM).' }),
    },
    resolve: (_root, args, context) =>
      begin(context, 'REVOKE', args.filter, args.dryRun, () => ({
        terminate: args.terminate,
        signal: checkSignal(args.signal ?? 'SIGTERM'),
        queue: null,
        max: checkMax(args.max),
      })),
  }),
  resendTasksMatching: t.field({
    type: BulkActionRef,
    authScopes: { control: true },
    description:
      'Re-sends every finished task the filter matches (as resendTask does: a new id, linked both ways by resentAs/resentFrom), ' +
      'newest first, in the background; a task that cannot be re-sent (no stored call, a name outside --send-allow) counts as failed. ' +
      'Answers at once with the BulkAction to follow. Needs the task index.',
    args: {
      ...commonArgs,
      queue: t.arg.string({ description: 'Send to this queue of --queues, not each task’s own.' }),
    },
    resolve: (_root, args, context) =>
      begin(context, 'RESEND', args.filter, args.dryRun, () => ({
        terminate: false,
        signal: 'SIGTERM',
        queue: checkQueue(args.queue, context),
        max: checkMax(args.max),
      })),
  }),
}));
