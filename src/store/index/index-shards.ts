/**
 * How the task index is spread over Redis Cluster slots (--index-shards):
 * `count` shards, each a whole index of its own (index-shard.ts: records,
 * order, cells, workflows, kwargs values, minutes) under one hash tag, a task
 * in the shard its id hashes to. Every script a write or a read runs touches
 * the keys of one shard, so one slot; a query reads every shard (one
 * pipeline, split per node on a cluster: redis/node-batch.ts) and merges
 * (task-index.ts).
 *
 * One shard is today's layout, `<lens-prefix>{ix}:…`, unchanged. More are
 * `<lens-prefix>{ix:<s>}:…` (or `{ix:<s>.<k>}` when that lands better): shard
 * s's tag is chosen so that its slot falls in the middle of the s-th of
 * `count` equal slot ranges, so the shards spread over the primaries of a
 * cluster whose slots are split evenly (redis-cli --cluster create), instead
 * of wherever CRC16 happens to put `ix:0`…`ix:<n>`.
 */
import { SLOTS, keySlot } from '../../redis/key-slot.ts';

/** The tag of shard `s` of `count`: `<tag>:<s>`, or `<tag>:<s>.<k>` for the first k whose slot is mid-range. */
function spreadTag(tag: string, s: number, count: number): string {
  const width = SLOTS / count;
  const lo = (s + 0.25) * width;
  const hi = (s + 0.75) * width;
  for (let k = 0; ; k += 1) {
    const candidate = k === 0 ? `${tag}:${s}` : `${tag}:${s}.${k}`;
    const slot = keySlot(`{${candidate}}`);
    // Past a few hundred tries (a range narrower than a slot or two): the range itself.
    if ((slot >= lo && slot < hi) || (k > 4 * count && slot >= s * width && slot < (s + 1) * width)) return candidate;
  }
}

/** The key prefixes of the shards of the index whose one-shard prefix is `prefix` (`<lens-prefix>{ix}:`). */
export function shardPrefixes(prefix: string, count: number): string[] {
  if (count === 1) return [prefix];
  const open = prefix.lastIndexOf('{');
  const close = prefix.lastIndexOf('}');
  if (open < 0 || close < open) throw new Error(`the index prefix ${prefix} has no hash tag`);
  const tag = prefix.slice(open + 1, close);
  return Array.from(
    { length: count },
    (_, s) => `${prefix.slice(0, open)}{${spreadTag(tag, s, count)}}${prefix.slice(close + 1)}`,
  );
}

/** The shard a task lives in: its id's CRC16 (key-slot.ts) modulo the count, the same in every process. */
export function shardOf(id: string, count: number): number {
  return count === 1 ? 0 : keySlot(id) % count;
}

/** `items` grouped by the shard their task lives in (`idOf` names the task), in their order within each. */
export function byShard<T>(items: readonly T[], count: number, idOf: (item: T) => string): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const s = shardOf(idOf(item), count);
    const group = groups.get(s);
    if (group) group.push(item);
    else groups.set(s, [item]);
  }
  return groups;
}
