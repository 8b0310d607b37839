/**
 * `celery-lens index --backfill`: indexes the results Celery still holds,
 * for a first start on a busy deployment (or after celery-lens was down).
 *
 * It SCANs `celery-task-meta-*` with a bounded COUNT (Redis stays
 * responsive), reads each batch with one MGET and writes it with the
 * consumer's own script (idempotent: a task the consumer indexed from a later
 * state keeps it). The SCAN cursor is saved with each batch, so a run that
 * stops resumes where it stopped; a run that completes forgets it.
 */
import type { Redis } from 'ioredis';
import type { CeleryKeys } from '../../celery/keys.ts';
import { decodeTaskMeta } from '../../celery/meta.ts';
import { LensError } from '../../errors/lens-error.ts';
import { indexableId, updateFromMeta } from './index-updates.ts';
import { execAll, guarded, valueOf } from '../../redis/redis-replies.ts';
import { scanKeys } from '../../redis/key-scan.ts';
import type { TaskIndex } from './task-index.ts';
import type { IndexUpdate } from './index-types.ts';

export interface BackfillOptions {
  /** Keys SCAN looks at per call. @default 1000 */
  readonly count?: number;
  /** Start over instead of resuming a run that stopped. @default false */
  readonly restart?: boolean;
  readonly kwargKeys?: readonly string[];
  /** Told after each batch. */
  readonly progress?: (done: BackfillProgress) => void;
  /** Stops after the batch in progress (the cursor stays saved). */
  readonly signal?: AbortSignal;
  /** Where the index and the saved cursor are written (--store): the index' connection. @default the backend read */
  readonly store?: Redis;
}

export interface BackfillProgress {
  /** Result keys read, indexed, and skipped (not Celery's JSON meta, or gone between SCAN and MGET). */
  scanned: number;
  indexed: number;
  skipped: number;
  /** Whether the SCAN went round the whole keyspace. */
  complete: boolean;
  /** Whether it resumed a run that had stopped. */
  resumed: boolean;
}

export async function backfillIndex(
  redis: Redis,
  index: TaskIndex,
  celery: CeleryKeys,
  options: BackfillOptions = {},
): Promise<BackfillProgress> {
  const stateKey = `${index.prefix}backfill`;
  const store = options.store ?? redis;
  if (options.restart) await guarded(() => store.del(stateKey));
  const saved = await guarded(() => store.get(stateKey));
  const cursor = saved ?? '0';
  const progress: BackfillProgress = { scanned: 0, indexed: 0, skipped: 0, complete: false, resumed: saved !== null };
  for await (const { keys, next } of scanKeys(redis, celery.taskPattern, options.count ?? 1000, cursor)) {
    if (options.signal?.aborted) return progress;
    const values = keys.length === 0 ? [] : await guarded(() => redis.mgetBuffer(...keys));
    const updates: IndexUpdate[] = [];
    const now = Date.now();
    keys.forEach((key, position) => {
      const id = celery.taskIdOf(key);
      const value = values[position];
      progress.scanned += 1;
      if (id === null || !value || !indexableId(id)) {
        progress.skipped += 1;
        return;
      }
      try {
        updates.push(updateFromMeta(decodeTaskMeta(id, key, value), options.kwargKeys ?? [], now));
      } catch (error) {
        if (!(error instanceof LensError)) throw error;
        progress.skipped += 1; // pickle, garbage: nothing to index
      }
    });
    const pipeline = store.pipeline();
    index.addUpdates(pipeline, updates, now);
    // Saved with the batch it follows: a run stopped now re-reads at most this batch.
    if (next === '0') pipeline.del(stateKey);
    else pipeline.set(stateKey, next);
    const told = (await execAll(pipeline)).flatMap((reply) => {
      const value = valueOf(reply, stateKey);
      return Array.isArray(value) ? value.slice(2).map(String) : [];
    });
    // Roots taken from parents of other shards, corrected (task-index.ts).
    await index.reroot(told);
    progress.indexed += updates.length;
    progress.complete = next === '0';
    options.progress?.({ ...progress });
  }
  return progress;
}
