/**
 * Workflow roots learnt after the write, on an index of several shards. A
 * stored result names its parent, not its root; the update script finds the
 * root in the parent's record, which it can read only in its own shard. When
 * the parent lives in another, the script takes the parent as the root and
 * tells it back ("id\x1fparent"); the process that wrote it (the consumer,
 * the heal, the backfill) then reads the parent's record and, when the parent
 * has a root, gives it to the task: what one shard finds in the write itself.
 */
import type { StoreRedis } from '../../redis/store-redis.ts';
import { execAll, valueOf } from '../../redis/redis-replies.ts';
import type { IndexShard, RootFix } from './index-shard.ts';
import { byShard, shardOf } from './index-shards.ts';

/** Most tasks moved from one wrongly taken root per call: a workflow's size, not a whole index. */
const MAX_ADOPTED = 10_000;

export interface RerootIndex {
  readonly redis: StoreRedis;
  readonly prefix: string;
  readonly shards: readonly IndexShard[];
  /** Each task's record (null: not indexed), read from its shard. */
  records(ids: readonly string[]): Promise<Map<string, string | null>>;
}

/** Gives the tasks told back by update scripts the root their parent has (see above); one or two round trips. */
export async function reroot(index: RerootIndex, told: readonly string[], now: number): Promise<void> {
  const count = index.shards.length;
  const guesses = told.flatMap((entry) => {
    const [id = '', parent = ''] = entry.split('\x1f');
    return parent !== '' && shardOf(id, count) !== shardOf(parent, count) ? [{ id, parent }] : [];
  });
  if (guesses.length === 0) return;
  const records = await index.records(guesses.map(({ parent }) => parent));
  // A parent guessed in the same writes (a chain's results in one batch) has the root this call finds for it.
  const parents = new Map(guesses.map(({ id, parent }) => [id, parent]));
  const rootOf = (parent: string, depth = 0): string => {
    const stored = records.get(parent)?.split('\x1f')[2] ?? '';
    const above = parents.get(parent);
    if (above === undefined || depth > guesses.length) return stored;
    return rootOf(above, depth + 1) || stored;
  };
  const fixes: RootFix[] = [];
  for (const { id, parent } of guesses) {
    const root = rootOf(parent);
    if (root !== '' && root !== id) fixes.push({ id, parent, root });
  }
  if (fixes.length === 0) return;
  fixes.push(...(await adopted(index, fixes)));
  const pipeline = index.redis.pipeline();
  for (const [s, group] of byShard(fixes, count, ({ id }) => id))
    (index.shards[s] as IndexShard).queueReroots(pipeline, group, now);
  for (const reply of await execAll(pipeline)) valueOf(reply, `${index.prefix}*`);
}

/**
 * A parent taken as a root that has a root itself is nobody's root: the tasks
 * of any shard that found it as their root in their own write (the guessed
 * task's descendants, whose script read the guessed record in its shard)
 * belong to the parent's root too.
 */
async function adopted(index: RerootIndex, fixes: readonly RootFix[]): Promise<RootFix[]> {
  const wrong = new Map(fixes.map(({ parent, root }) => [parent, root]));
  const reads: [string, IndexShard][] = [];
  const pipeline = index.redis.pipeline();
  for (const parent of wrong.keys())
    for (const shard of index.shards) {
      reads.push([parent, shard]);
      pipeline.zrange(`${shard.prefix}r:${parent}`, 0, MAX_ADOPTED - 1);
    }
  const fixed = new Set(fixes.map(({ id }) => id));
  const replies = await execAll(pipeline);
  return reads.flatMap(([parent, shard], index) => {
    const members = valueOf(replies[index], `${shard.prefix}r:${parent}`) as string[];
    const root = wrong.get(parent) as string;
    return members.filter((id) => !fixed.has(id) && id !== root).map((id) => ({ id, parent, root }));
  });
}
