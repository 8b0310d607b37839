/**
 * BulkAction: a revoke or re-send of every task a filter matches, run in the
 * background in batches (src/bulk/). Its queries, its progress subscription
 * and cancelBulkAction; the mutations that start one are in bulk-mutations.ts.
 * All need the `control` scope.
 */
import { BulkActionNotFoundError } from '../../errors/bulk-errors.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { type BulkAction, BulkKinds, BulkStates } from '../../store/bulk-types.ts';
import type { IndexFilter } from '../../store/index/index-types.ts';
import { builder } from '../builder.ts';
import type { LensContext } from '../context.ts';
import { act } from '../control.ts';
import { signal } from '../goal.ts';
import { toGraphQLError, withCodes } from '../graphql-error.ts';
import { PageInfoRef } from '../search.ts';
import { stoppable } from '../stoppable.ts';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Most actions one bulkActions page holds. */
const MAX_PAGE = 100;

const BulkKindEnum = builder.enumType('BulkActionKind', {
  description: 'REVOKE: revokeTasksMatching; RESEND: resendTasksMatching.',
  values: BulkKinds,
});

const BulkStateEnum = builder.enumType('BulkActionState', {
  description:
    'RUNNING until every match was acted on (DONE), cancelBulkAction (CANCELLED), or the broker or Redis failed 5 times in a row (FAILED, see `error`).',
  values: BulkStates,
});

/** The filter as a TaskFilter would be written (times as ISO strings). */
function filterJson(filter: IndexFilter): Record<string, unknown> {
  const time = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
  return {
    status: filter.statuses ?? null,
    name: filter.name ?? null,
    namePrefix: filter.namePrefix ?? null,
    worker: filter.worker ?? null,
    queue: filter.queue ?? null,
    since: time(filter.since),
    until: time(filter.until),
    rootId: filter.rootId ?? null,
    kwargs: filter.kwargs && filter.kwargs.length > 0 ? filter.kwargs : null,
  };
}

export const BulkActionRef = builder.objectRef<BulkAction>('BulkAction').implement({
  description:
    'A revoke or re-send of every task a TaskFilter matched when it started (tasks whose latest state is later are left out), ' +
    'run in the background in batches of --bulk-batch; each task is acted on at most once, and a process that stops or dies ' +
    'mid-way leaves it to another (or to itself restarted) after --bulk-lease-seconds. Kept a week after it ends.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: BulkKindEnum, resolve: (action) => action.kind }),
    filter: t.field({
      type: 'JSON',
      description: 'The TaskFilter it was given.',
      resolve: (a) => filterJson(a.filter),
    }),
    matched: t.exposeInt('matched', {
      description:
        'Tasks the filter matched when it started (at most `max`; counted exactly up to 100,000 for a rootId or kwargs filter); ' +
        'once DONE, the tasks it found (those that left the filter meanwhile not counted).',
    }),
    done: t.exposeInt('done', { description: 'Tasks revoked (in a broadcast) or re-sent so far.' }),
    failed: t.exposeInt('failed', {
      description:
        'Tasks it could not act on: a re-send of a task with no stored call, or a name outside --send-allow.',
    }),
    state: t.field({ type: BulkStateEnum, resolve: (action) => action.state }),
    dryRun: t.exposeBoolean('dryRun', { description: 'Only counted: DONE at once, nothing acted on.' }),
    terminate: t.boolean({ resolve: (action) => action.options.terminate }),
    signal: t.string({ nullable: true, resolve: (a) => (a.kind === 'REVOKE' ? a.options.signal : null) }),
    queue: t.string({ nullable: true, resolve: (action) => action.options.queue }),
    max: t.int({ nullable: true, resolve: (action) => action.options.max }),
    startedBy: t.string({ description: 'Who started it (API key name, JWT subject).', resolve: (a) => a.by }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    error: t.exposeString('error', { nullable: true, description: 'Why it FAILED.' }),
  }),
});

interface BulkEdgeShape {
  readonly node: BulkAction;
}
const BulkEdgeRef = builder.objectRef<BulkEdgeShape>('BulkActionEdge').implement({
  fields: (t) => ({
    cursor: t.string({ resolve: (edge) => edge.node.id }),
    node: t.field({ type: BulkActionRef, resolve: (edge) => edge.node }),
  }),
});
const BulkConnectionRef = builder
  .objectRef<{ edges: BulkEdgeShape[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>(
    'BulkActionConnection',
  )
  .implement({
    description: 'Bulk actions, newest first.',
    fields: (t) => ({
      edges: t.field({ type: [BulkEdgeRef], resolve: (page) => page.edges }),
      pageInfo: t.field({ type: PageInfoRef, resolve: (page) => page.pageInfo }),
    }),
  });

/** A bulk action id; INVALID_ARGUMENT when it cannot be one. */
export function checkBulkId(raw: string | number): string {
  const id = String(raw);
  if (!ID.test(id)) throw toGraphQLError(new InvalidArgumentError('id', 'is not a bulk action id (a uuid)'));
  return id;
}

builder.queryFields((t) => ({
  bulkAction: t.field({
    type: BulkActionRef,
    nullable: true,
    authScopes: { control: true },
    description: 'A bulk action by id; null when there is none (or it ended more than a week ago).',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => withCodes(() => context.bulkStore.read(checkBulkId(id))),
  }),
  bulkActions: t.field({
    type: BulkConnectionRef,
    authScopes: { control: true },
    description: `Bulk actions of the last week, newest first; at most ${MAX_PAGE} a page.`,
    args: { first: t.arg.int({ defaultValue: 20 }), after: t.arg.string() },
    resolve: async (_root, { first, after }, context) => {
      const size = first ?? 20;
      if (size < 0 || size > MAX_PAGE)
        throw toGraphQLError(new InvalidArgumentError('first', `must be from 0 to ${MAX_PAGE}, got ${size}`));
      const from = after == null ? null : checkBulkId(after);
      const { actions, hasNext } = await withCodes(() => context.bulkStore.list(size, from));
      return {
        edges: actions.map((node) => ({ node })),
        pageInfo: { hasNextPage: hasNext, endCursor: actions.at(-1)?.id ?? from },
      };
    },
  }),
}));

builder.mutationField('cancelBulkAction', (t) =>
  t.field({
    type: BulkActionRef,
    authScopes: { control: true },
    description:
      'Stops a RUNNING bulk action: no batch starts after this (the one being acted on completes). One that ended is answered as it is. BULK_ACTION_NOT_FOUND for an unknown id.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) =>
      act(context, 'bulk-cancel', [], async () => {
        const checked = checkBulkId(id);
        if ((await context.bulkStore.cancel(checked)) === 'missing') throw new BulkActionNotFoundError(checked);
        const action = await context.bulkStore.read(checked);
        if (!action) throw new BulkActionNotFoundError(checked);
        return action;
      }),
  }),
);

/** The action now, then after each change, until it ends (that state included). */
async function* bulkUpdates(id: string, context: LensContext, stopped: AbortSignal): AsyncGenerator<BulkAction | null> {
  const changed = signal();
  const stop = await withCodes(() => context.bulkStore.watch(id, changed.notify));
  context.shutdown.addEventListener('abort', changed.notify, { once: true });
  stopped.addEventListener('abort', changed.notify, { once: true });
  try {
    for (;;) {
      const action = await withCodes(() => context.bulkStore.read(id));
      yield action;
      if (action?.state !== 'RUNNING') return;
      await changed.wait();
      if (context.shutdown.aborted || stopped.aborted) return;
    }
  } finally {
    context.shutdown.removeEventListener('abort', changed.notify);
    stop();
  }
}

builder.subscriptionField('bulkAction', (t) =>
  t.field({
    type: BulkActionRef,
    nullable: true,
    authScopes: { control: true },
    description:
      'A bulk action now, then after every batch, until it ends (DONE, CANCELLED or FAILED: the last event). Null (and the end) when there is none.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, { id }, context) => {
      const checked = checkBulkId(id);
      return stoppable((stopped) => bulkUpdates(checked, context, stopped));
    },
    resolve: (action) => action,
  }),
);
