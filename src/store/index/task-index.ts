/**
 * The persistent task index, under `<lens-prefix>{ix}:`, written by the event
 * consumer and shared by every replica.
 *
 * Layout (index-keys.ts names the keys, all in one Redis Cluster slot; the
 * scripts are lua/*.lua, loaded by index-scripts.ts):
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
 * so entries that come and go before it do not shift the next page.
 */
import type { ChainableCommander } from 'ioredis';
import type { StoreRedis } from '../../redis/store-redis.ts';
import type { TaskStatus } from '../task-statuses.ts';
import type {
  CellStats,
  HoldEnds,
  IndexEntry,
  IndexFilter,
  IndexOrder,
  IndexSettings,
  IndexUpdate,
} from './index-types.ts';
import type { IndexStorage } from '../store.ts';
import { sweepCells } from './index-cell-registry.ts';
import { CellStatsReader } from './index-cell-stats.ts';
import { CellCopy } from './index-cell-copy.ts';
import { CellIndex } from './index-cells.ts';
import { type IndexKeys, indexKeys } from './index-keys.ts';
import {
  INDEX_SCRIPTS,
  cellStatsKeys,
  defineIndexScripts,
  releaseKeys,
  sweepKeys,
  updateKeys,
  walkKeys,
} from './index-scripts.ts';
import { type LuaScript, queueScript, runScript } from '../../redis/lua-scripts.ts';
import { type Reply, execAll, guarded, valueOf } from '../../redis/redis-replies.ts';
import { PackedValues } from '../packed-args.ts';

/** Outermost times a filter may name (what a Date holds). */
const MIN_TIME = -8.64e15;
const MAX_TIME = 8.64e15;
/** Entries removed at most per write batch beyond the batch itself, and per trim call (a few ms of Redis). */
const TRIM_PER_BATCH = 16;
const TRIM_PER_CALL = 100;
/** Tasks one update script writes at most. */
const UPDATES_PER_SCRIPT = 200;
/** Entries a search examines at most when it walks (a workflow, kwargs, or too many cells to merge)… */
export const SEARCH_BUDGET = 20_000;
/** …and per script call (a few ms of Redis). */
const WALK_PER_CALL = 200;
/**
 * How long an end told by a stored result waits for its worker's
 * task-succeeded/-failed event (which follows within a second) before
 * taskEvents hears it without that event's finishedAt and runtime (and
 * hears it again, with them, should the event come later).
 */
export const HOLD_MS = 5000;

const SOURCE_CODES = { worker: 'w', client: 'c', meta: 'm' } as const;

const HOLD_CODES: Readonly<Record<HoldEnds, string>> = { always: '2', worked: '1', never: '0' };

export class TaskIndex implements IndexStorage {
  readonly #cells: CellIndex;
  readonly #stats: CellStatsReader;
  readonly #keys: IndexKeys;

  constructor(
    readonly redis: StoreRedis,
    /** `<lens-prefix>{ix}:`. */
    readonly prefix: string,
    readonly settings: IndexSettings,
  ) {
    const keys = indexKeys(prefix);
    this.#keys = keys;
    const copy = new CellCopy(redis, prefix);
    this.#cells = new CellIndex(copy);
    this.#stats = new CellStatsReader(copy, (pipeline, cells, args) =>
      queueScript(pipeline, INDEX_SCRIPTS.cells, cellStatsKeys(keys, cells), args),
    );
    defineIndexScripts(redis);
  }

  /** The channel changes are published on, a batch a message (index-feed.ts decodes them). */
  get changesChannel(): string {
    return this.#keys.changes;
  }

  /**
   * Appends the index writes of `updates` to a pipeline the caller runs: one
   * command for an event batch (a worker sends up to 24 events a message),
   * one per UPDATES_PER_SCRIPT for more, so no one script holds Redis long.
   * An end told by a result first may wait for its worker's event (`hold`;
   * the caller then hands the scripts' replies to releaseLater). Returns how
   * many commands it appended.
   */
  addUpdates(
    pipeline: ChainableCommander,
    updates: readonly IndexUpdate[],
    now = Date.now(),
    hold: HoldEnds = 'never',
  ): number {
    let added = 0;
    for (let from = 0; from < updates.length; from += UPDATES_PER_SCRIPT) {
      this.#addScript(pipeline, updates.slice(from, from + UPDATES_PER_SCRIPT), now, hold);
      added += 1;
    }
    return added;
  }

  #addScript(pipeline: ChainableCommander, updates: readonly IndexUpdate[], now: number, hold: HoldEnds): void {
    const args: (string | number)[] = [
      this.prefix,
      this.#keys.changes,
      this.settings.maxTasks,
      this.#cutoff(now),
      updates.length + TRIM_PER_BATCH,
      HOLD_CODES[hold],
    ];
    const packed = new PackedValues();
    for (const u of updates) {
      const kwargs = Object.entries(u.kwargs)
        .map(([key, value]) => `${key}=${value}`)
        .join('\x1e');
      packed.add(u.id);
      packed.add(u.status);
      packed.add(String(Math.round(u.at)));
      packed.add(u.name ?? '');
      packed.add(u.worker ?? '');
      packed.add(u.queue ?? '');
      packed.add(u.rootId ?? '');
      packed.add(u.parentId ?? '');
      packed.add(u.exceptionType ?? '');
      packed.add(u.runtime === null ? '' : String(u.runtime));
      packed.add(kwargs);
      packed.add(SOURCE_CODES[u.source]);
      packed.add(u.digest ?? '');
    }
    args.push(packed.toString());
    queueScript(pipeline, INDEX_SCRIPTS.update, updateKeys(this.#keys), args);
  }

  /**
   * Given the replies of update scripts that may have held ends: HOLD_MS later,
   * publishes the ends they held whose worker's event has not come (the
   * event, when it comes, publishes and clears them first: once in all; after
   * it, once more, with its finishedAt).
   * A failure then (Redis away) leaves them to that event.
   */
  releaseLater(replies: readonly Reply[]): void {
    const ids = replies.flatMap(([error, value]) => (error || !Array.isArray(value) ? [] : value.slice(2).map(String)));
    if (ids.length === 0) return;
    setTimeout(() => {
      guarded(() =>
        runScript<number>(this.redis, INDEX_SCRIPTS.release, releaseKeys(this.#keys), [this.#keys.changes, ...ids]),
      ).catch(() => {});
    }, HOLD_MS).unref();
  }

  /** The time of each task's latest state as the index orders it (ms), null for a task not in it; one round trip. */
  async latestTimes(ids: readonly string[]): Promise<(number | null)[]> {
    if (ids.length === 0) return [];
    const key = this.#keys.rec;
    const [reply] = await execAll(this.redis.pipeline().hmget(key, ...ids));
    return (valueOf(reply, key) as (string | null)[]).map((raw) => {
      const at = raw === null ? Number.NaN : Number(raw.split('\x1f')[1]);
      return Number.isFinite(at) ? at : null;
    });
  }

  /**
   * Drops what retention says is too old or too many, oldest first, then
   * forgets cells left without tasks by earlier versions; returns how many tasks it dropped.
   */
  async trim(now = Date.now()): Promise<number> {
    let removed = 0;
    for (;;) {
      const reply = await guarded(() =>
        runScript<number[]>(this.redis, INDEX_SCRIPTS.update, updateKeys(this.#keys), [
          this.prefix,
          this.#keys.changes,
          this.settings.maxTasks,
          this.#cutoff(now),
          TRIM_PER_CALL,
        ]),
      );
      removed += Number(reply[1]);
      if (Number(reply[1]) < TRIM_PER_CALL) break;
    }
    await sweepCells(this.redis, this.#keys.cells, (cells) =>
      runScript<number>(this.redis, INDEX_SCRIPTS.sweep, sweepKeys(this.#keys, cells), cells),
    );
    return removed;
  }

  #cutoff(now: number): number {
    return now - this.settings.retentionSeconds * 1000;
  }

  /** Filters the cells alone answer (no workflow, no kwargs): plain reads, no script. */
  #cellsOnly(filter: IndexFilter): boolean {
    return !filter.rootId && (filter.kwargs ?? []).length === 0;
  }

  #filterArgs(
    filter: IndexFilter,
    order: IndexOrder,
    limit: number,
    after: IndexEntry | null,
    budget: number,
  ): (string | number)[] {
    return [
      order,
      filter.since ?? MIN_TIME,
      filter.until ?? MAX_TIME,
      limit,
      after === null ? '' : after.at,
      after === null ? '' : after.id,
      (filter.statuses ?? []).join(','),
      filter.name ?? '',
      filter.namePrefix ?? '',
      filter.worker ?? '',
      filter.queue ?? '',
      filter.rootId ?? '',
      budget,
    ];
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
    const entries: IndexEntry[] = [];
    const stoppedAt = await this.#walk(INDEX_SCRIPTS.search, filter, order, limit, after, budget, (values) => {
      for (let index = 2; index < values.length; index += 2)
        entries.push({ id: values[index] as string, at: Number(values[index + 1]) });
      return (values.length - 2) / 2;
    });
    return { entries, stoppedAt };
  }

  /** How many tasks match, exactly up to `cap` (time and cell filters alone: always exact). */
  async count(filter: IndexFilter, cap: number): Promise<{ count: number; capped: boolean }> {
    if (this.#cellsOnly(filter)) return { count: await this.#cells.count(filter), capped: false };
    let count = 0;
    const stoppedAt = await this.#walk(
      INDEX_SCRIPTS.count,
      filter,
      'desc',
      cap,
      null,
      Math.max(cap, SEARCH_BUDGET),
      (values) => {
        count += Number(values[2]);
        return Number(values[2]);
      },
    );
    return { count, capped: stoppedAt !== null || count >= cap };
  }

  /**
   * Walks the matches a script call at a time (WALK_PER_CALL entries each)
   * until `limit` were found (`take` reads a call's reply and returns how
   * many it found) or `budget` entries were examined; returns where it
   * stopped then, null when it found them all.
   */
  async #walk(
    script: LuaScript,
    filter: IndexFilter,
    order: IndexOrder,
    limit: number,
    after: IndexEntry | null,
    budget: number,
    take: (values: readonly unknown[]) => number,
  ): Promise<IndexEntry | null> {
    let from = after;
    let found = 0;
    for (let spent = 0; ; spent += WALK_PER_CALL) {
      const step = Math.max(1, Math.min(WALK_PER_CALL, budget - spent));
      const pipeline = this.redis.pipeline();
      queueScript(
        pipeline,
        script,
        walkKeys(this.#keys, filter.rootId ?? null, filter.kwargs ?? []),
        this.#filterArgs(filter, order, limit - found, from, step),
      );
      const [reply] = await execAll(pipeline);
      const values = valueOf(reply, `${this.prefix}*`) as unknown[];
      found += take(values);
      const stopped: IndexEntry | null = values[1] ? { at: Number(values[0]), id: String(values[1]) } : null;
      if (stopped === null || found >= limit) return null;
      if (spent + step >= budget) return stopped;
      from = stopped;
    }
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
    const key = this.#keys.min;
    const pipeline = this.redis.pipeline();
    for (let from = 0; from < fields.length; from += 2000) pipeline.hmget(key, ...fields.slice(from, from + 2000));
    const values = (await execAll(pipeline)).flatMap((reply) => valueOf(reply, key) as (string | null)[]);
    const series = [];
    for (let index = 0; index < values.length; index += 2) {
      series.push({
        minute: first + index / 2,
        succeeded: Number(values[index] ?? 0),
        failed: Number(values[index + 1] ?? 0),
      });
    }
    return series;
  }
}
