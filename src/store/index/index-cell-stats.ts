/**
 * taskStats' and failures' reads: per cell with tasks in a window, how many,
 * the first and last, and a sample of runtimes. The cells come from each
 * process' copy of the registry (index-cell-copy.ts); a script call reads a
 * bounded batch of them and stops once its work budget is spent (a cell, and
 * each runtime it samples, count), so no call holds Redis more than a few
 * milliseconds however many cells there are and however large the sample.
 * What a call left (cells, or the rest of a cell's sample) is read by the
 * next round; a round sends a few calls in one pipeline.
 */
import type { ChainableCommander } from 'ioredis';
import type { CellCopy, Registry } from './index-cell-copy.ts';
import type { CellStats } from './index-types.ts';
import type { TaskStatus } from '../task-statuses.ts';
import { execAll, valueOf } from '../../redis/redis-replies.ts';

/**
 * ARGV: prefix, min, max (ms), sample, work budget, then per cell its number
 * and where its sample of runtimes starts: '' none, 0 a cell not read yet,
 * n > 0 the rest of a sample a call began (its counts already read).
 * Returns { cells read, then per cell read: number, count ('' when only
 * sampled), firstAt, lastAt, lastId, runtimes joined by ',', where the rest
 * of its sample starts ('' for none) }.
 */
export const CELL_STATS_SCRIPT = `
local P = ARGV[1]
local REC, US = P .. 'rec', '\\31'
local lo, hi, sample, budget = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
-- A record's fourth field: its runtime.
local RUNTIME = '^[^' .. US .. ']*' .. US .. '[^' .. US .. ']*' .. US .. '[^' .. US .. ']*' .. US .. '([^' .. US .. ']*)'
local reply, work, done = { 0 }, 0, 0
for i = 6, #ARGV, 2 do
  if done > 0 and work >= budget then break end
  local key, from = P .. 'c:' .. ARGV[i], tonumber(ARGV[i + 1])
  local row = { ARGV[i], '', '', '', '', '', '' }
  local n = 1
  if not from or from == 0 then
    n = redis.call('ZCOUNT', key, lo, hi)
    work = work + 10
    if n > 0 then
      local first = redis.call('ZRANGEBYSCORE', key, lo, hi, 'WITHSCORES', 'LIMIT', 0, 1)
      local last = redis.call('ZREVRANGEBYSCORE', key, hi, lo, 'WITHSCORES', 'LIMIT', 0, 1)
      row[2], row[3], row[4], row[5] = tostring(n), first[2], last[2], last[1]
    end
  end
  if from and n > 0 and from < sample then
    local take = math.min(sample - from, math.max(budget - work, 100))
    local ids = redis.call('ZREVRANGEBYSCORE', key, hi, lo, 'LIMIT', from, take)
    work = work + #ids
    local runtimes = {}
    -- In chunks: unpack() of thousands of values overflows Lua's C stack.
    for at = 1, #ids, 500 do
      for _, raw in ipairs(redis.call('HMGET', REC, unpack(ids, at, math.min(at + 499, #ids)))) do
        local runtime = raw and string.match(raw, RUNTIME)
        if runtime and runtime ~= '' then runtimes[#runtimes + 1] = runtime end
      end
    end
    row[6] = table.concat(runtimes, ',')
    if #ids == take and from + take < sample then row[7] = tostring(from + take) end
  end
  if n > 0 then for _, value in ipairs(row) do reply[#reply + 1] = value end end
  done = done + 1
end
reply[1] = done
return reply
`;

/** Cells one call is given at most, work units it spends at most (10 a cell, 1 a runtime sampled), calls a round sends. */
const CELLS_PER_CALL = 100;
const WORK_PER_CALL = 1000;
const CALLS_PER_ROUND = 8;

type Call = (pipeline: ChainableCommander, args: (string | number)[]) => void;

/** A cell to read: its number, and where its sample starts ('' none). */
interface Pending {
  readonly n: string;
  readonly from: string;
}

interface Reading {
  readonly since: number;
  readonly until: number;
  readonly sample: number;
  readonly registry: Registry;
  readonly stats: Map<string, CellStats & { runtimes: number[] }>;
}

export class CellStatsReader {
  constructor(
    readonly copy: CellCopy,
    /** Appends one CELL_STATS_SCRIPT call to a pipeline. */
    readonly call: Call,
  ) {}

  /** Every cell with tasks in [since, until] (of `status` only, unless null), with up to `sample` runtimes each (finished cells). */
  async read(since: number, until: number, sample: number, status: TaskStatus | null): Promise<CellStats[]> {
    // The first round rides with the registry's check; the rest follow it.
    const first = await this.copy.withRegistry((pipeline, registry) => {
      const reading: Reading = { since, until, sample, registry, stats: new Map() };
      const pending = this.copy.numbersFor(registry, { statuses: status === null ? null : [status] }).map((n) => {
        const cellStatus = registry.cells.get(n)?.status;
        return { n, from: sample > 0 && (cellStatus === 'SUCCEEDED' || cellStatus === 'FAILED') ? '0' : '' };
      });
      const batches = this.#round(pipeline, reading, pending);
      return (values) => ({ reading, left: this.#decode(values, batches, pending, reading) });
    });
    const { reading } = first;
    for (let left = first.left; left.length > 0; ) {
      const pipeline = this.copy.redis.pipeline();
      const batches = this.#round(pipeline, reading, left);
      const values = (await execAll(pipeline)).map((reply) => valueOf(reply, `${this.copy.prefix}c:*`));
      left = this.#decode(values, batches, left, reading);
    }
    return [...reading.stats.values()];
  }

  /** Adds up to CALLS_PER_ROUND calls over the first cells of `pending`; returns each call's cells. */
  #round(pipeline: ChainableCommander, reading: Reading, pending: readonly Pending[]): Pending[][] {
    const batches: Pending[][] = [];
    for (let from = 0; from < pending.length && batches.length < CALLS_PER_ROUND; from += CELLS_PER_CALL) {
      const batch = pending.slice(from, from + CELLS_PER_CALL);
      this.call(pipeline, [
        this.copy.prefix,
        reading.since,
        reading.until,
        reading.sample,
        WORK_PER_CALL,
        ...batch.flatMap(({ n, from: at }) => [n, at]),
      ]);
      batches.push(batch);
    }
    return batches;
  }

  /** Adds what the calls read to `reading`; returns what is left to read of `pending`. */
  #decode(
    values: readonly unknown[],
    batches: readonly Pending[][],
    pending: readonly Pending[],
    reading: Reading,
  ): Pending[] {
    const left: Pending[] = [];
    batches.forEach((batch, index) => {
      const reply = values[index] as string[];
      left.push(...batch.slice(Number(reply[0])));
      for (let at = 1; at + 6 < reply.length; at += 7) {
        const [n, count, firstAt, lastAt, lastId, runtimes, rest] = reply.slice(at, at + 7) as [
          string,
          string,
          string,
          string,
          string,
          string,
          string,
        ];
        const cell = reading.registry.cells.get(n);
        if (!cell) continue;
        if (count !== '')
          reading.stats.set(n, {
            ...cell,
            count: Number(count),
            firstAt: Number(firstAt),
            lastAt: Number(lastAt),
            lastId,
            runtimes: [],
          });
        const stats = reading.stats.get(n);
        if (stats && runtimes !== '') stats.runtimes.push(...runtimes.split(',').map(Number).filter(Number.isFinite));
        if (rest !== '') left.push({ n, from: rest });
      }
    });
    const sent = batches.reduce((sum, batch) => sum + batch.length, 0);
    return [...left, ...pending.slice(sent)];
  }
}
