/**
 * The rollups' part of the history store's write of an event batch: per
 * counted event, the HMGET of its task's history (its name, queue, send and
 * receipt, which the event itself may not carry) queued after the event's
 * own writes, and, once the pipeline ran, an update for each event whose
 * timeline ZADD added it. Replicas receive the same events and write the
 * same timeline entry: only the first adds it, so each event counts once.
 */
import type { ChainableCommander } from 'ioredis';
import type { TaskEvent } from '../../celery/events.ts';
import type { Reply } from '../../redis/redis-replies.ts';
import { type HistoryFields, type StatsUpdate, isCounted, statsUpdateOf } from './stats-updates.ts';

const FIELDS = ['name', 'queue', 'sentAt', 'receivedAt', 'retries'] as const;

interface Wanted {
  readonly event: TaskEvent;
  /** The replies of its timeline's ZADD and of its history's HMGET. */
  readonly added: number;
  readonly read: number;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const number = (value: unknown): number | null => {
  const parsed = typeof value === 'string' && value !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : null;
};

export class StatsIntake {
  readonly #wanted: Wanted[] = [];

  /** After an event's writes: `added` is the index of its timeline's ZADD in the pipeline. */
  queue(pipeline: ChainableCommander & { length: number }, event: TaskEvent, historyKey: string, added: number): void {
    if (!isCounted(event.type)) return;
    pipeline.hmget(historyKey, ...FIELDS);
    this.#wanted.push({ event, added, read: pipeline.length - 1 });
  }

  /** The updates of the events this write was the first to record; a failed reply counts nothing. */
  updates(replies: readonly Reply[]): StatsUpdate[] {
    const updates: StatsUpdate[] = [];
    for (const { event, added, read } of this.#wanted) {
      const [addError, addedCount] = replies[added] ?? [null, 0];
      const [readError, values] = replies[read] ?? [null, null];
      if (addError || readError || addedCount !== 1 || !Array.isArray(values)) continue;
      const [name, queue, sentAt, receivedAt, retries] = values as unknown[];
      const fields: HistoryFields = {
        name: text(name),
        queue: text(queue),
        sentAt: number(sentAt),
        receivedAt: number(receivedAt),
        retries: number(retries),
      };
      const update = statsUpdateOf(event, fields);
      if (update) updates.push(update);
    }
    return updates;
  }
}
