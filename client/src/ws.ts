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
  /** How long the socket stays open with no subscription, in ms. @default 0 */
  readonly idleMs?: number | undefined;
  readonly onConnection?: ((state: ConnectionState) => void) | undefined;
}

/**
 * The graphql-ws connection: `idle` is closed because nothing is watched
 * (or not opened yet); `closed` is lost while something is, and being
 * tried again.
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'closed';

/** `/graphql` or `https://…/graphql` as a ws(s):// URL (a relative one against the page's address). */
function socketUrl(url: string): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  const absolute = new URL(url, base);
  absolute.protocol = absolute.protocol.replace(/^http/, 'ws');
  return absolute.href;
}

export interface WsTransport extends Transport {
  /** True once a connection failed before the server ever acknowledged one. */
  readonly refused: boolean;
}

export function wsTransport(options: WsOptions): WsTransport {
  let acknowledged = false;
  let refused = false;
  const client: Client = createClient({
    url: () => socketUrl(options.url),
    webSocketImpl: options.webSocketImpl,
    lazy: true,
    lazyCloseTimeout: options.idleMs ?? 0,
    retryAttempts: 0,
    connectionParams: {
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      ...(options.token ? { token: options.token } : {}),
    },
    on: {
      connecting: () => options.onConnection?.('connecting'),
      connected: () => {
        acknowledged = true;
        options.onConnection?.('connected');
      },
      closed: (event) => {
        if (!acknowledged) refused = true;
        // 1000: graphql-ws closed it itself, the last subscription gone.
        options.onConnection?.((event as { code?: number }).code === 1000 ? 'idle' : 'closed');
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
