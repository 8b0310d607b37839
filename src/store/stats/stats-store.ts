/**
 * The rollups that outlive the task index: per task name, per queue and for
 * all tasks, per minute (kept MINUTES_KEPT_MS) and per hour (kept
 * --stats-days), counts by outcome, runtime and wait sketches (sketch.ts)
 * and the broker's queue samples. Written by the event consumer's batches
 * (history-store.ts) and the queue sampler (queue-sampler.ts), read by
 * taskStats (stats-read.ts).
 *
 * Every event is added once, whatever the number of replicas: the history
 * store adds only the events its write of the timeline was the first to
 * record (ZADD's answer). Minutes and hours are both written (no job rolls
 * one into the other): a minute expires two days after it ends, an hour
 * --stats-days after; a bucket already past its keep is not written.
 */
import type { StoreRedis } from '../../redis/store-redis.ts';
import { type LuaScript, luaScript, runScript } from '../../redis/lua-scripts.ts';
import { guarded } from '../../redis/redis-replies.ts';
import { MAX_BINS } from './sketch.ts';
import { MAX_FIELDS, type QueueSample, type Rollup } from './stats-fields.ts';
import { MINUTE_MS, type Resolution, SIZE_MS, type Scope, type StatsKeys, memberOf, statsKeys } from './stats-keys.ts';
import { StatsReader } from './stats-read.ts';
import type { StatsUpdate } from './stats-updates.ts';
import type { StatsStorage } from '../store.ts';

export type { QueueSample } from './stats-fields.ts';

const RECORD: LuaScript = luaScript('lensStatsRecord', new URL('./lua/record.lua', import.meta.url));

/** Minutes are kept two days, then only their hours. */
export const MINUTES_KEPT_MS = 2 * 86_400_000;
/** Hashes one script call writes at most (each up to 6 a batch's event: 3 scopes, minute and hour). */
const HASHES_PER_CALL = 600;

export interface StatsSettings {
  /** How long hours are kept, in ms (--stats-days). */
  readonly keepMs: number;
  /** Task names and queues with rollups at most; more count with all tasks only. @default 2000 */
  readonly maxMembers?: number;
  /** The clock (ms since the epoch): tests move it. @default Date.now */
  readonly now?: () => number;
}

interface Pending {
  readonly member: string;
  seen: number;
  readonly ttl: number;
  readonly fields: Map<string, number>;
}

/** Updates of one minute, task name and queue, added up (record). */
interface Sum {
  at: number;
  readonly name: string | null;
  readonly queue: string | null;
  readonly fields: Map<string, number>;
}

const ALL: Scope = { kind: 'all' };

/** Adds an amount to a field: the max fields (stats-fields.ts) keep the largest, the others add up. */
function addField(fields: Map<string, number>, field: string, amount: number): void {
  const before = fields.get(field);
  fields.set(field, before === undefined ? amount : MAX_FIELDS.has(field) ? Math.max(before, amount) : before + amount);
}

const fieldMap = (fields: Readonly<Record<string, number>>): Map<string, number> => new Map(Object.entries(fields));

export class StatsStore implements StatsStorage {
  readonly keys: StatsKeys;
  readonly now: () => number;
  readonly #reader: StatsReader;

  constructor(
    readonly redis: StoreRedis,
    prefix: string,
    readonly settings: StatsSettings,
  ) {
    this.keys = statsKeys(prefix);
    this.now = settings.now ?? Date.now;
    this.#reader = new StatsReader(redis, this.keys, (start) => start + MINUTE_MS + this.keptMs('m') > this.now());
  }

  /** The task names or queues seen since `since`, those seen last first. */
  members(kind: 'name' | 'queue', since: number): Promise<string[]> {
    return this.#reader.members(kind, since);
  }

  /** Each scope's rollup over [since, until] (ms). */
  totals(scopes: readonly Scope[], since: number, until: number): Promise<Rollup[]> {
    return this.#reader.totals(scopes, since, until);
  }

  /** One scope's rollup per bucket of `sizeMs` over [since, until], oldest first. */
  series(scope: Scope, since: number, until: number, sizeMs: number): Promise<{ start: number; rollup: Rollup }[]> {
    return this.#reader.series(scope, since, until, sizeMs);
  }

  /** How long a bucket of `resolution` is kept after it ends, in ms. */
  keptMs(resolution: Resolution): number {
    return resolution === 'm' ? Math.min(MINUTES_KEPT_MS, this.settings.keepMs) : this.settings.keepMs;
  }

  /**
   * Adds what the events told (each once: the caller deduplicates). Updates
   * of one name, queue and minute are added up first, then spread over their
   * buckets (minute and hour of each of their 3 scopes): a batch's thousands
   * of events are a few sums, not six map entries each.
   */
  async record(updates: readonly StatsUpdate[]): Promise<void> {
    const sums = new Map<number, Map<string | null, Map<string | null, Sum>>>();
    for (const update of updates) {
      const minute = Math.floor(update.at / MINUTE_MS);
      let byName = sums.get(minute);
      if (!byName) sums.set(minute, (byName = new Map()));
      let byQueue = byName.get(update.name);
      if (!byQueue) byName.set(update.name, (byQueue = new Map()));
      const sum = byQueue.get(update.queue);
      if (sum) {
        sum.at = Math.max(sum.at, update.at);
        for (const field in update.fields) addField(sum.fields, field, update.fields[field] as number);
      } else {
        byQueue.set(update.queue, {
          at: update.at,
          name: update.name,
          queue: update.queue,
          fields: fieldMap(update.fields),
        });
      }
    }
    const pending = new Map<string, Pending>();
    const now = this.now();
    for (const byName of sums.values()) {
      for (const byQueue of byName.values()) {
        for (const { at, name, queue, fields } of byQueue.values()) {
          this.#add(pending, at, now, ALL, fields);
          if (name !== null) this.#add(pending, at, now, { kind: 'name', key: name }, fields);
          if (queue !== null) this.#add(pending, at, now, { kind: 'queue', key: queue }, fields);
        }
      }
    }
    await this.#write(pending);
  }

  /** Records the broker's queues as sampled at `at`: each queue's, and the sum of all of them, keep the largest. */
  async sampleQueues(samples: readonly QueueSample[], at = this.now()): Promise<void> {
    const pending = new Map<string, Pending>();
    const now = this.now();
    let total = 0;
    let oldest: number | null = null;
    for (const { queue, length, oldestAgeSeconds } of samples) {
      total += length;
      const fields: Record<string, number> = { ql: length };
      if (oldestAgeSeconds !== null) {
        fields.qa = oldestAgeSeconds;
        oldest = Math.max(oldest ?? 0, oldestAgeSeconds);
      }
      this.#add(pending, at, now, { kind: 'queue', key: queue }, fieldMap(fields));
    }
    this.#add(pending, at, now, ALL, fieldMap(oldest === null ? { ql: total } : { ql: total, qa: oldest }));
    await this.#write(pending);
  }

  #add(pending: Map<string, Pending>, at: number, now: number, scope: Scope, fields: ReadonlyMap<string, number>) {
    for (const resolution of ['m', 'h'] as const) {
      const size = SIZE_MS[resolution];
      const start = Math.floor(at / size) * size;
      const ttl = start + size + this.keptMs(resolution) - now;
      if (ttl <= 0) continue;
      const key = this.keys.bucket(resolution, start, scope);
      const entry = pending.get(key) ?? { member: memberOf(scope), seen: at, ttl, fields: new Map<string, number>() };
      pending.set(key, entry);
      entry.seen = Math.max(entry.seen, at);
      for (const [field, amount] of fields) addField(entry.fields, field, amount);
    }
  }

  async #write(pending: ReadonlyMap<string, Pending>): Promise<void> {
    const entries = [...pending];
    const keepSince = this.now() - this.settings.keepMs;
    for (let from = 0; from < entries.length; from += HASHES_PER_CALL) {
      const batch = entries.slice(from, from + HASHES_PER_CALL);
      const args: (string | number)[] = [keepSince, this.settings.maxMembers ?? 2000, MAX_BINS];
      for (const [, { member, seen, ttl, fields }] of batch) {
        args.push(member, seen, ttl, fields.size);
        for (const [field, amount] of fields) args.push(field, amount);
      }
      await guarded(() => runScript(this.redis, RECORD, [this.keys.registry, ...batch.map(([key]) => key)], args));
    }
  }
}
