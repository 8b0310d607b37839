/**
 * Each process' copy of the index' cell registry (index-cell-registry.ts):
 * cell number → (status, name, worker, queue, exception type), so that a
 * query knows which cells' sets to read without reading the registry.
 *
 * Numbers only grow (`{ix}:cellseq` is the last one given) and are never
 * reused, so the copy is current when it knows the last number: the query's
 * own pipeline begins with that number and the registry's size, and a query
 * read with a copy that lacks newer cells is read again once they are
 * fetched (by number: HMGET of the few numbered since). A forgotten cell
 * left in the copy only costs the read of an empty set; a copy that holds
 * more than twice the cells the registry does is read afresh (HSCAN, a
 * bounded batch a call), and the query with it.
 */
import type { ChainableCommander } from 'ioredis';
import type { StoreRedis } from '../../redis/store-redis.ts';
import { scanHash } from './index-cell-registry.ts';
import { execAll, valueOf } from '../../redis/redis-replies.ts';
import type { IndexFilter } from './index-types.ts';
import type { TaskStatus } from '../task-statuses.ts';

export interface Cell {
  readonly status: TaskStatus;
  readonly name: string;
  readonly worker: string;
  readonly queue: string;
  readonly exceptionType: string;
}

function decodeCell(desc: string): Cell {
  const [status = '', name = '', worker = '', queue = '', exceptionType = ''] = desc.split('\x1f');
  return { status: status as TaskStatus, name, worker, queue, exceptionType };
}

/** Whether a cell's tasks meet the filter's status, name, worker and queue conditions. */
function cellMatches(cell: Cell, filter: IndexFilter): boolean {
  return (
    (!filter.statuses || filter.statuses.length === 0 || filter.statuses.includes(cell.status)) &&
    (!filter.name || cell.name === filter.name) &&
    (!filter.namePrefix || cell.name.startsWith(filter.namePrefix)) &&
    (!filter.worker || cell.worker === filter.worker) &&
    (!filter.queue || cell.queue === filter.queue)
  );
}

/** The registry as a process knows it: cell number → cell, up to number `last`. */
export interface Registry {
  readonly last: number;
  readonly cells: ReadonlyMap<string, Cell>;
}

/** Cells numbered since the copy was made that are fetched by number; more, and the registry is read afresh. */
const MAX_FETCHED = 1000;
/** Filters whose cells are remembered at most (a dashboard asks the same few again and again). */
const FILTERS_CACHED = 256;

export class CellCopy {
  #registry: Registry | null = null;
  /** The matching cells' numbers by filter, for the copy as it is. */
  readonly #numbers = new Map<string, string[]>();

  constructor(
    readonly redis: StoreRedis,
    /** `<lens-prefix>{ix}:`. */
    readonly prefix: string,
  ) {}

  get #lastKey(): string {
    return `${this.prefix}cellseq`;
  }

  get #cellsKey(): string {
    return `${this.prefix}cells`;
  }

  #keep(registry: Registry): Registry {
    this.#registry = registry;
    this.#numbers.clear();
    return registry;
  }

  async #load(): Promise<Registry> {
    const cells = new Map<string, Cell>();
    // The last number first: a cell numbered while the registry is read is fetched by the next query.
    const [last] = await scanHash(this.redis, this.#cellsKey, this.redis.pipeline().get(this.#lastKey), (fields) => {
      for (let index = 0; index + 1 < fields.length; index += 2)
        cells.set(fields[index] as string, decodeCell(fields[index + 1] as string));
    });
    return this.#keep({ last: Number(last ?? 0), cells });
  }

  /** The copy brought up to number `last`: the cells numbered since fetched, or all read afresh. */
  async #update(registry: Registry, last: number): Promise<Registry> {
    if (last < registry.last || last - registry.last > MAX_FETCHED) return this.#load();
    const numbers = Array.from({ length: last - registry.last }, (_, index) => String(registry.last + 1 + index));
    const [reply] = await execAll(this.redis.pipeline().hmget(this.#cellsKey, ...numbers));
    const cells = new Map(registry.cells);
    (valueOf(reply, this.#cellsKey) as (string | null)[]).forEach((desc, index) => {
      if (desc !== null) cells.set(numbers[index] as string, decodeCell(desc));
    });
    return this.#keep({ last, cells });
  }

  /** The numbers of the cells whose tasks meet the filter's status, name, worker and queue conditions (all for none). */
  numbersFor(registry: Registry, filter: IndexFilter): string[] {
    const matching = () => [...registry.cells].filter(([, cell]) => cellMatches(cell, filter)).map(([n]) => n);
    if (registry !== this.#registry) return matching();
    // Walking hundreds of cells per page cost more than the page's merge: remembered until the copy changes.
    const which = JSON.stringify([
      filter.statuses ?? [],
      filter.name ?? '',
      filter.namePrefix ?? '',
      filter.worker ?? '',
      filter.queue ?? '',
    ]);
    let numbers = this.#numbers.get(which);
    if (!numbers) {
      numbers = matching();
      if (this.#numbers.size >= FILTERS_CACHED) this.#numbers.clear();
      this.#numbers.set(which, numbers);
    }
    return numbers;
  }

  /** The copy as it is, read first when there is none. */
  async current(): Promise<Registry> {
    return this.#registry ?? (await this.#load());
  }

  /** Adds the reads that tell whether a copy is current: the registry's last number and size. */
  queueCheck(pipeline: ChainableCommander): void {
    pipeline.get(this.#lastKey).hlen(this.#cellsKey);
  }

  /** The copy to read with, given queueCheck's replies: null when `registry` is current. */
  async refreshed(registry: Registry, lastReply: unknown, sizeReply: unknown): Promise<Registry | null> {
    const [last, size] = [Number(lastReply ?? 0), Number(sizeReply)];
    // A copy of mostly forgotten cells is read afresh.
    const bloated = registry.cells.size > 2 * size + 64;
    if (last === registry.last && !bloated) return null;
    return bloated ? this.#load() : this.#update(registry, last);
  }
}

/**
 * Runs `read` (which adds its commands to a pipeline that begins with each
 * shard's registry check, and returns how to decode their replies) against
 * current copies of every shard's registry (index-shards.ts): again after
 * updating those whose cells were numbered meanwhile. One pipeline: one
 * round trip on a single Redis, one per node on a cluster.
 */
export async function withRegistries<T>(
  redis: StoreRedis,
  copies: readonly CellCopy[],
  read: (pipeline: ChainableCommander, registries: readonly Registry[]) => (values: readonly unknown[]) => T,
): Promise<T> {
  let registries = await Promise.all(copies.map((copy) => copy.current()));
  for (let attempt = 0; ; attempt += 1) {
    const pipeline = redis.pipeline();
    for (const copy of copies) copy.queueCheck(pipeline);
    const decode = read(pipeline, registries);
    const checks = copies.length * 2;
    const values = (await execAll(pipeline)).map((reply, index) =>
      valueOf(reply, index < checks ? `${copies[Math.floor(index / 2)]?.prefix}cells` : `${copies[0]?.prefix}c:*`),
    );
    const fresh = await Promise.all(
      copies.map((copy, s) => copy.refreshed(registries[s] as Registry, values[2 * s], values[2 * s + 1])),
    );
    if (attempt > 0 || fresh.every((registry) => registry === null)) return decode(values.slice(checks));
    registries = fresh.map((registry, s) => registry ?? (registries[s] as Registry));
  }
}
