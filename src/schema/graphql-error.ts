import { createGraphQLError } from 'graphql-yoga';
import { LensError } from '../errors/lens-error.ts';
import type { GraphQLError } from 'graphql';

/**
 * Our errors are plain LensErrors so that src/celery and the readers stay free
 * of GraphQL. Resolvers hand them to the client through this: a GraphQLError
 * passes Yoga's masking untouched (and unlogged, being the client's fault or
 * an expected outage) with the code in `extensions.code`. Anything else a
 * resolver throws stays masked as INTERNAL_SERVER_ERROR and is logged.
 */
export function toGraphQLError(error: LensError): GraphQLError {
  return createGraphQLError(error.message, { extensions: { code: error.code, ...error.details } });
}

/** Runs `work`, turning a thrown LensError into its client error. */
export async function withCodes<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof LensError ? toGraphQLError(error) : error;
  }
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/**
 * A stored number that a GraphQL Int field returns. Outside Int's 32 bits
 * graphql-js would fail the field with an uncoded error; this makes it the
 * field's coded error (`error()`), and the rest of the answer still resolves.
 */
export function storedInt(value: number | null, error: () => LensError): number | null {
  if (value === null || (Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX)) return value;
  throw toGraphQLError(error());
}
