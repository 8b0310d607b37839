import type { GraphQLError } from 'graphql';
import { InvalidTaskIdError } from '../../errors/invalid-task-id-error.ts';
import { LensError } from '../../errors/lens-error.ts';
import type { LensContext } from '../context.ts';
import { toGraphQLError, withCodes } from '../graphql-error.ts';

/**
 * A DataLoader batch function over Celery ids: ids that fail the configured
 * pattern are answered INVALID_TASK_ID without touching Redis, the others are
 * read together by `read`; per-id LensErrors become client errors.
 */
export async function batchById<T>(
  ids: readonly string[],
  context: LensContext,
  read: (valid: readonly string[]) => Promise<readonly (T | LensError)[]>,
): Promise<(T | GraphQLError)[]> {
  const pattern = context.config.taskIdPattern;
  const valid = ids.filter((id) => pattern.test(id));
  const loaded = await withCodes(() => read(valid));
  const answer = (found: T | LensError) => (found instanceof LensError ? toGraphQLError(found) : found);
  // Every id valid (the usual case): the answers are in the order asked, no lookup needed.
  if (valid.length === ids.length) return loaded.map(answer);
  const byId = new Map(valid.map((id, index) => [id, loaded[index]]));
  return ids.map((id) => answer(byId.get(id) ?? new InvalidTaskIdError(id, pattern)));
}

/** An id argument that must match the pattern; throws INVALID_TASK_ID otherwise. */
export function checkTaskId(raw: string | number, context: Pick<LensContext, 'config'>): string {
  const id = String(raw);
  if (!context.config.taskIdPattern.test(id))
    throw toGraphQLError(new InvalidTaskIdError(id, context.config.taskIdPattern));
  return id;
}
