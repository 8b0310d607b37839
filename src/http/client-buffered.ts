/**
 * Bytes the client's connection holds that the client has not taken yet: a
 * WebSocket's bufferedAmount (ws-server.ts puts the socket in the context),
 * an HTTP response's writableLength (SSE). A slow subscriber's queue counts
 * them with its own bytes (--max-queued-bytes).
 */
interface Transport {
  readonly socket?: { readonly bufferedAmount?: unknown };
  readonly res?: { readonly writableLength?: unknown };
}

export function clientBuffered(context: object): () => number {
  const { socket, res } = context as Transport;
  if (socket && typeof socket.bufferedAmount === 'number') return () => socket.bufferedAmount as number;
  if (res && typeof res.writableLength === 'number') return () => res.writableLength as number;
  return () => 0;
}
