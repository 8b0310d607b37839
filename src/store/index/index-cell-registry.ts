/**
 * The lifecycle of the index' cells (task-index.ts): a cell is numbered when
 * its first task enters it and forgotten when its last task leaves it (moved
 * to another cell, trimmed by --index-days or --index-max-tasks). So the
 * registry holds only cells that have tasks, whatever the churn of names and
 * workers (worker hostnames change on every deploy).
 *
 * `ix:cellseq` is the last number given: numbers are never reused, so each
 * process' copy of the registry knows from it whether cells were numbered
 * since, and a copy that still names a forgotten cell only reads an empty
 * set (index-cell-copy.ts).
 *
 * A sweep (run with retention) forgets cells left without tasks by earlier
 * versions, which never forgot any, and by replicas of them during an
 * upgrade. It walks the registry with HSCAN, a bounded batch per script call.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import { execAll, guarded, valueOf } from '../../redis/redis-replies.ts';

/**
 * Lua, after index-scripts.ts' COMMON (whose `described` cache it keeps
 * current): `cellOf(rec)` numbers a record's cell, `leaveCell(cell, id)`
 * takes a task out of one, forgetting it when that was its last task.
 */
export const CELL_REGISTRY = `
local numbered = {}
local function cellOf(rec)
  local desc = table.concat({ rec.status, rec.name, rec.worker, rec.queue, rec.exc }, US)
  local n = numbered[desc] or redis.call('HGET', CELLID, desc)
  if not n then
    n = tostring(redis.call('INCR', SEQ))
    redis.call('HSET', CELLID, desc, n)
    redis.call('HSET', CELLS, n, desc)
  end
  numbered[desc] = n
  return n
end

local function forgetCell(cell)
  local desc = redis.call('HGET', CELLS, cell)
  redis.call('HDEL', CELLS, cell)
  if desc then
    if redis.call('HGET', CELLID, desc) == cell then redis.call('HDEL', CELLID, desc) end
    numbered[desc] = nil
  end
  described[cell] = nil
end

local function leaveCell(cell, id)
  local key = P .. 'c:' .. cell
  redis.call('ZREM', key, id)
  if redis.call('ZCARD', key) == 0 then forgetCell(cell) end
end
`;

/** Lua after CELL_REGISTRY. ARGV: prefix, then cell numbers; forgets those without tasks. Returns how many. */
export const SWEEP = `
local forgotten = 0
for i = 2, #ARGV do
  if redis.call('HEXISTS', CELLS, ARGV[i]) == 1 and redis.call('EXISTS', P .. 'c:' .. ARGV[i]) == 0 then
    forgetCell(ARGV[i])
    forgotten = forgotten + 1
  end
end
return forgotten
`;

/** Registry entries one HSCAN call asks for (a hint: small hashes come whole). */
const SCAN_PER_CALL = 200;

/**
 * Reads a hash an HSCAN call at a time (no one call holds Redis long), each
 * batch of [field, value, …] handed to `take`; the first call rides in
 * `first`, a pipeline the caller prepared, and its replies before HSCAN's
 * are returned.
 */
export async function scanHash(
  redis: Redis,
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

type Sweep = (prefix: string, ...cells: string[]) => Promise<number>;

/** One pass over the registry (`sweep` runs index-scripts.ts' SWEEP_SCRIPT); returns how many cells it forgot. */
export async function sweepCells(redis: Redis, prefix: string, sweep: Sweep): Promise<number> {
  let forgotten = 0;
  await scanHash(redis, `${prefix}cells`, redis.pipeline(), async (fields) => {
    const cells = fields.filter((_, index) => index % 2 === 0);
    if (cells.length > 0) forgotten += Number(await guarded(() => sweep(prefix, ...cells)));
  });
  return forgotten;
}
