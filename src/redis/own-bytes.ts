/**
 * ioredis hands out replies and pub/sub messages as views into what it read:
 * a socket chunk, or the pool of several MB its parser assembles large
 * replies in. A view kept past the turn it arrived in keeps that whole
 * buffer alive (64 queued 50 KB updates held 256 MB of them): what is kept
 * is copied, unless it already is most of its buffer.
 */
export function ownBytes(view: Buffer): Buffer {
  return view.byteLength * 2 >= view.buffer.byteLength ? view : Buffer.from(view);
}
