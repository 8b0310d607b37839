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

const none = () => 0;
/** One reader per socket or response, however many subscriptions it carries (100 per WebSocket: one closure). */
const readers = new WeakMap<object, () => number>();

export function clientBuffered(context: object): () => number {
  const { socket, res } = context as Transport;
  const held = socket && typeof socket.bufferedAmount === 'number' ? socket : null;
  const response = !held && res && typeof res.writableLength === 'number' ? res : null;
  const owner = held ?? response;
  if (!owner) return none;
  let reader = readers.get(owner);
  if (!reader) {
    reader = held
      ? () => held.bufferedAmount as number
      : () => (response as Required<Transport>['res']).writableLength as number;
    readers.set(owner, reader);
  }
  return reader;
}
