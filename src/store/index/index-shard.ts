/**
 * One shard of the task index (index-shards.ts): a whole index under one
 * hash tag, so one Redis Cluster slot, as task-index.ts describes the layout.
 * It writes its tasks' updates, trims itself, and walks its own sets; the
 * index (task-index.ts) routes each task to its shard and merges what the
 * shards answer.
 */
import { PackedValues } from '../packed-args.ts';
import type { ChainableCommander } from 'ioredis';
import type { StoreRedis } from '../../redis/store-redis.ts';
import type { HoldEnds, IndexEntry, IndexFilter, IndexOrder, IndexSettings, IndexUpdate } from './index-types.ts';
import { sweepCells } from './index-cell-registry.ts';
import { CellCopy } from './index-cell-copy.ts';
import { type IndexKeys, indexKeys } from './index-keys.ts';
import { INDEX_SCRIPTS, releaseKeys, sweepKeys, updateKeys, walkKeys } from './index-scripts.ts';
import { type LuaScript, queueScript, runScript } from '../../redis/lua-scripts.ts';
import { execAll, guarded, valueOf } from '../../redis/redis-replies.ts';

/** Outermost times a filter may name (what a Date holds). */
const MIN_TIME = -8.64e15;
const MAX_TIME = 8.64e15;
/** Entries removed at most per write batch beyond the batch itself, and per trim call (a few ms of Redis). */
const TRIM_PER_BATCH = 16;
const TRIM_PER_CALL = 100;
/** Entries a walk examines per script call (a few ms of Redis). */
const WALK_PER_CALL = 200;

const SOURCE_CODES = { worker: 'w', client: 'c', meta: 'm' } as const;

const HOLD_CODES: Readonly<Record<HoldEnds, string>> = { always: '2', worked: '1', never: '0' };

function filterArgs(
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

/** An update's 13 values (lua/update.lua), packed into one script argument (store/packed-args.ts). */
function packUpdate(packed: PackedValues, u: IndexUpdate): void {
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

/** A task whose root the write took to be its parent, and the root that parent has in its own shard. */
export interface RootFix {
  readonly id: string;
  readonly parent: string;
  readonly root: string;
}

export class IndexShard {
  readonly keys: IndexKeys;
  /** This process' copy of the shard's cell registry (index-cell-copy.ts). */
  readonly copy: CellCopy;

  constructor(
    readonly redis: StoreRedis,
    /** `<lens-prefix>{ix}:` or `<lens-prefix>{ix:<s>}:` (index-shards.ts). */
    readonly prefix: string,
    /** The index' one changes channel, whatever shard publishes. */
    readonly channel: string,
    /** This shard's share: --index-max-tasks divided among the shards. */
    readonly settings: IndexSettings,
  ) {
    this.keys = indexKeys(prefix);
    this.copy = new CellCopy(redis, prefix);
  }

  /** Appends one write script over these updates (all of this shard's tasks) to a pipeline. */
  queueUpdates(pipeline: ChainableCommander, updates: readonly IndexUpdate[], now: number, hold: HoldEnds): void {
    const args: (string | number)[] = [
      this.prefix,
      this.channel,
      this.settings.maxTasks,
      this.cutoff(now),
      updates.length + TRIM_PER_BATCH,
      HOLD_CODES[hold],
    ];
    const packed = new PackedValues();
    for (const u of updates) packUpdate(packed, u);
    args.push(packed.toString());
    queueScript(pipeline, INDEX_SCRIPTS.update, updateKeys(this.keys), args);
  }

  /** Appends the script that gives each task its parent's root, while its root is still that parent (lua/update.lua). */
  queueReroots(pipeline: ChainableCommander, fixes: readonly RootFix[], now: number): void {
    const args: (string | number)[] = [this.prefix, this.channel, this.settings.maxTasks, this.cutoff(now), 0, '0'];
    const packed = new PackedValues();
    for (const { id, root, parent } of fixes)
      for (const value of [id, '', '', '', '', '', root, parent, '', '', '', 'r', '']) packed.add(value);
    args.push(packed.toString());
    queueScript(pipeline, INDEX_SCRIPTS.update, updateKeys(this.keys), args);
  }

  /** Publishes the held ends among `ids` whose worker's event has not come (lua/release.lua). */
  release(ids: readonly string[]): Promise<number> {
    return guarded(() =>
      runScript<number>(this.redis, INDEX_SCRIPTS.release, releaseKeys(this.keys), [this.channel, ...ids]),
    );
  }

  /**
   * Drops, oldest first, what is past `maxTasks` (the shard's share of
   * --index-max-tasks unless told) or older than `cutoff` (ms), then forgets
   * cells without tasks; returns how many tasks it dropped.
   */
  async trim(cutoff: number, maxTasks = this.settings.maxTasks): Promise<number> {
    let removed = 0;
    for (;;) {
      const reply = await guarded(() =>
        runScript<number[]>(this.redis, INDEX_SCRIPTS.update, updateKeys(this.keys), [
          this.prefix,
          this.channel,
          maxTasks,
          cutoff,
          TRIM_PER_CALL,
        ]),
      );
      removed += Number(reply[1]);
      if (Number(reply[1]) < TRIM_PER_CALL) break;
    }
    await sweepCells(this.redis, this.keys.cells, (cells) =>
      runScript<number>(this.redis, INDEX_SCRIPTS.sweep, sweepKeys(this.keys, cells), cells),
    );
    return removed;
  }

  /** Where retention drops tasks at `now`: those whose latest state is older. */
  cutoff(now: number): number {
    return now - this.settings.retentionSeconds * 1000;
  }

  /**
   * Walks the shard's matches a script call at a time (WALK_PER_CALL entries
   * each) until `limit` were found (`take` reads a call's reply and returns
   * how many it found) or `budget` entries were examined; returns where it
   * stopped then, null when it found them all.
   */
  async walk(
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
        walkKeys(this.keys, filter.rootId ?? null, filter.kwargs ?? []),
        filterArgs(filter, order, limit - found, from, step),
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
}
