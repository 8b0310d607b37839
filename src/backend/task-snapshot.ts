import type { TaskMeta } from '../celery/meta.ts';

/** What one read of a task key saw: the decoded meta (or none) and its TTL. */
export interface TaskSnapshot {
  readonly id: string;
  /** null when there is no key: Celery's ambiguous PENDING. */
  readonly meta: TaskMeta | null;
  /** Milliseconds left before Redis expires the key; null when it never expires, is absent, or was not read (TtlRead 'none'). */
  readonly ttlMs: number | null;
  /** When the read was made, to turn the TTL into an instant. */
  readonly readAt: Date;
}

export function expiresAt(snapshot: TaskSnapshot): Date | null {
  return snapshot.ttlMs === null ? null : new Date(snapshot.readAt.getTime() + snapshot.ttlMs);
}
