/**
 * The persistent task index, under `<lens-prefix>{ix}:`, written by the event
 * consumer and shared by every replica.
 *
 * It is one or more shards (--index-shards; index-shards.ts): one is the
 * layout below under `{ix}:`; more are each that layout under a tag of
 * their own (`{ix:<s>}:`, a slot each), a task in the shard its id hashes
 * to, so that a Redis Cluster spreads the index over its primaries. A write
 * is one script call per shard its batch touches; a read asks every shard
 * in one pipeline (split per node on a cluster) and merges: pages k-way by
 * (time, id), counts and stats added up. The changes channel is one.
 *
 * Layout of a shard (index-keys.ts names the keys, all in one Redis Cluster
 * slot; the scripts are lua/*.lua, loaded by index-scripts.ts; index-shard.ts
 * runs them):
 * - `{ix}:rec` HASH id → record: its cell, the time of its latest state (ms),
 *   its workflow root, runtime and indexed kwargs. One hash, not a key per
 *   task: a key costs ~90 bytes of overhead on its own.
 * - `{ix}:all` ZSET id by that time: the global order, retention (oldest first)
 *   and unfiltered listings.
 * - `{ix}:cells` / `{ix}:cellid` HASH: numbered cells, each one (status, name,
 *   worker, queue, exception type) combination that has tasks; `{ix}:c:<n>`
 *   ZSET the tasks of cell n by time. A task is in exactly one cell, so its
 *   status, name, worker and queue cost one entry, not four; a filter on them
 *   is the k-way merge of the matching cells (a deployment has tens to
 *   hundreds), and counts per status, name, worker or queue are a ZCOUNT per
 *   cell. A cell is forgotten when its last task leaves it
 *   (index-cell-registry.ts), so there are never more cells than tasks.
 * - `{ix}:r:<root>` ZSET the tasks of one workflow (not the root itself, nor a
 *   task that is its own root), `{ix}:k:<key>=<json>` ZSET per indexed kwargs value.
 * - `{ix}:min` HASH `<minute>s|f` → tasks that finished in that minute.
 * - `{ix}:changes`: a channel, one message per batch of tasks that changed
 *   (taskEvents; lua/update.lua says what a change is).
 * - `{ix}:held` HASH id → status: ends told by a result, waiting for their
 *   worker's event (at most HOLD_MS, then released by the process that held them);
 *   → `told` once released: its event, should it come later, tells the end
 *   again (with finishedAt). Cleared by that event or when the task leaves the index.
 * - `{ix}:worked` STRING, for 10 minutes after any worker's task event was written:
 *   workers send task events, so every replica holds ends (one just started too).
 *
 * Pages are keyset-paginated on (time, id): a cursor names the last entry,
 * so entries that come and go before it do not shift the next page; the
 * order is the same in every shard, so a cursor means the same whatever
 * shard its entry lives in, and in every replica.
 */
import type { ChainableCommander } from 'ioredis';
import type { StoreRedis } from '../../redis/store-redis.ts';
import type { TaskStatus } from '../task-statuses.ts';
import {
  type CellStats,
  HOLD_MS,
  type HoldEnds,
  type IndexEntry,
  type IndexFilter,
  type IndexOrder,
  type IndexSettings,
  type IndexUpdate,
} from './index-types.ts';
import type { IndexStorage } from '../store.ts';
import { CellStatsReader } from './index-cell-stats.ts';
import { CellIndex } from './index-cells.ts';
import { IndexShard } from './index-shard.ts';
import { byShard, shardPrefixes } from './index-shards.ts';
import { mergeWalks } from './index-walks.ts';
import { reroot } from './index-reroot.ts';
import { shardShare, trimShards } from './index-retention.ts';
import { INDEX_SCRIPTS, cellStatsKeys, defineIndexScripts } from './index-scripts.ts';
import { queueScript } from '../../redis/lua-scripts.ts';
import { type Reply, execAll, valueOf } from '../../redis/redis-replies.ts';

/** Tasks one update script writes at most. */
const UPDATES_PER_SCRIPT = 200;
/** Entries a search examines at most when it walks (a workflow, kwargs, or too many cells to merge), over all shards. */
export const SEARCH_BUDGET = 20_000;
export interface ShardedIndexSettings extends IndexSettings {
  /** Shards (--index-shards; index-shards.ts). @default 1 */
  readonly shards?: number;
}

const ownId = (id: string): string => id;

export class TaskIndex implements IndexStorage {
  readonly shards: readonly IndexShard[];
  readonly #cells: CellIndex;
  readonly #stats: CellStatsReader;

  constructor(
    readonly redis: StoreRedis,
    /** `<lens-prefix>{ix}:`: the one shard's, the changes channel's and the backfill's. */
    readonly prefix: string,
    readonly settings: ShardedIndexSettings,
  ) {
    const count = settings.shards ?? 1;
    // Each shard keeps its share of --index-max-tasks (ids hash evenly).
    const share = { ...settings, maxTasks: shardShare(settings.maxTasks, count) };
    this.shards = shardPrefixes(prefix, count).map((each) => new IndexShard(redis, each, this.changesChannel, share));
    const copies = this.shards.map((shard) => shard.copy);
    this.#cells = new CellIndex(redis, copies);
    this.#stats = new CellStatsReader(redis, copies, (pipeline, s, cells, args) =>
      queueScript(pipeline, INDEX_SCRIPTS.cells, cellStatsKeys((this.shards[s] as IndexShard).keys, cells), args),
    );
    defineIndexScripts(redis);
  }

  /** The channel changes are published on, a batch a message (index-feed.ts decodes them); one for every shard. */
  get changesChannel(): string {
    return `${this.prefix}changes`;
  }

  /**
   * Appends the index writes of `updates` to a pipeline the caller runs: one
   * command per shard an event batch touches (a worker sends up to 24 events
   * a message), one per UPDATES_PER_SCRIPT for more, so no one script holds
   * Redis long. An end told by a result first may wait for its worker's
   * event (`hold`; the caller then hands the scripts' replies to
   * releaseLater). Returns how many commands it appended.
   */
  addUpdates(
    pipeline: ChainableCommander,
    updates: readonly IndexUpdate[],
    now = Date.now(),
    hold: HoldEnds = 'never',
  ): number {
    let added = 0;
    for (const [s, group] of byShard(updates, this.shards.length, (update) => update.id)) {
      const shard = this.shards[s] as IndexShard;
      for (let from = 0; from < group.length; from += UPDATES_PER_SCRIPT) {
        shard.queueUpdates(pipeline, group.slice(from, from + UPDATES_PER_SCRIPT), now, hold);
        added += 1;
      }
    }
    return added;
  }

  /**
   * Given the replies of update scripts that may have held ends: HOLD_MS later,
   * publishes the ends they held whose worker's event has not come (the
   * event, when it comes, publishes and clears them first: once in all; after
   * it, once more, with its finishedAt).
   * A failure then (Redis away) leaves them to that event.
   */
  releaseLater(replies: readonly Reply[]): void {
    const told = replies.flatMap(([error, value]) =>
      error || !Array.isArray(value) ? [] : value.slice(2).map(String),
    );
    this.reroot(told).catch(() => {});
    const ids = told.filter((entry) => !entry.includes('\x1f'));
    if (ids.length === 0) return;
    setTimeout(() => {
      for (const [s, group] of byShard(ids, this.shards.length, ownId))
        (this.shards[s] as IndexShard).release(group).catch(() => {});
    }, HOLD_MS).unref();
  }

  /** Gives the tasks update scripts told back the root their parent has in its shard (index-reroot.ts). */
  reroot(told: readonly string[], now = Date.now()): Promise<void> {
    return reroot(this, told, now);
  }

  /** Each task's record (null: not indexed), read from its shard; one round trip. */
  async records(ids: readonly string[]): Promise<Map<string, string | null>> {
    const groups = [...byShard(ids, this.shards.length, ownId)];
    const pipeline = this.redis.pipeline();
    for (const [s, group] of groups) pipeline.hmget((this.shards[s] as IndexShard).keys.rec, ...group);
    const replies = await execAll(pipeline);
    const records = new Map<string, string | null>();
    groups.forEach(([s, group], index) => {
      const raws = valueOf(replies[index], (this.shards[s] as IndexShard).keys.rec) as (string | null)[];
      group.forEach((id, position) => records.set(id, raws[position] ?? null));
    });
    return records;
  }

  /** The time of each task's latest state as the index orders it (ms), null for a task not in it; one round trip. */
  async latestTimes(ids: readonly string[]): Promise<(number | null)[]> {
    if (ids.length === 0) return [];
    const records = await this.records(ids);
    return ids.map((id) => {
      const raw = records.get(id) ?? null;
      const at = raw === null ? Number.NaN : Number(raw.split('\x1f')[1]);
      return Number.isFinite(at) ? at : null;
    });
  }

  /**
   * Drops what retention says is too old or too many, oldest first, a shard
   * after another (index-retention.ts), then forgets cells left without tasks by earlier versions;
   * returns how many tasks it dropped.
   */
  trim(now = Date.now()): Promise<number> {
    const cutoff = (this.shards[0] as IndexShard).cutoff(now);
    return trimShards(this.redis, this.shards, this.settings.maxTasks, cutoff);
  }

  /** Filters the cells alone answer (no workflow, no kwargs): plain reads, no script. */
  #cellsOnly(filter: IndexFilter): boolean {
    return !filter.rootId && (filter.kwargs ?? []).length === 0;
  }

  /** A walk's budget for each shard: the budget shared among them. */
  #share(budget: number): number {
    return Math.max(1, Math.ceil(budget / this.shards.length));
  }

  /**
   * Up to `limit` tasks matching `filter` after `after`, in `order`. When the
   * budget ran out before the page filled, `stoppedAt` is where to go on from.
   */
  async search(
    filter: IndexFilter,
    order: IndexOrder,
    limit: number,
    after: IndexEntry | null,
    budget = SEARCH_BUDGET,
  ): Promise<{ entries: IndexEntry[]; stoppedAt: IndexEntry | null }> {
    const merged = this.#cellsOnly(filter) ? await this.#cells.search(filter, order, limit, after) : null;
    if (merged) return { entries: merged, stoppedAt: null };
    const walks = await Promise.all(
      this.shards.map(async (shard) => {
        const entries: IndexEntry[] = [];
        const stoppedAt = await shard.walk(
          INDEX_SCRIPTS.search,
          filter,
          order,
          limit,
          after,
          this.#share(budget),
          (values) => {
            for (let index = 2; index < values.length; index += 2)
              entries.push({ id: values[index] as string, at: Number(values[index + 1]) });
            return (values.length - 2) / 2;
          },
        );
        return { entries, stoppedAt };
      }),
    );
    return this.shards.length === 1 ? (walks[0] as (typeof walks)[0]) : mergeWalks(walks, order, limit);
  }

  /** How many tasks match, exactly up to `cap` (time and cell filters alone: always exact). */
  async count(filter: IndexFilter, cap: number): Promise<{ count: number; capped: boolean }> {
    if (this.#cellsOnly(filter)) return { count: await this.#cells.count(filter), capped: false };
    const counts = await Promise.all(
      this.shards.map(async (shard) => {
        let count = 0;
        const stoppedAt = await shard.walk(
          INDEX_SCRIPTS.count,
          filter,
          'desc',
          cap,
          null,
          this.#share(Math.max(cap, SEARCH_BUDGET)),
          (values) => {
            count += Number(values[2]);
            return Number(values[2]);
          },
        );
        return { count, stopped: stoppedAt !== null };
      }),
    );
    const count = counts.reduce((sum, each) => sum + each.count, 0);
    return { count: Math.min(count, cap), capped: counts.some((each) => each.stopped) || count >= cap };
  }

  /** Every cell with tasks in [since, until] (of `status` only, unless null), with up to `sample` runtimes each. */
  cells(since: number, until: number, sample: number, status: TaskStatus | null = null): Promise<CellStats[]> {
    return this.#stats.read(since, until, sample, status);
  }

  /** Finished tasks per minute from `since` to `until` (ms), oldest first; minutes are floor(ms / 60,000). */
  async minutes(since: number, until: number): Promise<{ minute: number; succeeded: number; failed: number }[]> {
    const first = Math.floor(since / 60_000);
    const last = Math.floor(until / 60_000);
    const fields: string[] = [];
    for (let minute = first; minute <= last; minute += 1) fields.push(`${minute}s`, `${minute}f`);
    if (fields.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { keys } of this.shards)
      for (let from = 0; from < fields.length; from += 2000)
        pipeline.hmget(keys.min, ...fields.slice(from, from + 2000));
    const replies = await execAll(pipeline);
    const totals = new Array<number>(fields.length).fill(0);
    const chunks = Math.ceil(fields.length / 2000);
    replies.forEach((reply, index) => {
      const offset = (index % chunks) * 2000;
      (valueOf(reply, `${this.prefix}min`) as (string | null)[]).forEach((value, position) => {
        totals[offset + position] = (totals[offset + position] as number) + Number(value ?? 0);
      });
    });
    const series = [];
    for (let index = 0; index < totals.length; index += 2) {
      series.push({
        minute: first + index / 2,
        succeeded: totals[index] as number,
        failed: totals[index + 1] as number,
      });
    }
    return series;
  }
}
