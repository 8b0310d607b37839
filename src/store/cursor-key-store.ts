/**
 * Cursor keys kept in Redis when --cursor-secret is not configured: one
 * STRING under celery-lens' prefix, `{"v":1,"keys":[[id, secret, since], …]}`,
 * the newest (signing) key first, then those it replaced; `since` is when a
 * key began to sign (ms).
 *
 * The first process to need it creates it (SET NX, in the same pipeline as
 * the GET that reads it back, so every replica reads the one that won). Each
 * process reads it at start, again every REFRESH_MS (a rotation reaches
 * every replica within that), and again when a cursor names a key it does
 * not know (a replica that saw the rotation first), at most every RETRY_MS.
 * A re-read writes back the keys the process holds if the value is gone
 * (evicted, flushed): the pages in flight go on.
 *
 * `celery-lens cursor-key --rotate` (rotateStoredCursorKey) puts a new key
 * in front and keeps the one it replaces. An older key is dropped once it
 * was replaced more than GRACE_MS ago: until then a process that has not
 * read the ring since may still sign with it, so two rotations in a row
 * break no page either.
 */
import { randomBytes } from 'node:crypto';
import type { StoreRedis } from '../redis/store-redis.ts';
import { LensDataError } from '../errors/lens-data-error.ts';
import type { CursorKey, CursorKeys } from './cursor-keys.ts';
import { luaScript, runScript } from '../redis/lua-scripts.ts';
import { execAll, guarded, valueOf } from '../redis/redis-replies.ts';

/** How long a process signs with the keys it read before it reads them again, in ms. */
export const REFRESH_MS = 60_000;
/** Least time between two reads for a key id the process does not know, in ms: made-up ids cannot flood Redis. */
const RETRY_MS = 1_000;
/** How long a replaced key still verifies after the rotation that follows it, in ms: every process has read the ring since. */
export const GRACE_MS = 2 * REFRESH_MS;
/** Most keys the ring holds, however often it is rotated. */
const MAX_KEYS = 8;
const ID = /^[0-9a-f]{8}$/;

interface StoredKey extends CursorKey {
  /** When it began to sign, ms. */
  readonly since: number;
}

function newCursorKey(since: number): StoredKey {
  return { id: randomBytes(4).toString('hex'), secret: randomBytes(32), since };
}

const encode = (keys: readonly StoredKey[]) =>
  JSON.stringify({ v: 1, keys: keys.map((key) => [key.id, key.secret.toString('base64url'), key.since]) });

/** The ring as stored; LensDataError for a value celery-lens did not write. */
function decode(value: unknown, key: string): StoredKey[] {
  let parsed: unknown = null;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : null;
  } catch {
    // Reported below.
  }
  const { v, keys } = (parsed ?? {}) as { v?: unknown; keys?: unknown };
  const pairs = Array.isArray(keys) ? (keys as unknown[]) : [];
  const ring = pairs.flatMap((pair) => {
    const [id, secret, since] = Array.isArray(pair) ? (pair as unknown[]) : [];
    return typeof id === 'string' && ID.test(id) && typeof secret === 'string' && typeof since === 'number'
      ? [{ id, secret: Buffer.from(secret, 'base64url'), since }]
      : [];
  });
  if (v !== 1 || ring.length === 0 || ring.length !== pairs.length || ring.some((k) => k.secret.length < 32)) {
    throw new LensDataError(
      key,
      'the cursor keys are not what celery-lens writes (rotate them: celery-lens cursor-key --rotate)',
    );
  }
  return ring;
}

export class StoredCursorKeys implements CursorKeys {
  /** The keys last read, newest first; written back if the value is gone. */
  #known: readonly StoredKey[] | null = null;
  #readAt = -Infinity;
  /** The read in flight, shared by the pages that need it meanwhile. */
  #reading: Promise<readonly StoredKey[]> | null = null;

  constructor(
    readonly redis: StoreRedis,
    /** lensKeys().cursorKeys(). */
    readonly key: string,
  ) {}

  async signing(): Promise<CursorKey> {
    return (await this.#current())[0] as CursorKey;
  }

  async find(id: string): Promise<CursorKey | null> {
    const found = (await this.#current()).find((key) => key.id === id);
    if (found || Date.now() - this.#readAt < RETRY_MS) return found ?? null;
    return (await this.#read()).find((key) => key.id === id) ?? null;
  }

  #current(): Promise<readonly CursorKey[]> {
    if (this.#known && Date.now() - this.#readAt < REFRESH_MS) return Promise.resolve(this.#known);
    return this.#read();
  }

  /** Reads the ring, creating it (or writing back the one known) when Redis holds none. A failure is BACKEND_UNAVAILABLE and not kept. */
  #read(): Promise<readonly StoredKey[]> {
    this.#reading ??= (async () => {
      try {
        const value = encode(this.#known ?? [newCursorKey(Date.now())]);
        const replies = await execAll(this.redis.pipeline().set(this.key, value, 'NX').get(this.key));
        this.#known = decode(valueOf(replies[1], this.key), this.key);
        this.#readAt = Date.now();
        return this.#known;
      } finally {
        this.#reading = null;
      }
    })();
    return this.#reading;
  }
}

/** Puts a new key in front of the stored ring and drops the expired ones, in one step (KEYS and ARGV: the file). */
const ROTATE = luaScript('lensRotateCursorKeys', new URL('./lua/rotate-cursor-keys.lua', import.meta.url));

/** Rotates the stored ring: a new key signs from now on (on each replica within REFRESH_MS); the ids of the keys that still verify. */
export async function rotateStoredCursorKey(
  redis: StoreRedis,
  key: string,
  now = Date.now(),
): Promise<{ signing: string; verifying: string[] }> {
  const fresh = newCursorKey(now);
  const value = await guarded(() =>
    runScript<string>(redis, ROTATE, [key], [fresh.id, fresh.secret.toString('base64url'), now, GRACE_MS, MAX_KEYS]),
  );
  const ring = decode(value, key);
  return { signing: fresh.id, verifying: ring.map((stored) => stored.id) };
}
