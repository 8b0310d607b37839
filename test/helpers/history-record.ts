/** A task's history record as celery-lens keeps it (src/store/history-record.ts), for tests to wait on. */
import type { Redis } from 'ioredis';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { type HistoryRecord, decodeHistoryRecord } from '../../src/store/history-record.ts';

/** The record under the default prefix, decoded; null when there is none. */
export async function historyRecordOf(redis: Redis, id: string): Promise<HistoryRecord | null> {
  const text = await redis.get(lensKeys().history(id));
  return text === null ? null : decodeHistoryRecord(id, text);
}
