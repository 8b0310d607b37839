/**
 * The tests' GraphQL client: typed operations from codegen (test/gql/), sent
 * through yoga.fetch without opening a port.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type ExecutionResult, print } from 'graphql';
import type { App } from '../../src/app.ts';

export interface GraphQLErrorJson {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string; readonly [key: string]: unknown };
}

export type Result<T> = Omit<ExecutionResult<T>, 'errors'> & { errors?: GraphQLErrorJson[] };

export async function execute<TResult, TVariables>(
  app: Pick<App, 'yoga'>,
  document: TypedDocumentNode<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<Result<TResult>> {
  const response = await app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return (await response.json()) as Result<TResult>;
}
