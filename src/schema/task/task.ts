import { expiresAt, type TaskSnapshot, type TtlReading } from '../../read/task-snapshot.ts';
import { CeleryStates, READY_STATES, isBuiltinState } from '../../celery/states.ts';
import { TooManyIdsError } from '../../errors/too-many-ids-error.ts';
import { ValueTooLargeError } from '../../errors/value-too-large-error.ts';
import { builder } from '../builder.ts';
import type { LensContext } from '../context.ts';
import { batchById } from './task-ids.ts';
import { storedInt, toGraphQLError } from '../graphql-error.ts';
import { MetaDecodeError } from '../../errors/meta-decode-error.ts';
import { withTtl } from '../live-ttl.ts';
import { TaskErrorRef } from './task-error.ts';
import { taskAllowed } from '../read-grant.ts';
import { TaskStateEnum } from './task-state.ts';

const rawState = (task: TaskSnapshot): string => task.meta?.state ?? CeleryStates.PENDING;

/** A stored value past the value limits answers its own field with VALUE_TOO_LARGE; state and the rest still resolve. */
function payload(value: unknown): unknown {
  if (value instanceof ValueTooLargeError) throw toGraphQLError(value);
  return value;
}

// Redis accepts TTLs of millions of years; GraphQL's Int and DateTime do not.
const ttlBeyond = (task: TaskSnapshot, ttl: TtlReading, context: LensContext) =>
  new MetaDecodeError(
    context.backend.keys.task(task.id),
    `its TTL of ${ttl.ttlMs} ms is beyond what ttlSeconds and expiresAt can show`,
  );

export const TaskRef = builder.loadableObject('Task', {
  description:
    'One Celery task, read from its `celery-task-meta-<id>` key. A task with no key is PENDING with `exists: false`.',
  // Ids that fail the pattern are answered without touching Redis; the rest are read in one round trip.
  load: (ids: string[], context: LensContext) =>
    batchById(ids, context, (valid) => context.backend.readTasks(valid, { ttl: context.ttlRead })),
  // Pothos' default cache key is the id; snapshots resolved directly are cached by theirs.
  cacheResolved: (task) => task.id,
  // A read token's holder reads only the tasks its grant covers, wherever they appear (read-grant.ts).
  authScopes: taskAllowed,
  runScopesOnType: true,
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The Celery task id.' }),
    exists: t.boolean({
      description: "Whether Celery's result key exists. False is Celery's ambiguous PENDING.",
      resolve: (task) => task.meta !== null,
    }),
    state: t.field({
      type: TaskStateEnum,
      description: 'Celery state as AsyncResult.state reports it; custom states are CUSTOM.',
      resolve: (task) => {
        const state = rawState(task);
        return isBuiltinState(state) ? state : 'CUSTOM';
      },
    }),
    rawState: t.string({
      description: 'The state string exactly as stored, e.g. "PROGRESS".',
      resolve: rawState,
    }),
    ready: t.boolean({
      description: 'SUCCESS, FAILURE or REVOKED: the task will not change any more.',
      resolve: (task) => READY_STATES.has(rawState(task)),
    }),
    successful: t.boolean({ resolve: (task) => rawState(task) === CeleryStates.SUCCESS }),
    failed: t.boolean({ resolve: (task) => rawState(task) === CeleryStates.FAILURE }),
    result: t.field({
      authScopes: { payload: true },
      type: 'JSON',
      nullable: true,
      description: 'The return value, once the task succeeded; null in every other state.',
      resolve: (task) => payload(task.meta?.state === CeleryStates.SUCCESS ? task.meta.result : null),
    }),
    meta: t.field({
      authScopes: { payload: true },
      type: 'JSON',
      nullable: true,
      description:
        'The meta of an in-between state: what update_state(meta=...) stored for a custom state such as PROGRESS, ' +
        '{pid, hostname} for STARTED. Null for SUCCESS and for exception states.',
      resolve: (task) =>
        payload(
          task.meta && task.meta.state !== CeleryStates.SUCCESS && !task.meta.exception ? task.meta.result : null,
        ),
    }),
    error: t.field({
      type: TaskErrorRef,
      nullable: true,
      description: 'The exception of a FAILURE, RETRY or REVOKED task.',
      resolve: (task) =>
        task.meta?.exception ? { exception: task.meta.exception, traceback: task.meta.traceback } : null,
    }),
    args: t.field({
      authScopes: { payload: true },
      type: 'JSON',
      nullable: true,
      description: 'Positional arguments (needs result_extended=True).',
      resolve: (task) => payload(task.meta?.args ?? null),
    }),
    kwargs: t.field({
      authScopes: { payload: true },
      type: 'JSON',
      nullable: true,
      description: 'Keyword arguments (needs result_extended=True).',
      resolve: (task) => payload(task.meta?.kwargs ?? null),
    }),
    worker: t.string({
      nullable: true,
      description: 'Hostname of the worker that stored the state (needs result_extended=True).',
      resolve: (task) => task.meta?.worker ?? null,
    }),
    queue: t.string({
      nullable: true,
      description: 'Routing key the task was delivered with (needs result_extended=True).',
      resolve: (task) => task.meta?.queue ?? null,
    }),
    retries: t.int({
      nullable: true,
      description: 'How many times the task was retried (needs result_extended=True).',
      resolve: (task, _args, context) =>
        storedInt(
          task.meta?.retries ?? null,
          () =>
            new MetaDecodeError(
              context.backend.keys.task(task.id),
              `"retries" is ${task.meta?.retries}, beyond a GraphQL Int`,
            ),
        ),
    }),
    dateDone: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the task reached a ready state (UTC, millisecond precision).',
      resolve: (task) => task.meta?.dateDone ?? null,
    }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        "When Redis will drop the result (Celery's result_expires); null when it never expires or is absent.",
      resolve: (task, _args, context) =>
        withTtl(task, context, (ttl) => {
          const at = expiresAt(ttl);
          if (at && Number.isNaN(at.getTime())) throw toGraphQLError(ttlBeyond(task, ttl, context));
          return at;
        }),
    }),
    ttlSeconds: t.int({
      nullable: true,
      description: 'Seconds left before the result expires, rounded as Redis TTL rounds.',
      resolve: (task, _args, context) =>
        withTtl(task, context, (ttl) =>
          storedInt(ttl.ttlMs === null ? null : Math.round(ttl.ttlMs / 1000), () => ttlBeyond(task, ttl, context)),
        ),
    }),
    parentId: t.id({
      nullable: true,
      description: 'The task that sent this one (chain link or spawning task). A retry is not its own parent.',
      resolve: (task) => task.meta?.parentId ?? null,
    }),
    groupId: t.id({
      nullable: true,
      description: 'The group (or chord header) this task belongs to.',
      resolve: (task) => task.meta?.groupId ?? null,
    }),
  }),
});

builder.queryFields((t) => ({
  task: t.field({
    type: TaskRef,
    nullable: true,
    description: 'One task by id. A valid id with no result key answers `state: PENDING, exists: false`.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }) => String(id),
  }),
  tasks: t.field({
    type: [TaskRef],
    nullable: { list: false, items: true },
    description:
      'Many tasks in one Redis round trip, in the order asked. An id that fails gets null and an error at its index.',
    args: { ids: t.arg.idList({ required: true }) },
    complexity: (args) => ({ field: 1, multiplier: Math.max(args.ids.length, 1) }),
    resolve: (_root, { ids }, context) => {
      if (ids.length > context.config.maxIds) {
        throw toGraphQLError(new TooManyIdsError(ids.length, context.config.maxIds));
      }
      return ids.map(String);
    },
  }),
}));
