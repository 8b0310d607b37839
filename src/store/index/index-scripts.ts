/**
 * The task index' Lua scripts (lua/*.lua, each with a header naming its KEYS
 * and ARGV; task-index.ts describes the layout), read once, and the KEYS of
 * each call. Every key a script touches is in KEYS, except those the write
 * script discovers as it runs (lua/update.lua says which and why); all of
 * them share the hash tag of index-keys.ts, so each script runs on Redis
 * Cluster.
 */
import type { StoreRedis } from '../../redis/store-redis.ts';
import type { IndexKeys } from './index-keys.ts';
import { type LuaScript, defineScript, luaScript } from '../../redis/lua-scripts.ts';

const script = (name: string, file: string): LuaScript => luaScript(name, new URL(`./lua/${file}`, import.meta.url));

export const INDEX_SCRIPTS = {
  /** An event batch's or published meta's writes, and retention's trim. */
  update: script('lensIndexUpdate', 'update.lua'),
  /** Publishes the ends held for their worker's event that did not come in time. */
  release: script('lensIndexRelease', 'release.lua'),
  /** A page of a walked search (a workflow, kwargs, or too many cells to merge). */
  search: script('lensIndexSearch', 'search.lua'),
  /** One shard's part of a page filtered on its cells, when the index has several (index-cells.ts). */
  page: script('lensIndexPage', 'page.lua'),
  /** The same walk, counting. */
  count: script('lensIndexCount', 'count.lua'),
  /** taskStats' and failures' per-cell reads. */
  cells: script('lensIndexCells', 'cell-stats.lua'),
  /** Forgets cells left without tasks. */
  sweep: script('lensIndexSweep', 'sweep.lua'),
} as const;

/** Defines every index script on a connection, before the pipelines that call them are made. */
export function defineIndexScripts(redis: StoreRedis): void {
  for (const each of Object.values(INDEX_SCRIPTS)) defineScript(redis, each);
}

export function updateKeys(keys: IndexKeys): string[] {
  return [keys.rec, keys.cells, keys.cellid, keys.cellseq, keys.all, keys.min, keys.held, keys.worked];
}

export function releaseKeys(keys: IndexKeys): string[] {
  return [keys.rec, keys.cells, keys.held];
}

/** search.lua's and count.lua's: the workflow's set when one is asked, and each kwargs value's. */
export function walkKeys(
  keys: IndexKeys,
  rootId: string | null,
  kwargs: readonly { readonly key: string; readonly value: string }[],
): string[] {
  return [
    keys.rec,
    keys.cells,
    keys.all,
    ...(rootId ? [keys.root(rootId)] : []),
    ...kwargs.map(({ key, value }) => keys.kwarg(`${key}=${value}`)),
  ];
}

/** cell-stats.lua's: the records, then each cell's set. */
export function cellStatsKeys(keys: IndexKeys, cells: readonly string[]): string[] {
  return [keys.rec, ...cells.map((n) => keys.cell(n))];
}

/** sweep.lua's: the registry, then each cell's set. */
export function sweepKeys(keys: IndexKeys, cells: readonly string[]): string[] {
  return [keys.cells, keys.cellid, ...cells.map((n) => keys.cell(n))];
}
