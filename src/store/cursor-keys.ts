/**
 * The keys page cursors (searchTasks, failures) are signed with: the same on
 * every replica and across restarts, so a cursor one process issued pages on
 * on any other. Each key has an id that travels in the cursor; the newest key
 * signs, and every key of the ring verifies, so a rotation does not break
 * the pages in flight.
 *
 * Two sources: --cursor-secret (configured, newest first), or a ring kept in
 * Redis (cursor-key-store.ts) when none is configured.
 */
import { createHmac } from 'node:crypto';

export interface CursorKey {
  /** Named in every cursor it signs; not secret. */
  readonly id: string;
  readonly secret: Buffer;
}

export interface CursorKeys {
  /** The key new cursors are signed with (the newest). */
  signing(): Promise<CursorKey>;
  /** The key with this id while it is accepted; null once it was rotated out (or never was one). */
  find(id: string): Promise<CursorKey | null>;
}

/**
 * A configured secret's key: derived, like read tokens' (auth/read-token.ts),
 * so that one secret given for two purposes never signs the same bytes twice.
 * Its id is derived too: one secret has one id on every replica.
 */
function configuredKey(secret: string): CursorKey {
  const derive = (purpose: string) => createHmac('sha256', secret).update(`celery-lens ${purpose}`).digest();
  return { id: derive('cursor key id').toString('hex').slice(0, 8), secret: derive('page cursor key') };
}

/** --cursor-secret: the first signs, each of them verifies. */
export class ConfiguredCursorKeys implements CursorKeys {
  readonly #keys: readonly CursorKey[];

  constructor(secrets: readonly [string, ...string[]]) {
    this.#keys = secrets.map(configuredKey);
  }

  signing(): Promise<CursorKey> {
    return Promise.resolve(this.#keys[0] as CursorKey);
  }

  find(id: string): Promise<CursorKey | null> {
    return Promise.resolve(this.#keys.find((key) => key.id === id) ?? null);
  }
}
