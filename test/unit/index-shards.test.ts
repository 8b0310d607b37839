/** The index' shards (store/index/index-shards.ts) and the merge of walks over them (index-walks.ts). */
import { describe, expect, it } from 'vitest';
import { SLOTS, keySlot } from '../../src/redis/key-slot.ts';
import { shardOf, shardPrefixes } from '../../src/store/index/index-shards.ts';
import { mergeWalks } from '../../src/store/index/index-walks.ts';

describe('index shards', () => {
  it('keeps the {ix} layout for one shard, and gives more a tag each, one in each equal slot range', () => {
    expect(shardPrefixes('celery-lens:{ix}:', 1)).toEqual(['celery-lens:{ix}:']);
    for (const count of [2, 3, 8, 16, 64]) {
      const prefixes = shardPrefixes('celery-lens:{ix}:', count);
      expect(new Set(prefixes).size).toBe(count);
      prefixes.forEach((prefix, s) => {
        expect(prefix).toMatch(new RegExp(`^celery-lens:\\{ix:${s}(\\.\\d+)?\\}:$`));
        expect(Math.floor((keySlot(`${prefix}all`) * count) / SLOTS)).toBe(s);
      });
    }
    // 8 shards on a cluster of three primaries, each a third of the slots: on every primary.
    const primaries = shardPrefixes('celery-lens:{ix}:', 8).map((prefix) => Math.floor((keySlot(prefix) * 3) / SLOTS));
    expect(new Set(primaries).size).toBe(3);
  });

  it('puts a task in the same shard every time, the tasks of a fleet spread evenly', () => {
    const ids = Array.from({ length: 8000 }, (_, i) => `task-${i}`);
    const counts = new Array<number>(8).fill(0);
    for (const id of ids) counts[shardOf(id, 8)] = (counts[shardOf(id, 8)] as number) + 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(shardOf('a-task', 8)).toBe(shardOf('a-task', 8));
    expect(shardOf('a-task', 1)).toBe(0);
  });
});

describe('merging the shards’ walks', () => {
  const e = (at: number, id = `t${at}`) => ({ at, id });

  it('takes a page of the merged order when no shard stopped', () => {
    const merged = mergeWalks(
      [
        { entries: [e(9), e(5), e(1)], stoppedAt: null },
        { entries: [e(8), e(7)], stoppedAt: null },
      ],
      'desc',
      4,
    );
    expect(merged).toEqual({ entries: [e(9), e(8), e(7), e(5)], stoppedAt: null });
  });

  it('keeps only what comes before where the least advanced shard stopped, and stops there', () => {
    // Shard 2 examined down to 6 only: shard 1's 5 and 1 may come after tasks of shard 2 not read yet.
    const merged = mergeWalks(
      [
        { entries: [e(9), e(5), e(1)], stoppedAt: null },
        { entries: [e(8)], stoppedAt: e(6) },
      ],
      'desc',
      10,
    );
    expect(merged).toEqual({ entries: [e(9), e(8)], stoppedAt: e(6) });
  });

  it('is complete up to the last entry of a shard that found a whole page', () => {
    const merged = mergeWalks(
      [
        { entries: [e(1), e(2)], stoppedAt: null },
        { entries: [e(3), e(4), e(5)], stoppedAt: e(9) },
      ],
      'asc',
      2,
    );
    expect(merged).toEqual({ entries: [e(1), e(2)], stoppedAt: null });
  });
});
