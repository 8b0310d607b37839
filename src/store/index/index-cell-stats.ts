/**
 * taskStats' and failures' reads: per cell with tasks in a window, how many,
 * the first and last, and a sample of runtimes. The cells come from each
 * process' copy of the registry (index-cell-copy.ts); a script call reads a
 * bounded batch of them and stops once its work budget is spent (a cell, and
 * each runtime it samples, count), so no call holds Redis more than a few
 * milliseconds however many cells there are and however large the sample.
 * What a call left (cells, or the rest of a cell's sample) is read by the
 * next round; a round sends a few calls a shard in one pipeline (split per
 * node on a cluster). With several shards (index-shards.ts), a cell's stats
 * are each shard's added up. The script is lua/cell-stats.lua.
 */
import type { ChainableCommander } from 'ioredis';
import type { StoreRedis } from '../../redis/store-redis.ts';
import { type CellCopy, type Registry, withRegistries } from './index-cell-copy.ts';
import type { CellStats } from './index-types.ts';
import type { TaskStatus } from '../task-statuses.ts';
import { execAll, valueOf } from '../../redis/redis-replies.ts';

/** Cells one call is given at most, work units it spends at most (10 a cell, 1 a runtime sampled), calls a round sends a shard. */
const CELLS_PER_CALL = 100;
const WORK_PER_CALL = 1000;
const CALLS_PER_ROUND = 8;

/** Appends one lua/cell-stats.lua call over cells of shard `s` to a pipeline. */
type Call = (pipeline: ChainableCommander, s: number, cells: readonly string[], args: (string | number)[]) => void;

/** A cell to read: its shard, its number there, and where its sample starts ('' none). */
interface Pending {
  readonly s: number;
  readonly n: string;
  readonly from: string;
}

interface Reading {
  readonly since: number;
  readonly until: number;
  /** Runtimes sampled per cell of each shard. */
  readonly sample: number;
  readonly registries: readonly Registry[];
  /** By shard and cell number (`<s>/<n>`). */
  readonly stats: Map<string, CellStats & { runtimes: number[] }>;
}

/** The same cell's stats of every shard as one: counts added, the first and last kept, samples interleaved. */
function mergeShards(stats: Iterable<CellStats & { runtimes: number[] }>, sample: number): CellStats[] {
  const cells = new Map<string, { cell: CellStats; samples: (readonly number[])[] }>();
  for (const cell of stats) {
    const key = [cell.status, cell.name, cell.worker, cell.queue, cell.exceptionType].join('\x1f');
    const seen = cells.get(key);
    if (!seen) {
      cells.set(key, { cell, samples: [cell.runtimes] });
      continue;
    }
    const was = seen.cell;
    const later = cell.lastAt > was.lastAt || (cell.lastAt === was.lastAt && cell.lastId > was.lastId);
    seen.cell = {
      ...was,
      count: was.count + cell.count,
      firstAt: Math.min(was.firstAt, cell.firstAt),
      lastAt: later ? cell.lastAt : was.lastAt,
      lastId: later ? cell.lastId : was.lastId,
    };
    seen.samples.push(cell.runtimes);
  }
  return [...cells.values()].map(({ cell, samples }) => ({ ...cell, runtimes: interleave(samples, sample) }));
}

/** Up to `limit` values taken from each list in turn: every shard's sample represented, not the first shards' alone. */
function interleave(lists: readonly (readonly number[])[], limit: number): number[] {
  const out: number[] = [];
  for (let at = 0; out.length < limit; at += 1) {
    let any = false;
    for (const list of lists) {
      if (at >= list.length) continue;
      any = true;
      if (out.length < limit) out.push(list[at] as number);
    }
    if (!any) break;
  }
  return out;
}

export class CellStatsReader {
  constructor(
    readonly redis: StoreRedis,
    readonly copies: readonly CellCopy[],
    readonly call: Call,
  ) {}

  /**
   * Every cell with tasks in [since, until] (of `status` only, unless null), with up to `sample` runtimes each
   * (finished cells). With several shards, each samples its latest twice its share: tasks are spread evenly.
   */
  async read(since: number, until: number, sample: number, status: TaskStatus | null): Promise<CellStats[]> {
    const shards = this.copies.length;
    const shardSample = shards === 1 ? sample : Math.min(sample, Math.ceil((2 * sample) / shards));
    // The first round rides with the registries' check; the rest follow it.
    const first = await withRegistries(this.redis, this.copies, (pipeline, registries) => {
      const reading: Reading = { since, until, sample: shardSample, registries, stats: new Map() };
      const pending = this.copies.flatMap((copy, s) => {
        const registry = registries[s] as Registry;
        return copy.numbersFor(registry, { statuses: status === null ? null : [status] }).map((n) => {
          const cellStatus = registry.cells.get(n)?.status;
          return { s, n, from: sample > 0 && (cellStatus === 'SUCCEEDED' || cellStatus === 'FAILED') ? '0' : '' };
        });
      });
      const batches = this.#round(pipeline, reading, pending);
      return (values) => ({ reading, left: this.#decode(values, batches, pending, reading) });
    });
    const { reading } = first;
    for (let left = first.left; left.length > 0; ) {
      const pipeline = this.redis.pipeline();
      const batches = this.#round(pipeline, reading, left);
      const values = (await execAll(pipeline)).map((reply) => valueOf(reply, `${this.copies[0]?.prefix}c:*`));
      left = this.#decode(values, batches, left, reading);
    }
    return mergeShards(reading.stats.values(), sample);
  }

  /** Adds up to CALLS_PER_ROUND calls a shard over the first cells of `pending`; returns each call's cells. */
  #round(pipeline: ChainableCommander, reading: Reading, pending: readonly Pending[]): Pending[][] {
    const batches: Pending[][] = [];
    const calls = new Map<number, number>();
    let open: Pending[] = [];
    const close = () => {
      if (open.length === 0) return;
      const { s } = open[0] as Pending;
      this.call(
        pipeline,
        s,
        open.map(({ n }) => n),
        [reading.since, reading.until, reading.sample, WORK_PER_CALL, ...open.flatMap(({ n, from: at }) => [n, at])],
      );
      batches.push(open);
      calls.set(s, (calls.get(s) ?? 0) + 1);
      open = [];
    };
    // A call reads one shard's cells: the shard's in a row.
    for (const cell of [...pending].sort((a, b) => a.s - b.s)) {
      if (open.length > 0 && (open.length >= CELLS_PER_CALL || (open[0] as Pending).s !== cell.s)) close();
      if ((calls.get(cell.s) ?? 0) >= CALLS_PER_ROUND) continue;
      open.push(cell);
    }
    close();
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
      const { s } = batch[0] as Pending;
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
        const cell = reading.registries[s]?.cells.get(n);
        if (!cell) continue;
        const key = `${s}/${n}`;
        if (count !== '')
          reading.stats.set(key, {
            ...cell,
            count: Number(count),
            firstAt: Number(firstAt),
            lastAt: Number(lastAt),
            lastId,
            runtimes: [],
          });
        const stats = reading.stats.get(key);
        if (stats && runtimes !== '') stats.runtimes.push(...runtimes.split(',').map(Number).filter(Number.isFinite));
        if (rest !== '') left.push({ s, n, from: rest });
      }
    });
    const sent = new Set(batches.flat());
    return [...left, ...pending.filter((cell) => !sent.has(cell))];
  }
}
