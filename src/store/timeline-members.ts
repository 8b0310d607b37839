/**
 * How a timeline entry is stored as a member of a task's events ZSET: a
 * short text, `<type letter><at ms>|<retries>|<hostname>` (hostname last, so
 * it may hold `|`; absent with its `|` when the event named none), e.g.
 * `d1765100000123.5|0|celery@worker-1`. Under Redis' zset-max-listpack-value
 * (64 bytes) for common hostnames, so a task's few events stay a listpack:
 * the JSON members earlier versions wrote (`{"type":"task-succeeded",…}`,
 * about 90 bytes) made every timeline a skiplist and a dict, 1.2 KB a task
 * of four events. Those are still read. The member is the event's content,
 * so replicas recording the same event add it once.
 */
import { TASK_EVENT_TYPES, type TaskEventType } from '../celery/events.ts';
import type { TimelineEntry } from '../celery/timeline-order.ts';

/** One letter per type, in TASK_EVENT_TYPES' order: a to h. */
const LETTER = new Map<TaskEventType, string>(TASK_EVENT_TYPES.map((type, i) => [type, String.fromCharCode(97 + i)]));
const TYPE = new Map<string, TaskEventType>(TASK_EVENT_TYPES.map((type, i) => [String.fromCharCode(97 + i), type]));

/** The letter a type is stored as (here, and in the history record: history-record.ts). */
export const typeLetter = (type: TaskEventType): string => LETTER.get(type) as string;

export function encodeTimelineMember(entry: TimelineEntry): string {
  const head = `${LETTER.get(entry.type)}${entry.at}|${entry.retries ?? ''}`;
  return entry.hostname === null ? head : `${head}|${entry.hostname}`;
}

/** The entry a compact member stands for; null when it is not one (a JSON member of earlier versions, or garbage). */
export function decodeTimelineMember(member: string): TimelineEntry | null {
  const type = TYPE.get(member[0] ?? '');
  const first = member.indexOf('|');
  if (type === undefined || first === -1) return null;
  const at = Number(member.slice(1, first));
  const second = member.indexOf('|', first + 1);
  const retriesText = member.slice(first + 1, second === -1 ? undefined : second);
  const retries = Number(retriesText);
  if (member.slice(1, first) === '' || !Number.isFinite(at) || Math.abs(at) > 8.64e15) return null;
  if (retriesText !== '' && !Number.isSafeInteger(retries)) return null;
  return {
    type,
    at,
    hostname: second === -1 ? null : member.slice(second + 1),
    ...(retriesText === '' ? {} : { retries }),
  };
}
