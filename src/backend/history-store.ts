/**
 * What celery-lens remembers about tasks beyond Celery's result keys, under
 * its own prefix: a timeline from Celery's events, the children a task sent
 * (known before the parent finishes), and a tombstone of each final outcome
 * that outlives Celery's `result_expires`.
 *
 * Every write is idempotent (HSET of the event's own values, ZADD/SADD of the
 * same members, SET of the same tombstone), so several celery-lens processes
 * receiving the same pub/sub messages never double count.
 */
import type { Redis } from 'ioredis';
import type { TaskEvent, TaskEventType } from '../celery/events.ts';
import type { TaskMeta } from '../celery/meta.ts';
import { READY_STATES } from '../celery/states.ts';
import type { LensKeys } from './lens-keys.ts';
import { type TimelineEntry, causalOrder, firstSentAt } from './timeline-order.ts';

export type { TimelineEntry } from './timeline-order.ts';

export interface Tombstone {
  readonly state: string;
  readonly dateDone: string | null;
  readonly errorType: string | null;
  readonly errorMessage: string | null;
  readonly name: string | null;
  /** When celery-lens saw this outcome (ms since the epoch). */
  readonly recordedAt: number;
}

export interface TaskHistory {
  readonly id: string;
  readonly sentAt: number | null;
  readonly receivedAt: number | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly worker: string | null;
  readonly name: string | null;
  readonly queue: string | null;
  readonly parentId: string | null;
  readonly rootId: string | null;
  readonly retries: number | null;
  /** Seconds, from task-succeeded. */
  readonly runtime: number | null;
  /** Events in time order. */
  readonly timeline: readonly TimelineEntry[];
  readonly childIds: readonly string[];
  readonly tombstone: Tombstone | null;
}

export interface HistorySettings {
  /** TTL of timelines and child indexes, in seconds (at least Celery's result_expires). */
  readonly historyTtlSeconds: number;
  /** TTL of tombstones, in seconds. */
  readonly tombstoneTtlSeconds: number;
}

const FINISHED: ReadonlySet<TaskEventType> = new Set(['task-succeeded', 'task-failed', 'task-revoked', 'task-rejected']);
// The hash field each event type sets; task-sent keeps the first, the others the latest.
const TIME_FIELD: Partial<Record<TaskEventType, string>> = {
  'task-sent': 'sentAt',
  'task-received': 'receivedAt',
  'task-started': 'startedAt',
};

/** Events kept per task: about 250 attempts of a retried task. */
export const MAX_TIMELINE = 1000;

const num = (value: string | undefined) => (value === undefined || value === '' ? null : Number(value));
const lastAt = (timeline: readonly TimelineEntry[], type: TaskEventType) => timeline.findLast((entry) => entry.type === type)?.at ?? null;
const str = (value: string | undefined) => (value === undefined || value === '' ? null : value);

export class HistoryStore {
  constructor(
    readonly redis: Redis,
    readonly keys: LensKeys,
    readonly settings: HistorySettings,
  ) {}

  /** Records a batch of task events in one round trip. */
  async recordEvents(events: readonly TaskEvent[]): Promise<void> {
    if (events.length === 0) return;
    const ttl = this.settings.historyTtlSeconds;
    const pipeline = this.redis.pipeline();
    for (const event of events) {
      const key = this.keys.history(event.taskId);
      const fields: Record<string, string | number> = {};
      if (event.name) fields.name = event.name;
      if (event.queue) fields.queue = event.queue;
      if (event.parentId) fields.parentId = event.parentId;
      if (event.rootId) fields.rootId = event.rootId;
      if (event.retries !== null) fields.retries = event.retries;
      if (event.runtime !== null) fields.runtime = event.runtime;
      if (event.hostname && event.type !== 'task-sent') fields.worker = event.hostname;
      const timeField = TIME_FIELD[event.type];
      if (timeField && event.type !== 'task-sent') fields[timeField] = event.at;
      if (FINISHED.has(event.type)) fields.finishedAt = event.at;
      if (Object.keys(fields).length > 0) pipeline.hset(key, fields);
      if (event.type === 'task-sent') pipeline.hsetnx(key, 'sentAt', event.at);
      pipeline.expire(key, ttl);
      // The attempt number tells a retry's re-send from the send its receipt answers (timeline-order.ts).
      const entry: TimelineEntry = { type: event.type, at: event.at, hostname: event.hostname, ...(event.retries === null ? {} : { retries: event.retries }) };
      const events = this.keys.events(event.taskId);
      // Only the latest MAX_TIMELINE: a flood of events about one id cannot grow its timeline without end.
      pipeline.zadd(events, event.at, JSON.stringify(entry)).zremrangebyrank(events, 0, -MAX_TIMELINE - 1).expire(events, ttl);
      if (event.parentId && event.parentId !== event.taskId) this.#child(pipeline, event.parentId, event.taskId, event.at);
    }
    await pipeline.exec();
  }

  /** Records what a published task meta tells: its parent link, and a final outcome. */
  async recordMeta(meta: TaskMeta): Promise<void> {
    const pipeline = this.redis.pipeline();
    if (meta.parentId) this.#child(pipeline, meta.parentId, meta.id, Date.now());
    if (meta.groupId) {
      const key = this.keys.groupMembers(meta.groupId);
      pipeline.zadd(key, 'NX', Date.now(), meta.id).expire(key, this.settings.historyTtlSeconds);
    }
    if (READY_STATES.has(meta.state)) {
      const tombstone: Tombstone = {
        state: meta.state,
        dateDone: meta.dateDone?.toISOString() ?? null,
        errorType: meta.exception?.type ?? null,
        errorMessage: meta.exception?.message ?? null,
        name: meta.name,
        recordedAt: Date.now(),
      };
      pipeline.set(this.keys.tombstone(meta.id), JSON.stringify(tombstone), 'EX', this.settings.tombstoneTtlSeconds);
    }
    if (pipeline.length > 0) await pipeline.exec();
  }

  /** Children in the order they were first seen (NX: a later sighting keeps the first time). */
  #child(pipeline: ReturnType<Redis['pipeline']>, parentId: string, childId: string, at: number): void {
    const key = this.keys.children(parentId);
    pipeline.zadd(key, 'NX', at, childId).expire(key, this.settings.historyTtlSeconds);
  }

  /** Members seen (in published metas) for each group, in one round trip; [] when none. */
  async readGroupMembers(groupIds: readonly string[]): Promise<string[][]> {
    if (groupIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of groupIds) pipeline.zrange(this.keys.groupMembers(id), 0, -1);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, members]) => (error ? [] : (members as string[])));
  }

  /** Reads the history of many tasks in one round trip. */
  async readHistory(ids: readonly string[]): Promise<TaskHistory[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) {
      pipeline.hgetall(this.keys.history(id)).zrange(this.keys.events(id), 0, -1).zrange(this.keys.children(id), 0, -1).get(this.keys.tombstone(id));
    }
    const replies = (await pipeline.exec()) ?? [];
    return ids.map((id, index) => {
      const reply = (offset: number) => {
        const [error, value] = replies[index * 4 + offset] ?? [null, null];
        if (error) throw error;
        return value;
      };
      const hash = (reply(0) ?? {}) as Record<string, string>;
      const timeline = causalOrder(((reply(1) ?? []) as string[]).map((entry) => JSON.parse(entry) as TimelineEntry));
      const tomb = reply(3) as string | null;
      return {
        id,
        sentAt: firstSentAt(timeline) ?? num(hash.sentAt),
        // The latest in time, whatever order the events arrived in.
        receivedAt: lastAt(timeline, 'task-received') ?? num(hash.receivedAt),
        startedAt: lastAt(timeline, 'task-started') ?? num(hash.startedAt),
        finishedAt: num(hash.finishedAt),
        worker: str(hash.worker),
        name: str(hash.name),
        queue: str(hash.queue),
        parentId: str(hash.parentId),
        rootId: str(hash.rootId),
        retries: num(hash.retries),
        runtime: num(hash.runtime),
        timeline,
        childIds: (reply(2) ?? []) as string[],
        tombstone: tomb ? (JSON.parse(tomb) as Tombstone) : null,
      };
    });
  }
}
