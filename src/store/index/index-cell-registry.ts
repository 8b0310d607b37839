/**
 * The lifecycle of the index' cells (task-index.ts): a cell is numbered when
 * its first task enters it and forgotten when its last task leaves it (moved
 * to another cell, trimmed by --index-days or --index-max-tasks). So the
 * registry holds only cells that have tasks, whatever the churn of names and
 * workers (worker hostnames change on every deploy).
 *
 * `{ix}:cellseq` is the last number given: numbers are never reused, so each
 * process' copy of the registry knows from it whether cells were numbered
 * since, and a copy that still names a forgotten cell only reads an empty
 * set (index-cell-copy.ts).
 *
 * A sweep (run with retention) forgets cells left without tasks by earlier
 * versions, which never forgot any, and by replicas of them during an
 * upgrade. It walks the registry with HSCAN, a bounded batch per script call.
 *
 * The Lua is lua/cell-registry.lua (numbering and forgetting, included by
 * the write script) and lua/sweep.lua.
 */
import type { ChainableCommander } from 'ioredis';
import type { StoreRedis } from '../../redis/store-redis.ts';
import { execAll, guarded, valueOf } from '../../redis/redis-replies.ts';

/** Registry entries one HSCAN call asks for (a hint: small hashes come whole). */
const SCAN_PER_CALL = 200;

/**
 * Reads a hash an HSCAN call at a time (no one call holds Redis long), each
 * batch of [field, value, …] handed to `take`; the first call rides in
 * `first`, a pipeline the caller prepared, and its replies before HSCAN's
 * are returned.
 */
export async function scanHash(
  redis: StoreRedis,
  key: string,
  first: ChainableCommander,
  take: (fields: readonly string[]) => Promise<void> | void,
): Promise<unknown[]> {
  const replies = await execAll(first.hscan(key, '0', 'COUNT', SCAN_PER_CALL));
  const before = replies.slice(0, -1).map((reply) => valueOf(reply, key));
  let [cursor, fields] = valueOf(replies.at(-1), key) as [string, string[]];
  for (;;) {
    await take(fields);
    if (cursor === '0') return before;
    [cursor, fields] = valueOf(
      (await execAll(redis.pipeline().hscan(key, cursor, 'COUNT', SCAN_PER_CALL)))[0],
      key,
    ) as [string, string[]];
  }
}

type Sweep = (cells: string[]) => Promise<number>;

/** One pass over the registry (`sweep` runs lua/sweep.lua); returns how many cells it forgot. */
export async function sweepCells(redis: StoreRedis, cellsKey: string, sweep: Sweep): Promise<number> {
  let forgotten = 0;
  await scanHash(redis, cellsKey, redis.pipeline(), async (fields) => {
    const cells = fields.filter((_, index) => index % 2 === 0);
    if (cells.length > 0) forgotten += Number(await guarded(() => sweep(cells)));
  });
  return forgotten;
}
