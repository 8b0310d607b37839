/**
 * The rollups' part of the history store's write of an event batch: the
 * script that records a task's events (store/lua/record-events.lua) answers,
 * per event, whether it added its timeline entry and the task's name, queue,
 * send and receipt times and retries after it (which the event itself may
 * not carry); an update for each event the write added. Replicas receive the
 * same events and write the same timeline entry: only the first adds it, so
 * each event counts once.
 */
import type { TaskEvent } from '../../celery/events.ts';
import type { Reply } from '../../redis/redis-replies.ts';
import { type HistoryFields, type StatsUpdate, isCounted, statsUpdateOf } from './stats-updates.ts';

/** Values the script answers per event. */
const PER_EVENT = 6;

interface Wanted {
  readonly event: TaskEvent;
  /** The reply of its task's script, and the event's place among that script's events. */
  readonly reply: number;
  readonly at: number;
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
    events.forEach((event, at) => {
      if (isCounted(event.type)) this.#wanted.push({ event, reply, at });
    });
  }

  /** The updates of the events this write was the first to record; a failed reply counts nothing. */
  updates(replies: readonly Reply[]): StatsUpdate[] {
    const updates: StatsUpdate[] = [];
    for (const { event, reply, at } of this.#wanted) {
      const [error, values] = replies[reply] ?? [null, null];
      if (error || !Array.isArray(values)) continue;
      const [added, name, queue, sentAt, receivedAt, retries] = values.slice(
        at * PER_EVENT,
        (at + 1) * PER_EVENT,
      ) as unknown[];
      if (added !== 1) continue;
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
