/**
 * Puts a task's events in the order they happened. Celery stamps each event
 * with the clock of the process that sends it, so time order alone misleads
 * in two ways (both seen on real workers, test/fixtures/payloads/retry.json):
 *
 * - `task-sent` is stamped after the client published the message, so a fast
 *   worker stamps the `task-received` (and `task-started`) it caused a few ms
 *   earlier;
 * - a retry re-sends the task from inside the running attempt: the new
 *   `task-sent` (retries N+1) comes after attempt N's receipt and start, and
 *   must stay there. Only the receipt of its own attempt may be passed. The
 *   pool's parent stamps a start when the child reports it accepted, which a
 *   loaded worker may do after the child already re-sent the task: such a
 *   send is moved after that start.
 *
 * Events stamped in the same millisecond keep their lifecycle order (a ZSET
 * would order them by their JSON text: `task-failed` before `task-started`).
 */
import type { TaskEventType } from './events.ts';

export interface TimelineEntry {
  readonly type: TaskEventType;
  /** ms since the epoch. */
  readonly at: number;
  readonly hostname: string | null;
  /** The attempt (0 for the first) on task-sent and task-received; absent when Celery sent none. */
  readonly retries?: number;
}

/** A send is moved before what it caused only within this window. */
export const SENT_SKEW_MS = 1000;

const LIFECYCLE: Record<TaskEventType, number> = {
  'task-sent': 0,
  'task-received': 1,
  'task-started': 2,
  'task-retried': 3,
  'task-succeeded': 4,
  'task-failed': 4,
  'task-revoked': 4,
  'task-rejected': 4,
};

/** `entry` is the receipt of the message `sent` published, as far as the events tell. */
function isOwnReceipt(entry: TimelineEntry | undefined, sent: TimelineEntry): boolean {
  if (entry?.type !== 'task-received' || sent.at - entry.at >= SENT_SKEW_MS) return false;
  return entry.retries === undefined || sent.retries === undefined || entry.retries === sent.retries;
}

/** Orders `timeline` in place and returns it. */
export function causalOrder(timeline: TimelineEntry[]): TimelineEntry[] {
  timeline.sort((a, b) => a.at - b.at || LIFECYCLE[a.type] - LIFECYCLE[b.type]);
  for (let index = 0; index < timeline.length; index += 1) {
    const sent = timeline[index] as TimelineEntry;
    if (sent.type !== 'task-sent') continue;
    // A send may pass its own receipt, and the start that directly followed that receipt.
    const before = timeline[index - 1];
    let to = index;
    if (before?.type === 'task-started' && isOwnReceipt(timeline[index - 2], sent)) to = index - 2;
    else if (isOwnReceipt(before, sent)) to = index - 1;
    if (to < index) timeline.splice(to, 0, ...timeline.splice(index, 1));
  }
  return afterTheirAttempts(timeline);
}

/** Moves each retry's send (retries N+1) after the start of attempt N, the first start after attempt N's receipt. */
function afterTheirAttempts(timeline: TimelineEntry[]): TimelineEntry[] {
  for (let index = 0; index < timeline.length; index += 1) {
    const sent = timeline[index] as TimelineEntry;
    const attempt = sent.type === 'task-sent' && sent.retries ? sent.retries - 1 : -1;
    if (attempt < 0) continue;
    const received = timeline.findIndex((entry) => entry.type === 'task-received' && entry.retries === attempt);
    const started = timeline.findIndex((entry, at) => at > received && entry.type === 'task-started');
    if (received < 0 || started < index) continue;
    timeline.splice(started, 0, ...timeline.splice(index, 1));
    index -= 1;
  }
  return timeline;
}

/**
 * When the task was first sent: the first send, or the receipt it caused when
 * that was stamped earlier (the send happened before what it caused).
 */
export function firstSentAt(timeline: readonly TimelineEntry[]): number | null {
  const index = timeline.findIndex((entry) => entry.type === 'task-sent');
  const sent = timeline[index];
  if (!sent) return null;
  const next = timeline[index + 1];
  return next && next.at < sent.at ? next.at : sent.at;
}
