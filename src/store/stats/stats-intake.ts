/**
 * The rollups' part of the history store's write of an event batch: the
 * script that records a task's events (store/lua/record-events.lua) answers,
 * per event, whether it added its timeline entry and, for an event the
 * rollups count that it added, the task's name, queue, send and receipt
 * times and retries after it (which the event itself may not carry); an
 * update for each such event. Replicas receive the
 * same events and write the same timeline entry: only the first adds it, so
 * each event counts once.
 */
import type { TaskEvent } from '../../celery/events.ts';
import type { Reply } from '../../redis/redis-replies.ts';
import { type HistoryFields, type StatsUpdate, isCounted, statsUpdateOf } from './stats-updates.ts';

/** Values the script answers after a counted event's `added`: the task's name, queue, send and receipt times, retries. */
const AFTER_EVENT = 5;

interface Wanted {
  /** A task's events, in the order its script recorded them, and the index of that script's reply in the pipeline. */
  readonly events: readonly TaskEvent[];
  readonly reply: number;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const number = (value: unknown): number | null => {
  const parsed = typeof value === 'string' && value !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : null;
};

export class StatsIntake {
  readonly #wanted: Wanted[] = [];

  /** After a task's script: `reply` is its index in the pipeline, `events` what it recorded, in order. */
  queue(events: readonly TaskEvent[], reply: number): void {
    this.#wanted.push({ events, reply });
  }

  /** The updates of the events this write was the first to record; a failed reply counts nothing. */
  updates(replies: readonly Reply[]): StatsUpdate[] {
    const updates: StatsUpdate[] = [];
    for (const { events, reply } of this.#wanted) {
      const [error, values] = replies[reply] ?? [null, null];
      if (error || !Array.isArray(values)) continue;
      // Per event: whether it was added, then, for a counted event that was, the task's fields after it.
      let at = 0;
      for (const event of events) {
        const added = values[at];
        at += 1;
        if (added !== 1 || !isCounted(event.type)) continue;
        const [name, queue, sentAt, receivedAt, retries] = values.slice(at, at + AFTER_EVENT) as unknown[];
        at += AFTER_EVENT;
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
    }
    return updates;
  }
}
