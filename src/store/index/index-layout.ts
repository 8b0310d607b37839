/**
 * Which layout of the index a store holds, looked at once at start. The
 * shard count (--index-shards) decides every key name, so a process started
 * with another count than the store's replicas, or than the store was filled
 * with (a Cluster store before shards existed kept the one-shard `{ix}:`
 * layout, and `auto` now means 8 there), reads and writes another index: an
 * empty one. Nothing is moved; the operator is told (app.ts logs it).
 */
import type { StoreRedis } from '../../redis/store-redis.ts';
import { execAll, valueOf } from '../../redis/redis-replies.ts';

export interface IndexLayout {
  /** The count this process uses. */
  readonly shards: number;
  /** The count the store recorded first (`{ix}:shards`), when another than this process'. */
  readonly recorded: number | null;
  /** Tasks in the one-shard layout, when this process uses several (0: none left there). */
  readonly unsharded: number;
}

/** Records `shards` under `<prefix>shards` unless a count is there already; answers what differs. */
export async function checkIndexLayout(redis: StoreRedis, prefix: string, shards: number): Promise<IndexLayout> {
  const key = `${prefix}shards`;
  // GET then SET NX rather than SET … NX GET, which Redis 6 lacks.
  const pipeline = redis.pipeline().get(key).set(key, String(shards), 'NX');
  if (shards > 1) pipeline.zcard(`${prefix}all`);
  const [got, , all] = await execAll(pipeline);
  const before = valueOf(got, key) as string | null;
  const recorded = before === null || Number(before) === shards ? null : Number(before);
  return { shards, recorded, unsharded: all ? Number(valueOf(all, `${prefix}all`)) : 0 };
}
