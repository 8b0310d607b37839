/**
 * SCAN over the keys matching a pattern, a bounded batch at a time (COUNT:
 * Redis stays responsive between calls), shared by `celery-lens index
 * --backfill` (store/index/index-backfill.ts) and the index' heal after a
 * pub/sub loss (intake/index-heal.ts).
 */
import type { Redis } from 'ioredis';
import { guarded } from './redis-replies.ts';

export interface ScanBatch {
  readonly keys: readonly string[];
  /** The cursor after this batch: '0' once the keyspace was gone round. */
  readonly next: string;
}

/** Batches of keys matching `pattern` from `cursor` on, until SCAN says '0' or the caller stops iterating. */
export async function* scanKeys(redis: Redis, pattern: string, count: number, cursor = '0'): AsyncGenerator<ScanBatch> {
  let at = cursor;
  do {
    const [next, keys] = await guarded(() => redis.scan(at, 'MATCH', pattern, 'COUNT', count));
    yield { keys, next };
    at = next;
  } while (at !== '0');
}
