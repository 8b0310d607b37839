/**
 * The walked queries (a workflow, kwargs values, or a filter matching too
 * many cells to merge: lua/walk.lua) over every shard of the index
 * (index-shards.ts): each shard walks its own sets with its share of the
 * budget, all at once, and the pages are merged here.
 *
 * A shard's answer is complete up to a point in the order asked: where it
 * stopped (its budget spent), or its last entry when it found a whole page,
 * or everywhere. The merged page keeps only what comes up to the earliest of
 * those points (what lies beyond may miss another shard's tasks); when that
 * leaves less than a page and a shard stopped there, the page stops there too,
 * and the next call goes on from it, as one shard's walk does.
 */
import type { IndexEntry, IndexOrder } from './index-types.ts';

/** One shard's walk: what it found (at most the page asked), and where it stopped, null when it did not. */
export interface ShardWalk {
  readonly entries: readonly IndexEntry[];
  readonly stoppedAt: IndexEntry | null;
}

/** Whether `a` comes before `b` in `order` (by time, then id). */
function before(a: IndexEntry, b: IndexEntry, order: IndexOrder): boolean {
  if (a.at !== b.at) return order === 'desc' ? a.at > b.at : a.at < b.at;
  return order === 'desc' ? a.id > b.id : a.id < b.id;
}

/** The shards' pages as one page of `limit`, in order, and where it stopped (null: nothing left before it). */
export function mergeWalks(
  walks: readonly ShardWalk[],
  order: IndexOrder,
  limit: number,
): { entries: IndexEntry[]; stoppedAt: IndexEntry | null } {
  let frontier: IndexEntry | null = null;
  let stopped = false;
  for (const { entries, stoppedAt } of walks) {
    const complete = stoppedAt ?? (entries.length >= limit ? (entries.at(-1) ?? null) : null);
    if (complete && (frontier === null || before(complete, frontier, order))) {
      frontier = complete;
      stopped = stoppedAt !== null;
    } else if (complete && frontier && complete.at === frontier.at && complete.id === frontier.id && stoppedAt) {
      stopped = true;
    }
  }
  const all = walks
    .flatMap(({ entries }) => entries)
    .filter((entry) => frontier === null || !before(frontier, entry, order))
    .sort((a, b) => (before(a, b, order) ? -1 : before(b, a, order) ? 1 : 0));
  if (all.length >= limit) return { entries: all.slice(0, limit), stoppedAt: null };
  return { entries: all, stoppedAt: stopped ? frontier : null };
}
