/**
 * Which Redis an error came from, when celery-lens' store is apart from the
 * result backend (--store): the store's connections mark the errors of their
 * commands, so that redis-replies.ts codes them STORE_UNAVAILABLE, not
 * BACKEND_UNAVAILABLE, and an operator looks at the right server. The stores
 * themselves stay unaware of where they live.
 */
const STORE = Symbol('celery-lens store error');

type Marked = Error & { [STORE]?: true };

/** Marks an error as the store's; returns it. */
export function markStoreError<E extends Error>(error: E): E {
  (error as Marked)[STORE] = true;
  return error;
}

/** Whether an error came from the store's connections. */
export function isStoreError(error: unknown): boolean {
  return error instanceof Error && (error as Marked)[STORE] === true;
}
