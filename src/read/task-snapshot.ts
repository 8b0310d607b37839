import type { TaskMeta } from '../celery/meta.ts';

/** What one read of a task key saw: the decoded meta (or none) and its TTL. */
export interface TaskSnapshot {
  readonly id: string;
  /** null when there is no key: Celery's ambiguous PENDING. */
  readonly meta: TaskMeta | null;
  /**
   * Milliseconds left before Redis expires the key; null when it never expires, is absent, or was not read (TtlRead 'none').
   * Undefined for a value that came without a read (a published update, a replayed state): Task's TTL fields ask
   * Redis when an operation selects them (schema/live-ttl.ts).
   */
  readonly ttlMs: number | null | undefined;
  /** When the read was made, to turn the TTL into an instant. */
  readonly readAt: Date;
}

/** What a PTTL said about a key, and when it was asked. */
export interface TtlReading {
  readonly ttlMs: number | null;
  readonly readAt: Date;
}

export function expiresAt(reading: TtlReading): Date | null {
  return reading.ttlMs === null ? null : new Date(reading.readAt.getTime() + reading.ttlMs);
}
