/**
 * Acting on tasks: revoke (and terminate), send, re-send. Every mutation here
 * needs `--control true` and the `control` scope (never implied by status or
 * payload); sends also need the task name to match `--send-allow`. Each
 * action is logged and counted by TaskControl's `onAction`.
 */
import { randomUUID } from 'node:crypto';
import { exceedsJsonLimits } from '../celery/json-size.ts';
import type { TaskCall } from '../celery/outgoing-messages.ts';
import { MAX_ARGUMENT_DEPTH, signalName } from '../celery/outgoing-messages.ts';
import { READY_STATES } from '../celery/states.ts';
import { principalOf } from '../auth/principal-of.ts';
import {
  ControlDisabledError,
  NotResendableError,
  SendNotAllowedError,
  TaskExistsError,
} from '../errors/control-errors.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { LensError } from '../errors/lens-error.ts';
import { MetaDecodeError } from '../errors/meta-decode-error.ts';
import { TooManyIdsError } from '../errors/too-many-ids-error.ts';
import { ValueTooLargeError } from '../errors/value-too-large-error.ts';
import { builder } from './builder.ts';
import type { LensContext } from './context.ts';
import { toGraphQLError, withCodes } from './graphql-error.ts';
import { TaskRef } from './task/task.ts';
import { checkTaskId } from './task/task-ids.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Runs one control action for the caller: refused with CONTROL_DISABLED
 * unless --control true; every outcome, refusals included, is logged and
 * counted once.
 */
export async function act<T>(
  context: LensContext,
  action: string,
  ids: readonly string[],
  work: () => Promise<T>,
  target?: string,
): Promise<T> {
  const by = principalOf(context.config, context)?.id ?? 'unknown';
  const about = target === undefined ? {} : { target };
  try {
    if (!context.config.control) throw new ControlDisabledError();
    const result = await withCodes(work);
    context.control.onAction?.({ action, taskIds: ids, by, outcome: 'ok', ...about });
    return result;
  } catch (error) {
    const code =
      error instanceof LensError ? error.code : (error as { extensions?: { code?: unknown } }).extensions?.code;
    context.control.onAction?.({
      action,
      taskIds: ids,
      by,
      outcome: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR',
      ...about,
    });
    throw error instanceof LensError ? toGraphQLError(error) : error;
  }
}

export function checkSignal(signal: string): string {
  const name = signalName(signal);
  if (name === null)
    throw new InvalidArgumentError(
      'signal',
      `"${signal.slice(0, 40)}" is not a signal name Celery accepts (e.g. SIGTERM, SIGKILL, TERM)`,
    );
  return name;
}

/** What building a task call reads: the options and the stored values' limits. */
export type SendContext = Pick<LensContext, 'config' | 'backend'>;

function checkName(name: string, context: SendContext): string {
  if (name === '' || name.length > 200) throw new InvalidArgumentError('name', 'must be 1 to 200 characters');
  if (!context.config.sendAllow.some((pattern) => pattern.test(name))) throw new SendNotAllowedError(name);
  return name;
}

function checkQueue(queue: string | null | undefined, context: SendContext): string {
  const chosen = queue ?? context.config.queues[0] ?? 'celery';
  if (!context.config.queues.includes(chosen)) {
    throw new InvalidArgumentError(
      'queue',
      `"${chosen.slice(0, 80)}" is not one of --queues (${context.config.queues.join(', ')}): celery-lens sends only to the queues it knows`,
    );
  }
  return chosen;
}

interface SendArgs {
  readonly name: string;
  readonly args?: unknown;
  readonly kwargs?: unknown;
  readonly queue?: string | null;
  readonly countdown?: number | null;
  readonly eta?: Date | null;
  readonly expires?: Date | null;
  readonly priority?: number | null;
  readonly id?: string | number | null;
}

/** Why args or kwargs cannot be sent: deeper than Celery's workers decode, or larger than celery-lens shows; null when they can. */
function beyondLimits(
  value: unknown,
  context: SendContext,
): { reason: string; measure: 'bytes' | 'depth'; limit: number } | null {
  // Walked without recursion: a value thousands of levels deep is measured, not overflowed on.
  const excess = exceedsJsonLimits(value, {
    maxBytes: context.backend.valueLimits.maxValueBytes,
    maxDepth: MAX_ARGUMENT_DEPTH,
  });
  if (excess === null) return null;
  const reason =
    excess.measure === 'depth'
      ? `is nested deeper than ${excess.limit} levels (Celery's workers cannot decode much deeper messages)`
      : `is larger than ${excess.limit} bytes of JSON (--max-value-bytes)`;
  return { reason, ...excess };
}

function checkSendable(argument: 'args' | 'kwargs', value: unknown, context: SendContext): void {
  const beyond = beyondLimits(value, context);
  if (beyond) throw new InvalidArgumentError(argument, beyond.reason, { measure: beyond.measure, limit: beyond.limit });
}

/** The send_task call the arguments describe; a coded error, and nothing sent, when they are not one. */
function taskCall(input: SendArgs, context: SendContext): TaskCall {
  const args = input.args ?? [];
  const kwargs = input.kwargs ?? {};
  if (!Array.isArray(args)) throw new InvalidArgumentError('args', 'must be a JSON list (the positional arguments)');
  if (!isObject(kwargs)) throw new InvalidArgumentError('kwargs', 'must be a JSON object (the keyword arguments)');
  checkSendable('args', args, context);
  checkSendable('kwargs', kwargs, context);
  if (input.countdown != null && input.eta != null)
    throw new InvalidArgumentError('countdown', 'and eta cannot both be given');
  if (input.countdown != null && (input.countdown < 0 || input.countdown > 365 * 86_400)) {
    throw new InvalidArgumentError('countdown', 'must be 0 to 31536000 seconds');
  }
  if (input.priority != null && (input.priority < 0 || input.priority > 9))
    throw new InvalidArgumentError('priority', 'must be 0 to 9 (Redis priorities)');
  const eta = input.countdown != null ? new Date(Date.now() + input.countdown * 1000) : (input.eta ?? null);
  return {
    id: input.id == null ? randomUUID() : checkTaskId(input.id, context),
    name: checkName(input.name, context),
    args,
    kwargs,
    queue: checkQueue(input.queue, context),
    eta,
    expires: input.expires ?? null,
    priority: input.priority ?? null,
  };
}

/**
 * Refuses an id others already used (Celery's clients, or a send before the
 * reservation's time): one with a result, a tombstone, a timeline, or a
 * message in a queue. A second task under it would mix with the first.
 * celery-lens' own sends are refused atomically by the reservation
 * (TaskControl.send).
 */
async function checkUnused(id: string, context: LensContext): Promise<void> {
  const [[read], [history]] = await Promise.all([
    context.backend.readTasks([id], { ttl: 'none' }),
    context.history.readHistory([id]),
  ]);
  if (read instanceof MetaDecodeError || read?.meta) throw new TaskExistsError(id);
  // Keys celery-lens cannot read are still there: the id is taken.
  const seen =
    history instanceof LensError ||
    (history !== undefined && (history.tombstone !== null || history.timeline.length > 0));
  if (seen || (await context.queues.find([id]))[0] != null) throw new TaskExistsError(id);
}

/** Why a finished task's stored args or kwargs cannot be sent again, or null. */
function unsendable(field: 'args' | 'kwargs', value: unknown, context: SendContext): string | null {
  // A stored value past --max-value-bytes (or 1,000 levels) is read as its ValueTooLargeError.
  if (value instanceof ValueTooLargeError) return value.message;
  const beyond = beyondLimits(value, context);
  return beyond && `its stored ${field} ${beyond.reason}`;
}

/** What a finished task was called with, from its stored meta (result_extended); resendTask's and resendTasksMatching's. */
export async function storedCall(
  id: string,
  queue: string | null | undefined,
  context: SendContext,
): Promise<TaskCall> {
  const [read] = await context.backend.readTasks([id], { ttl: 'none' });
  if (read === undefined || read instanceof MetaDecodeError)
    throw new NotResendableError(id, 'its stored meta cannot be decoded');
  const meta = read.meta;
  if (!meta) throw new NotResendableError(id, 'it has no stored result (unknown, or expired)');
  if (!READY_STATES.has(meta.state))
    throw new NotResendableError(id, `it is ${meta.state}, not finished (SUCCESS, FAILURE or REVOKED)`);
  if (!meta.extended || meta.name === null) {
    throw new NotResendableError(
      id,
      'its meta holds no task name, args or kwargs: the worker needs result_extended = True',
    );
  }
  for (const field of ['args', 'kwargs'] as const) {
    const reason = unsendable(field, meta[field], context);
    if (reason !== null) throw new NotResendableError(id, reason);
  }
  return taskCall(
    { name: meta.name, args: meta.args ?? [], kwargs: meta.kwargs ?? {}, queue: queue ?? meta.queue },
    context,
  );
}

const revokeArgs = builder.args((t) => ({
  terminate: t.boolean({ defaultValue: false, required: true }),
  signal: t.string({ defaultValue: 'SIGTERM', required: true }),
}));

/** One broadcast revoking `ids` (1 to --max-ids, each checked before anything is sent). */
function revoke(
  context: LensContext,
  ids: readonly (string | number)[],
  terminate: boolean,
  signal: string,
): Promise<string[]> {
  return act(context, terminate ? 'terminate' : 'revoke', ids.map(String), async () => {
    if (ids.length > context.config.maxIds) throw new TooManyIdsError(ids.length, context.config.maxIds);
    if (ids.length === 0) throw new InvalidArgumentError('ids', 'must name at least one task');
    const tasks = ids.map((id) => checkTaskId(id, context));
    await context.control.revoke(tasks, terminate, checkSignal(signal));
    return tasks;
  });
}

builder.mutationFields((t) => ({
  revokeTask: t.field({
    type: TaskRef,
    authScopes: { control: true },
    description:
      'Revokes a task as `app.control.revoke(id, terminate=…, signal=…)` does: a broadcast every worker hears. A queued task is discarded when a worker receives it (REVOKED); with `terminate: true` a running one is killed (prefork pool). Workers started later do not know of it.',
    args: { id: t.arg.id({ required: true }), ...revokeArgs },
    resolve: async (_root, { id, terminate, signal }, context) =>
      (await revoke(context, [id], terminate, signal))[0] as string,
  }),
  revokeTasks: t.field({
    type: [TaskRef],
    authScopes: { control: true },
    description: 'Revokes many tasks in one broadcast (at most --max-ids).',
    args: { ids: t.arg.idList({ required: true }), ...revokeArgs },
    complexity: (args) => ({ field: 1, multiplier: Math.max(args.ids.length, 1) }),
    resolve: (_root, { ids, terminate, signal }, context) => revoke(context, ids, terminate, signal),
  }),
  sendTask: t.field({
    type: TaskRef,
    authScopes: { control: true },
    description:
      'Sends a task by name as `app.send_task` does (protocol 2, JSON), to a queue of --queues, plus its task-sent event. Only names matching --send-allow; args and kwargs at most 100 levels deep and --max-value-bytes each (INVALID_ARGUMENT). Answers the task (QUEUED).',
    args: {
      name: t.arg.string({ required: true }),
      args: t.arg({ type: 'JSON' }),
      kwargs: t.arg({ type: 'JSON' }),
      queue: t.arg.string(),
      countdown: t.arg.int({ description: 'Seconds from now before a worker may run it (not with eta).' }),
      eta: t.arg({ type: 'DateTime' }),
      expires: t.arg({ type: 'DateTime' }),
      priority: t.arg.int({ description: '0–9; on Redis, kombu puts 1–9 on the sub-queues of steps 3, 6, 9.' }),
      id: t.arg.id({
        description:
          'The new task id (a new uuid when not given). Sent at most once: TASK_EXISTS if celery-lens sent it already, or it has a result, a timeline or a queued message.',
      }),
    },
    resolve: (_root, input, context) =>
      act(context, 'send', input.id == null ? [] : [String(input.id)], async () => {
        const call = taskCall(input, context);
        if (input.id != null) await checkUnused(call.id, context);
        await context.control.send(call);
        return call.id;
      }),
  }),
  resendTask: t.field({
    type: TaskRef,
    authScopes: { control: true },
    description:
      'Sends a finished task (SUCCESS, FAILURE, REVOKED) again under a new id with its stored name, args and kwargs (needs result_extended), to its queue or `queue`. Both tasks record the link (resentAs, resentFrom).',
    args: { id: t.arg.id({ required: true }), queue: t.arg.string() },
    resolve: (_root, { id, queue }, context) =>
      act(context, 'resend', [String(id)], async () => {
        const from = checkTaskId(id, context);
        const call = await storedCall(from, queue, context);
        await context.control.send(call);
        await context.control.linkResend(from, call.id);
        return call.id;
      }),
  }),
}));

builder.objectFields(TaskRef, (t) => ({
  resentAs: t.field({
    type: [TaskRef],
    // A task the caller may not read (a read token's grant) is null with its error, not the whole list.
    nullable: { list: false, items: true },
    description:
      'The tasks resendTask sent this one again as, oldest first (one the caller may not read: null, with its error).',
    resolve: (task, _args, context) => withCodes(() => context.control.resentAs(task.id)),
  }),
  resentFrom: t.field({
    type: TaskRef,
    nullable: true,
    description: 'The task this one is a re-send of (resendTask).',
    resolve: (task, _args, context) => withCodes(() => context.control.resentFrom(task.id)),
  }),
}));
