/**
 * --index-max-tasks over several shards (index-shards.ts). A write script
 * sees its own shard only, so each batch keeps each shard within its share
 * of the maximum, with some slack (ids hash evenly, not exactly); the
 * retention pass (TaskIndex.trim, every minute) then drops exactly the
 * oldest tasks past the maximum over all shards, by (time, id) as one
 * shard would: the shards' oldest entries merged tell how many each drops.
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
 * How many tasks each shard keeps for the index to hold `maxTasks` at most
 * over all shards, dropping the oldest by (time, id) as one shard would:
 * the shards' oldest entries merged, each shard's count among the first
 * `over`; null when they fit. At most OVER_PER_ROUND a round.
 */
async function shardQuotas(
  redis: StoreRedis,
  shards: readonly IndexShard[],
  maxTasks: number,
): Promise<number[] | null> {
  const label = shards[0]?.keys.all ?? 'the index';
  const sizes = redis.pipeline();
  for (const shard of shards) sizes.zcard(shard.keys.all);
  const cards = (await execAll(sizes)).map((reply) => Number(valueOf(reply, label)));
  const over = Math.min(cards.reduce((sum, card) => sum + card, 0) - maxTasks, OVER_PER_ROUND);
  if (over <= 0) return null;
  const oldest = redis.pipeline();
  for (const shard of shards) oldest.zrange(shard.keys.all, 0, over - 1, 'WITHSCORES');
  const entries = (await execAll(oldest)).flatMap((reply, s) => {
    const pairs = valueOf(reply, label) as string[];
    const out: { s: number; at: number; id: string }[] = [];
    for (let index = 0; index + 1 < pairs.length; index += 2)
      out.push({ s, at: Number(pairs[index + 1]), id: pairs[index] as string });
    return out;
  });
  entries.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const quotas = [...cards];
  for (const { s } of entries.slice(0, over)) quotas[s] = (quotas[s] as number) - 1;
  return quotas;
}

/** One retention pass over every shard at `cutoff`; returns how many tasks it dropped. */
export async function trimShards(
  redis: StoreRedis,
  shards: readonly IndexShard[],
  maxTasks: number,
  cutoff: number,
): Promise<number> {
  let removed = 0;
  // Age first, each shard within its share; then the maximum over all of them.
  for (const shard of shards) removed += await shard.trim(cutoff);
  if (shards.length === 1) return removed;
  for (let round = 0; round < 1000; round += 1) {
    const quotas = await shardQuotas(redis, shards, maxTasks);
    if (quotas === null) break;
    let dropped = 0;
    for (const [s, shard] of shards.entries()) dropped += await shard.trim(cutoff, quotas[s]);
    removed += dropped;
    if (dropped === 0) break;
  }
  return removed;
}
