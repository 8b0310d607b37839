/**
 * The TaskFilter input shared by searchTasks and taskEvents, and its checks:
 * every bad value is a coded error before Redis is asked.
 */
import { GraphQLError } from 'graphql';
import { principalOf } from '../../auth/principal-of.ts';
import { kwargJson } from '../../store/index/index-updates.ts';
import type { IndexedTask } from '../../store/index/index-types.ts';
import type { IndexStorage } from '../../store/store.ts';
import type { IndexFilter } from '../../store/index/index-types.ts';
import type { TaskStatus } from '../../store/task-statuses.ts';
import { IndexDisabledError } from '../../errors/index-disabled-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { builder } from '../builder.ts';
import type { LensContext } from '../context.ts';
import { toGraphQLError } from '../graphql-error.ts';
import { checkTaskId } from './task-ids.ts';
import { TaskStatusEnum } from './task-history.ts';

export const TaskOrderEnum = builder.enumType('TaskOrder', {
  description: 'By the time of each task’s latest state.',
  values: ['NEWEST_FIRST', 'OLDEST_FIRST'] as const,
});

const KwargMatchInput = builder.inputType('KwargMatch', {
  description:
    'Exact match on an indexed kwargs key (see --index-kwargs); value compared as its JSON text, e.g. 42 or "acme" ' +
    '(a value that is not JSON is taken as a string: acme is "acme"). Needs the payload scope.',
  fields: (t) => ({
    key: t.string({ required: true }),
    value: t.string({ required: true }),
  }),
});

export const TaskFilterInput = builder.inputType('TaskFilter', {
  description:
    'Conditions a task must all meet (AND). Only tasks in the index: seen by a celery-lens consumer, or backfilled.',
  fields: (t) => ({
    status: t.field({
      type: [TaskStatusEnum],
      description:
        'Any of these statuses: the latest state celery-lens saw, kept after the result expires (EXPIRED and UNKNOWN never match).',
    }),
    name: t.string({ description: 'The task name, exactly.' }),
    namePrefix: t.string({ description: 'Task names that start with this, e.g. "proj.billing.".' }),
    worker: t.string({ description: 'The worker hostname that ran it, e.g. celery@host.' }),
    queue: t.string({ description: 'The queue (routing key) it was sent to.' }),
    since: t.field({ type: 'DateTime', description: 'On the time of the task’s latest state.' }),
    until: t.field({ type: 'DateTime' }),
    rootId: t.id({ description: 'Every task of one workflow (the root included).' }),
    kwargs: t.field({
      type: [KwargMatchInput],
      description: 'Exact kwargs values, of keys in --index-kwargs (payload scope).',
    }),
  }),
});

export type TaskFilterArg = typeof TaskFilterInput.$inferInput;

/** The index, or INDEX_DISABLED (--index false). */
export function requireIndex(context: LensContext, field: string): IndexStorage {
  if (!context.index) throw toGraphQLError(new IndexDisabledError(field));
  return context.index;
}

/** A time window's bounds in ms; INVALID_ARGUMENT when since is after until. */
export function checkWindow(
  since: Date | null | undefined,
  until: Date | null | undefined,
): { since: number | null; until: number | null } {
  const from = since ? since.getTime() : null;
  const to = until ? until.getTime() : null;
  if (from !== null && to !== null && from > to) {
    throw toGraphQLError(
      new InvalidArgumentError('since', `(${since?.toISOString()}) is after until (${until?.toISOString()})`),
    );
  }
  return { since: from, until: to };
}

/** A filter value that is not JSON is a string (acme → "acme"), JSON is canonical (1.0 → 1). */
function jsonText(value: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value) as unknown;
  } catch {
    parsed = value;
  }
  const json = kwargJson(parsed);
  if (json === null)
    throw toGraphQLError(
      new InvalidArgumentError('kwargs', 'value is longer than any indexed value (200 bytes of JSON)'),
    );
  return json;
}

function checkKwargs(matches: readonly { key: string; value: string }[], context: LensContext) {
  if (matches.length === 0) return [];
  if (!principalOf(context.config, context)?.scopes.has('payload')) {
    throw new GraphQLError('filtering on kwargs needs the payload scope: kwargs values are payload', {
      extensions: { code: 'FORBIDDEN' },
    });
  }
  const indexed = context.config.indexKwargs;
  return matches.map(({ key, value }) => {
    if (!indexed.includes(key)) {
      const list = indexed.length === 0 ? 'none is (the default)' : `indexed: ${indexed.join(', ')}`;
      throw toGraphQLError(
        new InvalidArgumentError(
          'kwargs',
          `key "${key.slice(0, 64)}" is not indexed; add it to --index-kwargs (${list})`,
        ),
      );
    }
    return { key, value: jsonText(value) };
  });
}

/** The filter as the index takes it; coded errors for what it cannot be. */
export function checkFilter(filter: TaskFilterArg | null | undefined, context: LensContext): IndexFilter {
  if (!filter) return {};
  const { since, until } = checkWindow(filter.since, filter.until);
  return {
    statuses: filter.status ? [...new Set(filter.status as TaskStatus[])] : null,
    name: filter.name ?? null,
    namePrefix: filter.namePrefix ?? null,
    worker: filter.worker ?? null,
    queue: filter.queue ?? null,
    since,
    until,
    rootId: filter.rootId === null || filter.rootId === undefined ? null : checkTaskId(filter.rootId, context),
    kwargs: checkKwargs(filter.kwargs ?? [], context),
  };
}

/** The same filter always writes the same text: what a cursor is signed over. */
export function canonicalFilter(filter: IndexFilter): string {
  return JSON.stringify([
    [...(filter.statuses ?? [])].sort(),
    filter.name ?? null,
    filter.namePrefix ?? null,
    filter.worker ?? null,
    filter.queue ?? null,
    filter.since ?? null,
    filter.until ?? null,
    filter.rootId ?? null,
    [...(filter.kwargs ?? [])].map(({ key, value }) => `${key}=${value}`).sort(),
  ]);
}

/** Whether a task as the index describes it meets the filter (taskEvents' server-side check). */
export function matches(filter: IndexFilter, task: IndexedTask): boolean {
  return (
    (!filter.statuses || filter.statuses.length === 0 || filter.statuses.includes(task.status)) &&
    (!filter.name || task.name === filter.name) &&
    (!filter.namePrefix || task.name.startsWith(filter.namePrefix)) &&
    (!filter.worker || task.worker === filter.worker) &&
    (!filter.queue || task.queue === filter.queue) &&
    (filter.since === null || filter.since === undefined || task.at >= filter.since) &&
    (filter.until === null || filter.until === undefined || task.at <= filter.until) &&
    (!filter.rootId || task.rootId === filter.rootId || task.id === filter.rootId) &&
    (filter.kwargs ?? []).every(({ key, value }) => task.kwargs[key] === value)
  );
}
