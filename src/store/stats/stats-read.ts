/**
 * taskStats' reads of the rollups: a window is read as whole hours, and as
 * minutes where it cuts an hour and those minutes are still kept (two days);
 * older cut hours are read whole. Per bucket of the answer (a minute, hour
 * or day) the same: a minute bucket past the minutes' keep reads as empty
 * (its hour has it: ask HOUR).
 */
import type { StoreRedis } from '../../redis/store-redis.ts';
import { execAll, guarded, valueOf } from '../../redis/redis-replies.ts';
import { type Rollup, addRollup, decodeRollup, emptyRollup } from './stats-fields.ts';
import { HOUR_MS, MINUTE_MS, type Resolution, type Scope, type StatsKeys, scopeOf } from './stats-keys.ts';

/** HGETALLs one pipeline sends at most. */
const READS_PER_ROUND = 2000;
/** Names or queues one read lists at most: those seen last. */
export const MAX_GROUPS = 500;

export interface BucketRef {
  readonly resolution: Resolution;
  readonly start: number;
}

/**
 * The buckets that cover [from, to] (ms, both included; `from` on a minute):
 * whole hours inside it, the minutes of the hours it cuts where `minuteKept`
 * says they still exist, those hours whole otherwise.
 */
export function plan(from: number, to: number, minuteKept: (start: number) => boolean): BucketRef[] {
  const refs: BucketRef[] = [];
  for (let hour = Math.floor(from / HOUR_MS) * HOUR_MS; hour <= to; hour += HOUR_MS) {
    const [first, last] = [Math.max(hour, from), Math.min(hour + HOUR_MS - 1, to)];
    if (first === hour && last === hour + HOUR_MS - 1) {
      refs.push({ resolution: 'h', start: hour });
    } else if (minuteKept(Math.floor(first / MINUTE_MS) * MINUTE_MS)) {
      for (let minute = Math.floor(first / MINUTE_MS) * MINUTE_MS; minute <= last; minute += MINUTE_MS)
        refs.push({ resolution: 'm', start: minute });
    } else {
      refs.push({ resolution: 'h', start: hour });
    }
  }
  return refs;
}

export class StatsReader {
  constructor(
    readonly redis: StoreRedis,
    readonly keys: StatsKeys,
    /** Whether the minute starting then is still kept. */
    readonly minuteKept: (start: number) => boolean,
  ) {}

  /** The names or queues seen since `since` (those seen last first, at most MAX_GROUPS). */
  async members(kind: 'name' | 'queue', since: number): Promise<string[]> {
    const members = await guarded(() =>
      this.redis.zrevrangebyscore(this.keys.registry, '+inf', since, 'LIMIT', 0, MAX_GROUPS * 2),
    );
    const keys: string[] = [];
    for (const member of members) {
      const scope = scopeOf(member);
      if (scope && scope.kind === kind && keys.length < MAX_GROUPS) keys.push(scope.key);
    }
    return keys;
  }

  /** Each scope's rollup over [since, until]. */
  async totals(scopes: readonly Scope[], since: number, until: number): Promise<Rollup[]> {
    const refs = plan(Math.floor(since / MINUTE_MS) * MINUTE_MS, until, this.minuteKept);
    const rollups = await this.#read(scopes.flatMap((scope) => refs.map((ref) => this.#key(ref, scope))));
    return scopes.map((_, index) => {
      const total = emptyRollup();
      for (const rollup of rollups.slice(index * refs.length, (index + 1) * refs.length)) addRollup(total, rollup);
      return total;
    });
  }

  /** One scope's rollup per bucket of `sizeMs` (on UTC boundaries of its size) over [since, until], oldest first. */
  async series(
    scope: Scope,
    since: number,
    until: number,
    sizeMs: number,
  ): Promise<{ start: number; rollup: Rollup }[]> {
    const from = Math.floor(since / MINUTE_MS) * MINUTE_MS;
    const buckets: { start: number; refs: BucketRef[] }[] = [];
    for (let start = Math.floor(from / sizeMs) * sizeMs; start <= until; start += sizeMs) {
      const [first, last] = [Math.max(start, from), Math.min(start + sizeMs - 1, until)];
      const refs =
        sizeMs === MINUTE_MS
          ? this.minuteKept(start)
            ? [{ resolution: 'm' as const, start }]
            : []
          : plan(first, last, this.minuteKept);
      buckets.push({ start, refs });
    }
    const rollups = await this.#read(buckets.flatMap(({ refs }) => refs.map((ref) => this.#key(ref, scope))));
    let at = 0;
    return buckets.map(({ start, refs }) => {
      const rollup = emptyRollup();
      for (const part of rollups.slice(at, at + refs.length)) addRollup(rollup, part);
      at += refs.length;
      return { start, rollup };
    });
  }

  #key(ref: BucketRef, scope: Scope): string {
    return this.keys.bucket(ref.resolution, ref.start, scope);
  }

  async #read(keys: readonly string[]): Promise<Rollup[]> {
    const rollups: Rollup[] = [];
    for (let from = 0; from < keys.length; from += READS_PER_ROUND) {
      const batch = keys.slice(from, from + READS_PER_ROUND);
      const pipeline = this.redis.pipeline();
      for (const key of batch) pipeline.hgetall(key);
      const replies = await guarded(() => execAll(pipeline));
      batch.forEach((key, index) => rollups.push(decodeRollup(valueOf(replies[index], key) as Record<string, string>)));
    }
    return rollups;
  }
}
