/**
 * The key names of one shard of the task index (task-index.ts describes what
 * each holds), all `<lens-prefix>{ix}:…` (one shard) or `<lens-prefix>{ix:<s>}:…`
 * (index-shards.ts): one hash tag a shard, so a shard's keys live in one Redis
 * Cluster slot. The write script has to: it discovers keys as it goes (the
 * cell a task moves to, numbered in the script; the workflow and kwargs sets
 * of a record it reads; the entries it trims), which no caller can name in
 * KEYS beforehand (lua/update.lua).
 */
export interface IndexKeys {
  /** `<lens-prefix>{ix}:` or `<lens-prefix>{ix:<s>}:`, what every key of the shard begins with. */
  readonly prefix: string;
  readonly rec: string;
  readonly all: string;
  readonly cells: string;
  readonly cellid: string;
  readonly cellseq: string;
  readonly min: string;
  readonly held: string;
  /**
   * STRING, set for 10 minutes by every write of a worker's task event: workers send task events, so an end a
   * result tells first waits for its event in every process, a replica that has heard none itself yet included.
   */
  readonly worked: string;
  /** The backfill's saved SCAN cursor. */
  readonly backfill: string;
  /** A channel, not a key (the index publishes on its first shard's prefix's: task-index.ts). */
  readonly changes: string;
  /** ZSET: the tasks of cell n. */
  cell(n: string): string;
  /** ZSET: the tasks of a workflow. */
  root(rootId: string): string;
  /** ZSET: the tasks with this kwargs value (`key=json`). */
  kwarg(pair: string): string;
}

export function indexKeys(prefix: string): IndexKeys {
  return {
    prefix,
    rec: `${prefix}rec`,
    all: `${prefix}all`,
    cells: `${prefix}cells`,
    cellid: `${prefix}cellid`,
    cellseq: `${prefix}cellseq`,
    min: `${prefix}min`,
    held: `${prefix}held`,
    worked: `${prefix}worked`,
    backfill: `${prefix}backfill`,
    changes: `${prefix}changes`,
    cell: (n) => `${prefix}c:${n}`,
    root: (rootId) => `${prefix}r:${rootId}`,
    kwarg: (pair) => `${prefix}k:${pair}`,
  };
}
