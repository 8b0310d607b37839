/**
 * The TTL of a task value that came without a read: a published update
 * carries the value, not its key's TTL, and Celery's result_expires is not
 * the only writer of it (a custom expiry, a backend_cleanup, a hand-made
 * EXPIRE). So the TTL fields of such an update ask Redis (PTTL), as a query
 * does, and only when the operation selects them: one pipeline per tick of
 * updates, batched across tasks, cached until the next event
 * (forget-loaded.ts), so every subscriber of a cohort shares one PTTL.
 */
import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import type { TaskSnapshot, TtlReading } from '../read/task-snapshot.ts';
import type { LensContext } from './context.ts';
import { withCodes } from './graphql-error.ts';

const loadersOf = createContextCache(
  (context: LensContext) => new DataLoader<string, TtlReading>((ids) => withCodes(() => context.backend.readTtls(ids))),
);

/**
 * `use` of the task's TTL: as read with its value (at once: a query of 1,000
 * tasks waits on no promise), or asked now when the value came without one.
 */
export function withTtl<T>(task: TaskSnapshot, context: LensContext, use: (ttl: TtlReading) => T): T | Promise<T> {
  if (task.ttlMs !== undefined) return use({ ttlMs: task.ttlMs, readAt: task.readAt });
  return loadersOf(context).load(task.id).then(use);
}

/** Drops the TTLs read for this context's last event. */
export function forgetTtls(context: LensContext): void {
  loadersOf.delete(context);
}
