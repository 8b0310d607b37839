/**
 * Lists of tasks inside an answer (Task.children, Group.tasks) can be as long
 * as a fan-out: 100,000 children. One answer lists at most --max-ids of them,
 * like tasks(ids); a longer list is TOO_MANY_IDS unless the client pages it.
 */
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { TooManyIdsError } from '../../errors/too-many-ids-error.ts';
import type { LensContext } from '../context.ts';
import { toGraphQLError } from '../graphql-error.ts';

export interface PageArgs {
  readonly offset?: number | null;
  readonly limit?: number | null;
}

/** A page's start, and its limit when one was asked; a coded error for a negative one or a limit over --max-ids. */
function checkPage({ offset, limit }: PageArgs, max: number): { from: number; limit: number | null | undefined } {
  const from = offset ?? 0;
  if (from < 0) throw toGraphQLError(new InvalidArgumentError('offset', `must be 0 or more, got ${from}`));
  if (limit !== null && limit !== undefined) {
    if (limit < 0) throw toGraphQLError(new InvalidArgumentError('limit', `must be 0 or more, got ${limit}`));
    if (limit > max) throw toGraphQLError(new TooManyIdsError(limit, max));
  }
  return { from, limit };
}

/**
 * The ids of one page, duplicates dropped, reading `ids` no further than the
 * page needs (the list may be a fan-out). Throws a coded error for a bad page,
 * or for a list longer than --max-ids asked for without `limit`.
 */
export function pageOfIds(ids: Iterable<string>, args: PageArgs, context: LensContext, what: string): string[] {
  const max = context.config.maxIds;
  const { from, limit } = checkPage(args, max);
  // Without a limit, one id past the most an answer may list tells the list is too long.
  const end = from + (limit ?? max + 1);
  const unique = new Set<string>();
  for (const id of ids) {
    if (unique.size >= end) break;
    unique.add(id);
  }
  const page = [...unique].slice(from, end);
  if ((limit === null || limit === undefined) && page.length > max) {
    throw toGraphQLError(new TooManyIdsError(null, max, `${what} has more than ${max} tasks`));
  }
  return page;
}

/**
 * One page of a list kept as it is (a goal's attempts may name a task twice),
 * with pageOfIds' rules: a coded error for a bad page, or for a list longer
 * than --max-ids asked for without `limit`.
 */
export function pageOfList(ids: readonly string[], args: PageArgs, context: LensContext, what: string): string[] {
  const max = context.config.maxIds;
  const { from, limit } = checkPage(args, max);
  if (limit !== null && limit !== undefined) return ids.slice(from, from + limit);
  if (ids.length - from > max)
    throw toGraphQLError(new TooManyIdsError(null, max, `${what} has more than ${max} tasks`));
  return ids.slice(from);
}

/** The arguments every paged task list takes, for `t.arg`. */
export const pageArgDescriptions = {
  offset: 'Tasks to skip (0 by default).',
  limit: 'Most tasks to answer, at most --max-ids. Without it a list longer than --max-ids is TOO_MANY_IDS.',
} as const;
