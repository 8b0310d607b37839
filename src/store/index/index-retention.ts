/**
 * --index-max-tasks over several shards (index-shards.ts). A write script
 * sees its own shard only, so each batch keeps each shard within its share
 * of the maximum, with some slack (ids hash evenly, not exactly); the
 * retention pass (TaskIndex.trim, every minute and at each batch's own
 * trim) then drops exactly the oldest tasks past the maximum over all
 * shards: it finds the time of the newest of them (the shards' oldest
 * entries, merged) and has each shard drop what is older.
 */
import type { StoreRedis } from '../../redis/store-redis.ts';
import { execAll, valueOf } from '../../redis/redis-replies.ts';
import type { IndexShard } from './index-shard.ts';

/** Tasks past the maximum one pass looks at, per round (a bounded read of each shard). */
const OVER_PER_ROUND = 10_000;

/** A shard's share of `maxTasks` between two retention passes: its part, a fifth more, and a few. */
export function shardShare(maxTasks: number, shards: number): number {
  return shards === 1 ? maxTasks : Math.ceil((maxTasks / shards) * 1.2) + 10;
}

/**
 * The time before which every task goes for the index to hold `maxTasks`
 * at most, over all shards (at least `cutoff`); `cutoff` itself when they
 * fit. Other tasks of the newest one's millisecond go too (ties are rare).
 */
async function maxTasksCutoff(
  redis: StoreRedis,
  shards: readonly IndexShard[],
  maxTasks: number,
  cutoff: number,
): Promise<number> {
  const sizes = redis.pipeline();
  for (const shard of shards) sizes.zcount(shard.keys.all, `(${cutoff}`, '+inf');
  const total = (await execAll(sizes)).reduce((sum, reply) => sum + Number(valueOf(reply, shards[0]?.keys.all ?? '')), 0);
  const over = Math.min(total - maxTasks, OVER_PER_ROUND);
  if (over <= 0) return cutoff;
  const oldest = redis.pipeline();
  for (const shard of shards) oldest.zrangebyscore(shard.keys.all, `(${cutoff}`, '+inf', 'WITHSCORES', 'LIMIT', 0, over);
  const times = (await execAll(oldest))
    .flatMap((reply) => (valueOf(reply, shards[0]?.keys.all ?? '') as string[]).filter((_, index) => index % 2 === 1))
    .map(Number)
    .sort((a, b) => a - b);
  // The `over` oldest go, and any other task of the newest one's very millisecond.
  const newest = times[over - 1];
  return newest === undefined ? cutoff : Math.max(cutoff, newest + 1);
}

/** One retention pass over every shard at `cutoff`; returns how many tasks it dropped. */
export async function trimShards(
  redis: StoreRedis,
  shards: readonly IndexShard[],
  maxTasks: number,
  cutoff: number,
): Promise<number> {
  let removed = 0;
  for (let round = 0; ; round += 1) {
    const at = shards.length === 1 ? cutoff : await maxTasksCutoff(redis, shards, maxTasks, cutoff);
    let dropped = 0;
    for (const shard of shards) dropped += await shard.trim(at);
    removed += dropped;
    if (at === cutoff || dropped === 0 || round > 100) return removed;
  }
}
