/** A real graphql-ws client for transport tests, typed by codegen documents. */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import type { GraphQLErrorJson } from './graphql.ts';

export interface Subscription<T> {
  /** Every `data` received, in order. */
  readonly events: T[];
  readonly errors: GraphQLErrorJson[];
  /** Resolves when the server completes the subscription; rejects on a transport error. */
  readonly done: Promise<void>;
  /** Resolves once `count` events have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  stop(): void;
}

export function wsClient(httpUrl: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    ...(connectionParams ? { connectionParams } : {}),
  });
}

/**
 * For a test file: a function that opens a graphql-ws client to the app at
 * `url()`; every client opened during a test is disposed after it.
 */
export function useWsClients(url: () => string): () => Client {
  const open: Client[] = [];
  afterEach(async () => {
    for (const client of open.splice(0).reverse()) await client.dispose();
  });
  return () => {
    const client = wsClient(url());
    open.push(client);
    return client;
  };
}

export function subscribe<TResult, TVariables extends Record<string, unknown>>(
  client: Client,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Subscription<TResult> {
  const events: TResult[] = [];
  const errors: GraphQLErrorJson[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let stop = () => {};
  const done = new Promise<void>((resolve, reject) => {
    stop = client.subscribe<TResult>(
      { query: print(document), variables },
      {
        next: (result) => {
          if (result.data) events.push(result.data);
          if (result.errors) errors.push(...(result.errors as GraphQLErrorJson[]));
          for (const waiter of waiters) if (events.length >= waiter.count) waiter.resolve();
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: resolve,
      },
    );
  });
  done.catch(() => {});
  return {
    events,
    errors,
    done,
    waitFor: (count, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (events.length >= count) return resolve();
        const timer = setTimeout(() => reject(new Error(`got ${events.length} of ${count} events`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      }),
    stop: () => stop(),
  };
}
