/**
 * What a task event adds to the rollups: the outcome it counts, a runtime
 * (task-succeeded) or a wait (task-started: from task-sent, or from
 * task-received for a retry or without task-sent events) in the sketches.
 * Celery's task-started, -succeeded, -failed and -revoked events carry no
 * name nor queue: they come from the task's history (history-store.ts reads
 * it in the same pipeline it writes the event in).
 */
import type { TaskEvent, TaskEventType } from '../../celery/events.ts';
import { binOf } from './sketch.ts';
import type { Counter } from './stats-fields.ts';

/** What the history says of a task, as the event's write left it. */
export interface HistoryFields {
  readonly name: string | null;
  readonly queue: string | null;
  readonly sentAt: number | null;
  readonly receivedAt: number | null;
  readonly retries: number | null;
}

export interface StatsUpdate {
  /** When it happened (ms): its buckets. */
  readonly at: number;
  /** Null: counted with all tasks only (too long a name). */
  readonly name: string | null;
  readonly queue: string | null;
  /** Field → amount, of lua/record.lua's fields; the max fields (stats-fields.ts) keep the largest. */
  readonly fields: Readonly<Record<string, number>>;
}

const COUNTED: Partial<Record<TaskEventType, Counter>> = {
  'task-started': 't',
  'task-succeeded': 's',
  'task-failed': 'f',
  'task-rejected': 'f',
  'task-revoked': 'x',
  'task-retried': 'y',
};

/** Event types a rollup counts: the history store reads the task's fields for these. */
export const isCounted = (type: TaskEventType): boolean => COUNTED[type] !== undefined;

/** Longest name or queue a rollup is kept for; a longer one (a payload, not a name) counts with all tasks only. */
const MAX_TEXT = 512;
const bounded = (text: string | null): string | null => (text !== null && text.length > MAX_TEXT ? null : text);

export function statsUpdateOf(event: TaskEvent, history: HistoryFields): StatsUpdate | null {
  const counter = COUNTED[event.type];
  if (!counter) return null;
  const fields: Record<string, number> = { [counter]: 1 };
  if (event.type === 'task-succeeded' && event.runtime !== null && event.runtime >= 0) {
    fields[`r${binOf(event.runtime)}`] = 1;
    fields.rM = event.runtime;
  }
  if (event.type === 'task-started') {
    const from = (history.retries ?? 0) > 0 ? history.receivedAt : (history.sentAt ?? history.receivedAt);
    if (from !== null) {
      // Clocks of clients and workers differ: a start before its send is no wait.
      const wait = Math.max(0, event.at - from) / 1000;
      fields[`w${binOf(wait)}`] = 1;
      fields.wM = wait;
    }
  }
  return {
    at: event.at,
    name: bounded(event.name ?? history.name ?? ''),
    queue: bounded(event.queue ?? history.queue ?? ''),
    fields,
  };
}
