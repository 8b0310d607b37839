/**
 * A signal that aborts when the client of an operation goes away, for
 * queries that wait (awaitTask): a waiter whose client left must give its
 * watches back at once, not at its deadline. Subscriptions have their own
 * path (plugins/use-client-gone.ts); a query has none, so this reads what
 * each transport puts in the context:
 *
 * - Yoga's HTTP path: `request.signal`, aborted when the response closes;
 *   failing that, Node's `res`, which Yoga's Node adapter puts in the server context;
 * - graphql-ws (ws-server.ts): the WebSocket as `socket`.
 */
import type { ServerResponse } from 'node:http';

interface Sources {
  readonly request?: { readonly signal?: AbortSignal };
  readonly res?: ServerResponse;
  readonly socket?: {
    readonly readyState: number;
    once(event: 'close', listener: () => void): unknown;
    off(event: 'close', listener: () => void): unknown;
  };
}

const WS_OPEN = 1;

export interface ClientGone {
  /** Aborts when the client leaves; null when the transport tells nothing. */
  readonly signal: AbortSignal | null;
  /** Stops listening (the operation answered). */
  dispose(): void;
}

export function clientGone(context: object): ClientGone {
  const { request, res, socket } = context as Sources;
  if (request?.signal instanceof AbortSignal) return { signal: request.signal, dispose: () => {} };
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (res && typeof res.once === 'function') {
    if (res.destroyed) abort();
    else res.once('close', abort);
    return { signal: controller.signal, dispose: () => void res.off('close', abort) };
  }
  if (socket && typeof socket.once === 'function') {
    if (socket.readyState !== WS_OPEN) abort();
    else socket.once('close', abort);
    return { signal: controller.signal, dispose: () => void socket.off('close', abort) };
  }
  return { signal: null, dispose: () => {} };
}
