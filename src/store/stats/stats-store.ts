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

  /** Adds what the events told (each once: the caller deduplicates). */
  async record(updates: readonly StatsUpdate[]): Promise<void> {
    const pending = new Map<string, Pending>();
    const now = this.now();
    for (const update of updates) {
      const scopes: Scope[] = [{ kind: 'all' }];
      if (update.name !== null) scopes.push({ kind: 'name', key: update.name });
      if (update.queue !== null) scopes.push({ kind: 'queue', key: update.queue });
      for (const scope of scopes) this.#add(pending, update.at, now, scope, update.fields);
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
      this.#add(pending, at, now, { kind: 'queue', key: queue }, fields);
    }
    this.#add(pending, at, now, { kind: 'all' }, oldest === null ? { ql: total } : { ql: total, qa: oldest });
    await this.#write(pending);
  }

  #add(pending: Map<string, Pending>, at: number, now: number, scope: Scope, fields: Readonly<Record<string, number>>) {
    for (const resolution of ['m', 'h'] as const) {
      const size = SIZE_MS[resolution];
      const start = Math.floor(at / size) * size;
      const ttl = start + size + this.keptMs(resolution) - now;
      if (ttl <= 0) continue;
      const key = this.keys.bucket(resolution, start, scope);
      const entry = pending.get(key) ?? { member: memberOf(scope), seen: at, ttl, fields: new Map<string, number>() };
      pending.set(key, entry);
      entry.seen = Math.max(entry.seen, at);
      for (const [field, amount] of Object.entries(fields)) {
        const before = entry.fields.get(field);
        entry.fields.set(
          field,
          before === undefined ? amount : MAX_FIELDS.has(field) ? Math.max(before, amount) : before + amount,
        );
      }
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
