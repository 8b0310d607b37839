/**
 * Subscriptions over one graphql-ws connection, opened when the first
 * subscription starts. Retries are the client's (resumable.ts), which
 * resubscribes from its last cursor: graphql-ws' own would resubscribe from
 * the start. `refused` says the server never accepted a connection (an
 * upgrade refused, no WebSocket at all): the client then falls back to SSE.
 */
import { type Client, createClient } from 'graphql-ws';
import type { Request, Sink, Transport, WireResult } from './transport.ts';

export interface WsOptions {
  readonly url: string;
  readonly apiKey?: string | undefined;
  readonly token?: string | undefined;
  readonly webSocketImpl: unknown;
}

export interface WsTransport extends Transport {
  /** True once a connection failed before the server ever acknowledged one. */
  readonly refused: boolean;
}

export function wsTransport(options: WsOptions): WsTransport {
  let acknowledged = false;
  let refused = false;
  const client: Client = createClient({
    url: options.url.replace(/^http/, 'ws'),
    webSocketImpl: options.webSocketImpl,
    lazy: true,
    lazyCloseTimeout: 0,
    retryAttempts: 0,
    connectionParams: {
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      ...(options.token ? { token: options.token } : {}),
    },
    on: {
      connected: () => {
        acknowledged = true;
      },
      closed: () => {
        if (!acknowledged) refused = true;
      },
      error: () => {
        if (!acknowledged) refused = true;
      },
    },
  });
  return {
    name: 'ws',
    get refused() {
      return refused;
    },
    subscribe(request: Request, sink: Sink) {
      let active = true;
      const stop = client.subscribe<Record<string, unknown>, WireResult['extensions']>(request, {
        next: (result) => {
          if (active) sink.next(result as WireResult);
        },
        error: (error) => {
          if (!active) return;
          active = false;
          // A GraphQL error list is the server refusing the operation, not the connection failing.
          if (Array.isArray(error)) sink.next({ errors: error as WireResult['errors'] });
          else sink.fail(error);
        },
        complete: () => {
          if (!active) return;
          active = false;
          sink.complete();
        },
      });
      return () => {
        active = false;
        stop();
      };
    },
    close: () => client.dispose() as Promise<void>,
  };
}
