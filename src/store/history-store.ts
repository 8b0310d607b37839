/**
 * What celery-lens remembers about tasks beyond Celery's result keys, under
 * its own prefix: a timeline from Celery's events, the children a task sent
 * (known before the parent finishes), and a tombstone of each final outcome
 * that outlives Celery's `result_expires`.
 *
 * Every write is idempotent (the record script sets the event's own values
 * and adds a timeline entry once: lua/record-events.lua; ZADD of the same
 * members, SET of the same tombstone), so several celery-lens processes
 * receiving the same pub/sub messages never double count.
 */
import type { StoreRedis } from '../redis/store-redis.ts';
import type { TaskEvent, TaskEventType } from '../celery/events.ts';
import type { TaskMeta } from '../celery/meta.ts';
import { READY_STATES } from '../celery/states.ts';
import { LensDataError } from '../errors/lens-data-error.ts';
import type { LensError } from '../errors/lens-error.ts';
import type { LensKeys } from './lens-keys.ts';
import { type Reply, execAll, valueOf } from '../redis/redis-replies.ts';
import { type TimelineEntry, causalOrder, firstSentAt } from '../celery/timeline-order.ts';
import { typeLetter } from './timeline-members.ts';
import { decodeJson, isEntry, isTime, isTombstone, numbers } from './history-checks.ts';
import { decodeHistoryRecord, timelineOf } from './history-record.ts';
import { decodeTombstone, encodeTombstone } from './tombstones.ts';
import { defineScript, luaScript, queueScript } from '../redis/lua-scripts.ts';
import { indexableId, updateFromEvent, updateFromMeta } from './index/index-updates.ts';
import type { TaskIndex } from './index/task-index.ts';
import type { HoldEnds, IndexUpdate } from './index/index-types.ts';
import type { HistoryStorage, MetaRecord } from './store.ts';
import {
  type ChildLink,
  type ChildrenListener,
  MAX_TIMELINE,
  type TaskHistory,
  type Tombstone,
} from './history-types.ts';
import { StatsIntake } from './stats/stats-intake.ts';
import { PackedValues } from './packed-args.ts';
import { isCounted } from './stats/stats-updates.ts';
import type { StatsUpdate } from './stats/stats-updates.ts';

// The shapes' old home: tests and older imports name them here.
export {
  MAX_TIMELINE,
  type ChildLink,
  type ChildrenListener,
  type TaskHistory,
  type TimelineEntry,
  type Tombstone,
} from './history-types.ts';

export interface HistorySettings {
  /** TTL of timelines and child indexes, in seconds (at least Celery's result_expires). */
  readonly historyTtlSeconds: number;
  /** TTL of tombstones, in seconds. */
  readonly tombstoneTtlSeconds: number;
  /** The task index, written in the same pipelines (null with --index false), and the kwargs keys it indexes. */
  readonly index?: TaskIndex | null;
  readonly indexKwargs?: readonly string[];
  /** The rollups, added to after each batch (null with --stats-days 0). */
  readonly stats?: { record(updates: readonly StatsUpdate[]): Promise<void> } | null;
}

const FINISHED: ReadonlySet<TaskEventType> = new Set([
  'task-succeeded',
  'task-failed',
  'task-revoked',
  'task-rejected',
]);
type Pipeline = ReturnType<StoreRedis['pipeline']>;

/** Records a task's events in its history record (KEYS and ARGV: the file). */
const RECORD_EVENTS = luaScript('lensRecordEvents', new URL('./lua/record-events.lua', import.meta.url));

/** Rollup updates kept for the next batch when their write failed (Redis away): a minute of a busy fleet. */
const MAX_UNWRITTEN = 100_000;

const TIMES: ReadonlySet<string> = new Set(['sentAt', 'receivedAt', 'startedAt', 'finishedAt']);

const lastAt = (timeline: readonly TimelineEntry[], type: TaskEventType) =>
  timeline.findLast((entry) => entry.type === type)?.at ?? null;
const str = (value: string | undefined) => (value === undefined || value === '' ? null : value);

/** Histories (store.ts' HistoryStorage) on Redis: a record per task (history-record.ts), child and group sets, tombstones. */
export class HistoryStore implements HistoryStorage {
  /** Told, in process, of the child links each write recorded (after the write): live graphs grow with them. */
  readonly #childListeners = new Set<ChildrenListener>();
  /** Rollup updates a failed write left, added by the next batch. */
  readonly #unwritten: StatsUpdate[] = [];

  constructor(
    readonly redis: StoreRedis,
    readonly keys: LensKeys,
    readonly settings: HistorySettings,
  ) {
    defineScript(redis, RECORD_EVENTS);
  }

  /** Records a batch of task events in one round trip: one script call per task, with its events of the batch. */
  async recordEvents(events: readonly TaskEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline();
    const links: ChildLink[] = [];
    const stats = this.settings.stats ? new StatsIntake() : null;
    const byTask = new Map<string, TaskEvent[]>();
    // A time no Date holds is not recorded in the history (the script keeps times as digits).
    for (const event of events) {
      if (!isTime(event.at)) continue;
      const own = byTask.get(event.taskId);
      if (own) own.push(event);
      else byTask.set(event.taskId, [event]);
    }
    for (const [id, own] of byTask) {
      const packed = new PackedValues();
      for (const event of own) addEvent(packed, event, stats !== null);
      queueScript(
        pipeline,
        RECORD_EVENTS,
        [this.keys.history(id)],
        [id, this.settings.historyTtlSeconds, MAX_TIMELINE, packed.toString()],
      );
      stats?.queue(own, pipeline.length - 1);
    }
    for (const event of events) {
      if (event.parentId && event.parentId !== event.taskId) {
        this.#child(pipeline, event.parentId, event.taskId, event.at);
        links.push({ parentId: event.parentId, childId: event.taskId });
      }
    }
    const kwargKeys = this.settings.indexKwargs ?? [];
    this.settings.index?.addUpdates(
      pipeline,
      events.filter((event) => indexableId(event.taskId)).map((event) => updateFromEvent(event, kwargKeys)),
    );
    const replies = await this.#write(pipeline);
    this.#tell(links);
    if (stats) await this.#recordStats(stats.updates(replies));
  }

  /**
   * Adds a batch's rollups after its timeline. A failure fails the batch: its
   * retry finds the events recorded (ZADD adds nothing), so what was not
   * written waits here for the next batch (at most MAX_UNWRITTEN).
   */
  async #recordStats(updates: readonly StatsUpdate[]): Promise<void> {
    const all = [...this.#unwritten.splice(0), ...updates];
    if (all.length === 0) return;
    try {
      await this.settings.stats?.record(all);
    } catch (error) {
      this.#unwritten.push(...all.slice(-MAX_UNWRITTEN));
      throw error;
    }
  }

  /**
   * Records what a published task meta tells: its parent link, and a final
   * outcome. `workerEvents`: whether workers send task events now, so an end
   * waits for its event in taskEvents (index/lua/update.lua).
   */
  recordMeta(meta: TaskMeta, workerEvents = false): Promise<void> {
    return this.recordMetas([{ meta, workerEvents }]);
  }

  /** recordMeta of several metas in one round trip, in their order; the index' updates in as few script calls. */
  async recordMetas(metas: readonly MetaRecord[]): Promise<void> {
    if (metas.length === 0) return;
    const pipeline = this.redis.pipeline();
    const now = Date.now();
    const links: ChildLink[] = [];
    for (const { meta } of metas) {
      if (meta.parentId) {
        this.#child(pipeline, meta.parentId, meta.id, now);
        links.push({ parentId: meta.parentId, childId: meta.id });
      }
      if (meta.groupId) {
        const key = this.keys.groupMembers(meta.groupId);
        pipeline.zadd(key, 'NX', now, meta.id).expire(key, this.settings.historyTtlSeconds);
        links.push({ parentId: meta.groupId, childId: meta.id });
      }
      if (READY_STATES.has(meta.state)) {
        const tombstone: Tombstone = {
          state: meta.state,
          dateDone: meta.dateDone?.toISOString() ?? null,
          errorType: meta.exception?.type ?? null,
          errorMessage: meta.exception?.message ?? null,
          name: meta.name,
          recordedAt: now,
        };
        pipeline.set(this.keys.tombstone(meta.id), encodeTombstone(tombstone), 'EX', this.settings.tombstoneTtlSeconds);
      }
    }
    const held = this.#queueMetaUpdates(pipeline, metas, now);
    if (pipeline.length > 0) {
      const replies = await this.#write(pipeline);
      for (const [from, count] of held) this.settings.index?.releaseLater(replies.slice(from, from + count));
    }
    this.#tell(links);
  }

  /**
   * The index' updates of published metas, a script call per run of metas
   * that hold their ends alike (in their order); returns where each run's
   * replies are in the pipeline, and how many.
   */
  #queueMetaUpdates(pipeline: Pipeline, metas: readonly MetaRecord[], now: number): [number, number][] {
    const index = this.settings.index;
    if (!index) return [];
    const runs: [number, number][] = [];
    const kwargKeys = this.settings.indexKwargs ?? [];
    let run: IndexUpdate[] = [];
    let hold: HoldEnds | null = null;
    const flush = () => {
      if (run.length === 0 || hold === null) return;
      const from = pipeline.length;
      runs.push([from, index.addUpdates(pipeline, run, now, hold)]);
      run = [];
    };
    for (const { meta, workerEvents } of metas) {
      if (!indexableId(meta.id)) continue;
      // An end told by the result waits for the worker's event, which tells finishedAt and runtime (index/lua/update.lua).
      const wanted: HoldEnds = workerEvents ? 'always' : 'worked';
      if (wanted !== hold) flush();
      hold = wanted;
      run.push(updateFromMeta(meta, kwargKeys, now));
    }
    flush();
    return runs;
  }

  /** Listens to the child links recorded from now on; returns the function that stops it. */
  onChildren(listener: ChildrenListener): () => void {
    this.#childListeners.add(listener);
    return () => this.#childListeners.delete(listener);
  }

  #tell(links: readonly ChildLink[]): void {
    if (links.length === 0) return;
    for (const listener of this.#childListeners) listener(links);
  }

  /** Runs writes; a failed one (Redis down, a key of another type) fails the batch so the consumer counts it. */
  async #write(pipeline: Pipeline): Promise<Reply[]> {
    const replies = await execAll(pipeline);
    for (const reply of replies) valueOf(reply, 'a celery-lens history key');
    return replies;
  }

  /** Children in the order they were first seen (NX: a later sighting keeps the first time). */
  #child(pipeline: Pipeline, parentId: string, childId: string, at: number): void {
    const key = this.keys.children(parentId);
    pipeline.zadd(key, 'NX', at, childId).expire(key, this.settings.historyTtlSeconds);
  }

  /**
   * The children celery-lens saw naming each task as parent (events and
   * published metas), in one round trip: the links Celery never stores, such
   * as a chord's callback. A key of another type reads as no child.
   */
  async readChildren(ids: readonly string[]): Promise<string[][]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.zrange(this.keys.children(id), 0, -1);
    const replies = await execAll(pipeline);
    return ids.map((id, index) => {
      try {
        return valueOf(replies[index], this.keys.children(id)) as string[];
      } catch (error) {
        if (error instanceof LensDataError) return [];
        throw error;
      }
    });
  }

  /** Members seen (in published metas) for each group, in one round trip; [] when none. */
  async readGroupMembers(groupIds: readonly string[]): Promise<string[][]> {
    if (groupIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of groupIds) pipeline.zrange(this.keys.groupMembers(id), 0, -1);
    const replies = await execAll(pipeline);
    return groupIds.map((id, index) => valueOf(replies[index], this.keys.groupMembers(id)) as string[]);
  }

  /**
   * Reads the history of many tasks in one round trip: for each, its
   * history, or the LensDataError of a key of it celery-lens cannot read.
   * The hash and timeline ZSET earlier versions wrote are read too, and
   * merged (what the record says wins). Throws BACKEND_UNAVAILABLE when
   * Redis does not answer.
   */
  async readHistory(ids: readonly string[]): Promise<(TaskHistory | LensError)[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) {
      pipeline
        .get(this.keys.history(id))
        .hgetall(this.keys.legacyHistory(id))
        .zrange(this.keys.legacyEvents(id), 0, -1)
        .zrange(this.keys.children(id), 0, -1)
        .get(this.keys.tombstone(id));
    }
    const replies = await execAll(pipeline);
    return ids.map((id, index) => {
      try {
        return this.#decodeHistory(id, replies.slice(index * 5, index * 5 + 5));
      } catch (error) {
        if (error instanceof LensDataError) return error;
        throw error;
      }
    });
  }

  /** One task's history from its five replies (GET record, HGETALL and ZRANGE of earlier versions' keys, ZRANGE children, GET tombstone). */
  #decodeHistory(id: string, [recordReply, hashReply, eventsReply, childrenReply, tombReply]: Reply[]): TaskHistory {
    const [recordKey, historyKey, eventsKey, tombKey] = [
      this.keys.history(id),
      this.keys.legacyHistory(id),
      this.keys.legacyEvents(id),
      this.keys.tombstone(id),
    ];
    const text = valueOf(recordReply, recordKey) as string | null;
    const record = text === null ? null : decodeHistoryRecord(id, text);
    if (text !== null && record === null)
      throw new LensDataError(recordKey, 'the history record is not one celery-lens wrote');
    const legacy = valueOf(hashReply, historyKey) as Record<string, string>;
    const legacyMembers = valueOf(eventsReply, eventsKey) as string[];
    const timeline = causalOrder(
      timelineOf([...legacyMembers, ...(record?.members ?? [])]).map(
        ({ member, entry }) => entry ?? decodeJson<TimelineEntry>(eventsKey, member, 'a timeline entry', isEntry),
      ),
    );
    const childIds = valueOf(childrenReply, this.keys.children(id)) as string[];
    const tomb = valueOf(tombReply, tombKey) as string | null;
    const fields = [...TIMES, 'retries', 'runtime'];
    const n = { ...numbers(historyKey, legacy, fields, TIMES) };
    for (const [field, value] of Object.entries(numbers(recordKey, record?.fields ?? {}, fields, TIMES)))
      if (value !== null) n[field] = value;
    const hash = { ...legacy, ...record?.fields };
    return {
      id,
      sentAt: firstSentAt(timeline) ?? n.sentAt ?? null,
      // The latest in time, whatever order the events arrived in.
      receivedAt: lastAt(timeline, 'task-received') ?? n.receivedAt ?? null,
      startedAt: lastAt(timeline, 'task-started') ?? n.startedAt ?? null,
      finishedAt: n.finishedAt ?? null,
      worker: str(hash.worker),
      name: str(hash.name),
      queue: str(hash.queue),
      parentId: str(hash.parentId),
      rootId: str(hash.rootId),
      retries: n.retries ?? null,
      runtime: n.runtime ?? null,
      timeline,
      childIds,
      tombstone: tomb === null ? null : this.#tombstone(tombKey, tomb),
    };
  }

  /** A tombstone as this version writes it, or as JSON (earlier versions). */
  #tombstone(key: string, text: string): Tombstone {
    return decodeTombstone(text) ?? decodeJson<Tombstone>(key, text, 'the tombstone', isTombstone);
  }
}

/** An event's 12 values for lua/record-events.lua (its header names them); `counted`: the rollups want its answer. */
function addEvent(packed: PackedValues, event: TaskEvent, counted: boolean): void {
  // An empty hostname is none (Celery always names its nodes).
  const hostname = event.hostname === '' ? null : event.hostname;
  packed.add(typeLetter(event.type));
  packed.add(String(event.at));
  packed.add(event.retries === null ? '' : String(event.retries));
  packed.add(hostname === null ? '' : `@${hostname}`);
  packed.add(event.name ?? '');
  packed.add(event.queue ?? '');
  packed.add(event.parentId ?? '');
  packed.add(event.rootId ?? '');
  packed.add(event.runtime === null ? '' : String(event.runtime));
  packed.add(FINISHED.has(event.type) ? 'f' : '');
  packed.add(hostname !== null && event.type !== 'task-sent' ? 'w' : '');
  packed.add(counted && isCounted(event.type) ? 'c' : '');
}
