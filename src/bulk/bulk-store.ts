/**
 * Bulk actions in celery-lens' own keys, under `<lens-prefix>{bulk}:` (one
 * hash tag: the scripts touch several keys at once):
 * - `action:<id>` HASH: kind, filter, options, counts, state, times, the
 *   walk's cursor and the batch in flight (bulk-decode.ts);
 * - `acted:<id>` SET: every task the action claimed, so none is acted on twice;
 * - `lease:<id>` STRING: the process running it, with a TTL it renews;
 * - `all` ZSET: ids by start time (bulkActions), `running` SET: RUNNING ids
 *   (what a process looks for to take over);
 * - `changes`: a channel, one message (the id) per change.
 * A RUNNING action has no TTL; an ended one is kept RETENTION_SECONDS.
 */
import { randomUUID } from 'node:crypto';
import type { StoreRedis } from '../redis/store-redis.ts';
import { holdLease } from '../redis/lease.ts';
import { type LuaScript, luaScript, runScript } from '../redis/lua-scripts.ts';
import { execAll, guarded, valueOf } from '../redis/redis-replies.ts';
import type { BulkAction, BulkBatchResult, BulkState, ClaimStatus, NewBulkAction } from '../store/bulk-types.ts';
import type { BulkStorage } from '../store/store.ts';
import type { IndexEntry } from '../store/index/index-types.ts';
import { decodeAction, encodeAction, encodeCursor } from './bulk-decode.ts';
import { BulkChanges } from './bulk-changes.ts';

/** How long an ended action (and its acted ids) is kept, in seconds: a week. */
export const RETENTION_SECONDS = 7 * 86_400;

const script = (name: string, file: string): LuaScript => luaScript(name, new URL(`./lua/${file}`, import.meta.url));
const SCRIPTS = {
  claim: script('lensBulkClaim', 'claim.lua'),
  commit: script('lensBulkCommit', 'commit.lua'),
  cancel: script('lensBulkCancel', 'cancel.lua'),
};

export class BulkStore implements BulkStorage {
  readonly #changes: BulkChanges;

  constructor(
    readonly redis: StoreRedis,
    /** `<lens-prefix>{bulk}:` (lens-keys.ts). */
    readonly prefix: string,
    /** The process' shared subscriber connection. */
    subscriber: StoreRedis,
  ) {
    this.#changes = new BulkChanges(subscriber, this.changesChannel);
  }

  get changesChannel(): string {
    return `${this.prefix}changes`;
  }

  #action = (id: string) => `${this.prefix}action:${id}`;
  #acted = (id: string) => `${this.prefix}acted:${id}`;
  #lease = (id: string) => `${this.prefix}lease:${id}`;
  #all = () => `${this.prefix}all`;
  #running = () => `${this.prefix}running`;

  /**
   * Writes a new action in one transaction: RUNNING with its lease held by
   * `owner`, or (a dry run) DONE at once and kept RETENTION_SECONDS.
   */
  async create(action: NewBulkAction, owner: string, leaseMs: number, now = Date.now()): Promise<BulkAction> {
    const id = randomUUID();
    const key = this.#action(id);
    const transaction = this.redis
      .multi()
      .hset(key, encodeAction(id, action, now))
      .zadd(this.#all(), now, id)
      .zremrangebyscore(this.#all(), '-inf', now - RETENTION_SECONDS * 1000);
    if (action.dryRun) transaction.expire(key, RETENTION_SECONDS);
    else transaction.sadd(this.#running(), id).set(this.#lease(id), owner, 'PX', leaseMs);
    const replies = await execAll(transaction.publish(this.changesChannel, id));
    for (const reply of replies) valueOf(reply, key);
    const created = await this.read(id);
    if (!created) throw new Error(`bulk action ${id} vanished as it was written`);
    return created;
  }

  /** The action, or null when there is none (or it expired). */
  async read(id: string): Promise<BulkAction | null> {
    const key = this.#action(id);
    const [reply] = await execAll(this.redis.pipeline().hgetall(key));
    const hash = valueOf(reply, key) as Record<string, string>;
    return Object.keys(hash).length === 0 ? null : decodeAction(key, hash);
  }

  /** Up to `first` actions, newest first, after the action `after` (by id); `hasNext`: more follow. */
  async list(first: number, after: string | null): Promise<{ actions: BulkAction[]; hasNext: boolean }> {
    let start = 0;
    if (after !== null) {
      const rank = await guarded(() => this.redis.zrevrank(this.#all(), after));
      if (rank === null) return { actions: [], hasNext: false };
      start = rank + 1;
    }
    const ids = await guarded(() => this.redis.zrevrange(this.#all(), start, start + first));
    const page = ids.slice(0, first);
    const pipeline = this.redis.pipeline();
    for (const id of page) pipeline.hgetall(this.#action(id));
    const replies = page.length === 0 ? [] : await execAll(pipeline);
    const actions = page.flatMap((id, index) => {
      const hash = valueOf(replies[index], this.#action(id)) as Record<string, string>;
      // An id whose hash expired is left out (the ZSET is pruned by age when an action is created).
      return Object.keys(hash).length === 0 ? [] : [decodeAction(this.#action(id), hash)];
    });
    return { actions, hasNext: ids.length > first };
  }

  /** Ids of the RUNNING actions. */
  running(): Promise<string[]> {
    return guarded(() => this.redis.smembers(this.#running()));
  }

  /** Takes or renews the lease (true: `owner` holds it now); `ms` 0 gives it back. */
  async lease(id: string, owner: string, ms: number): Promise<boolean> {
    return guarded(() =>
      holdLease(this.redis, this.#lease(id), owner, ms, { key: this.#action(id), state: 'RUNNING' }),
    );
  }

  /** Claims `pairs` (task id, re-send id) and moves the cursor; answers the pairs not claimed before. */
  async claim(
    id: string,
    owner: string,
    cursor: IndexEntry | null,
    pairs: readonly (readonly [string, string])[],
  ): Promise<{ status: ClaimStatus; claimed: [string, string][] }> {
    const reply = await guarded(() =>
      runScript<string[]>(
        this.redis,
        SCRIPTS.claim,
        [this.#action(id), this.#acted(id), this.#lease(id)],
        [owner, encodeCursor(cursor), ...pairs.flat()],
      ),
    );
    const [status, ...rest] = reply.map(String);
    const claimed: [string, string][] = [];
    for (let index = 0; index + 1 < rest.length; index += 2) claimed.push([rest[index]!, rest[index + 1]!]);
    return { status: status as ClaimStatus, claimed };
  }

  /** Commits the batch in flight; answers the state after it, or null when the lease is not `owner`'s. */
  async commit(id: string, owner: string, result: BulkBatchResult, now = Date.now()): Promise<BulkState | null> {
    const state = await guarded(() =>
      runScript<string>(
        this.redis,
        SCRIPTS.commit,
        [this.#action(id), this.#lease(id), this.#running(), this.#acted(id)],
        [
          owner,
          result.done,
          result.failed,
          result.finish ?? '',
          now,
          (result.error ?? '').slice(0, 500),
          this.changesChannel,
          id,
          RETENTION_SECONDS,
        ],
      ),
    );
    return state === '' ? null : (String(state) as BulkState);
  }

  /** Cancels a RUNNING action: 'cancelled', 'ended' (it had), or 'missing'. */
  async cancel(id: string, now = Date.now()): Promise<'cancelled' | 'ended' | 'missing'> {
    const reply = await guarded(() =>
      runScript<number>(
        this.redis,
        SCRIPTS.cancel,
        [this.#action(id), this.#running(), this.#acted(id)],
        [now, this.changesChannel, id, RETENTION_SECONDS],
      ),
    );
    return reply === 1 ? 'cancelled' : reply === 0 ? 'ended' : 'missing';
  }

  /** Calls `onChange` after each change of the action; resolves, once listening, with the function that stops it. */
  watch(id: string, onChange: () => void): Promise<() => void> {
    return this.#changes.watch(id, onChange);
  }
}
