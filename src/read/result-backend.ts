/**
 * Reads Celery's result backend. Read-only by construction: the only commands
 * sent are MGET, PTTL, EXISTS and PING.
 */
import type { Redis } from 'ioredis';
import type { CeleryKeys } from '../celery/keys.ts';
import { decodeGroupMeta } from '../celery/group-meta.ts';
import { DEFAULT_VALUE_LIMITS, type ValueLimits, decodeTaskMeta } from '../celery/meta.ts';
import { BackendUnavailableError } from '../errors/backend-unavailable-error.ts';
import { MetaDecodeError } from '../errors/meta-decode-error.ts';
import { type Commands, PipelineBatch } from '../redis/pipeline-batch.ts';
import { type Reply, unavailable, valueOf } from '../redis/redis-replies.ts';
import type { TaskSnapshot, TtlReading } from './task-snapshot.ts';

/** What Redis holds about a group: a saved member list, and a running chord's counters. */
export interface GroupSnapshot {
  readonly id: string;
  /** Task ids from a saved group (GroupResult.save()); null when not saved. */
  readonly memberIds: readonly string[] | null;
  /** Whether celery-taskset-meta-<id> exists. */
  readonly saved: boolean;
  /**
   * A running chord's header size: `.s` plus `.t` (tasks added to the chord
   * while it runs, Celery's `add_to_chord`), as Celery counts its total.
   */
  readonly chordSize: number | null;
  /** Header tasks that finished: the members of `.j`, at most the size (docs/celery-wire-format.md). */
  readonly chordDone: number | null;
}

export interface BackendHealth {
  readonly up: boolean;
  /** Round-trip time of a PING, when it answered. */
  readonly latencyMs: number | null;
  readonly error: string | null;
  readonly checkedAt: Date;
}

// PTTL's answers for a key without expiry and for a missing key.
const NO_EXPIRY = -1;
const NO_KEY = -2;
/** Keys one MGET or EXISTS carries at most; more go in further commands of the same pipeline. */
const KEYS_PER_COMMAND = 1000;
/** Keys from which a read goes to Redis at once, in a pipeline of its own, rather than with the others of its turn. */
const KEYS_ALONE = 100;

// A PTTL or EXISTS that failed must not read as "no key": the read fails instead.
const numberOf = (reply: Reply | undefined, key: string): number => Number(valueOf(reply, key));

/**
 * Which TTLs a read asks for: 'all' pipelines a PTTL per key (queries that
 * select ttlSeconds or expiresAt); 'existing' asks them afterwards for the
 * keys that exist (watchers of tasks not done yet); 'none' asks none, and
 * pipelines one EXISTS to still tell a key of another type from no key.
 */
export type TtlRead = 'all' | 'existing' | 'none';

export class ResultBackend {
  /** Round trips made to Redis (one per pipeline), for tests and metrics. */
  roundTrips = 0;
  /** Called with each round trip's duration in seconds (metrics). */
  onRoundTrip: (seconds: number) => void = () => {};
  /** Reads made in one turn of the event loop go to Redis in one pipeline (pipeline-batch.ts). */
  readonly #batch: PipelineBatch;

  constructor(
    readonly redis: Redis,
    readonly keys: CeleryKeys,
    /** Bounds on the values decoded (the watcher decodes published ones with the same). */
    readonly valueLimits: ValueLimits = DEFAULT_VALUE_LIMITS,
  ) {
    this.#batch = new PipelineBatch(redis, {
      sent: () => (this.roundTrips += 1),
      answered: (seconds) => this.onRoundTrip(seconds),
    });
  }

  /**
   * Reads many tasks in one round trip: MGET of every key, pipelined with
   * what `ttl` asks for (see TtlRead). Returns, in the order of `ids`, a
   * snapshot or the MetaDecodeError of that task. Throws
   * BackendUnavailableError when Redis does not answer.
   */
  async readTasks(
    ids: readonly string[],
    options: { ttl?: TtlRead } = {},
  ): Promise<(TaskSnapshot | MetaDecodeError)[]> {
    return (await this.readTasksRaw(ids, options)).map((read) => read.update);
  }

  /**
   * readTasks, with the raw bytes of each value (null when there is no key).
   * `alone`: sent at once in pipelines of its own, for a caller that batches
   * its reads itself (the task watcher: every watch opened in one turn);
   * otherwise a read of fewer than KEYS_ALONE keys waits for the others of its turn.
   */
  async readTasksRaw(
    ids: readonly string[],
    { ttl = 'all', alone = false }: { ttl?: TtlRead; alone?: boolean } = {},
  ): Promise<{ update: TaskSnapshot | MetaDecodeError; raw: Buffer | null }[]> {
    if (ids.length === 0) return [];
    const keys = ids.map((id) => this.keys.task(id));
    const { values, pttls, existing } = await this.#readKeys(keys, ttl, alone);
    const readAt = new Date();
    // MGET answers nil for a key of another type too. With 'none', EXISTS
    // counting more keys than MGET found values says one is; PTTL tells which.
    let present = 0;
    for (const value of values) if (value !== null) present += 1;
    const second: number[] = [];
    values.forEach((value, index) => {
      if ((ttl === 'existing' && value !== null) || (ttl === 'none' && value === null && existing > present))
        second.push(index);
    });
    if (second.length > 0) {
      const ttls = await this.#send((pipeline) => {
        for (const index of second) pipeline.pttl(keys[index] as string);
      }, alone);
      second.forEach((index, at) => {
        pttls[index] = numberOf(ttls[at], keys[index] as string);
      });
    }
    return ids.map((id, index) => {
      const key = keys[index] as string;
      const value = values[index] ?? null;
      const pttl = pttls[index];
      if (value === null) {
        if (pttl !== undefined && pttl !== NO_KEY)
          return { update: new MetaDecodeError(key, 'the key exists but is not a string'), raw: null };
        return { update: { id, meta: null, ttlMs: null, readAt }, raw: null };
      }
      try {
        const meta = decodeTaskMeta(id, key, value, this.valueLimits);
        // A key that expired between MGET and PTTL reads as "expires now".
        const ttlMs = pttl === undefined || pttl === NO_EXPIRY ? null : Math.max(pttl, 0);
        return { update: { id, meta, ttlMs, readAt }, raw: value };
      } catch (error) {
        if (error instanceof MetaDecodeError) return { update: error, raw: value };
        throw error;
      }
    });
  }

  /**
   * The TTL of each task's key now, in one round trip of PTTLs: for values
   * that came without a read (published updates). No key, or no expiry: null.
   */
  async readTtls(ids: readonly string[]): Promise<TtlReading[]> {
    if (ids.length === 0) return [];
    const keys = ids.map((id) => this.keys.task(id));
    const replies = await this.#send((pipeline) => {
      for (const key of keys) pipeline.pttl(key);
    });
    const readAt = new Date();
    return keys.map((key, index) => {
      const pttl = numberOf(replies[index], key);
      return { ttlMs: pttl === NO_EXPIRY || pttl === NO_KEY ? null : Math.max(pttl, 0), readAt };
    });
  }

  /**
   * One round trip: MGETs of at most KEYS_PER_COMMAND keys each (a spread of
   * every key into one call overflows the stack past ~120k, and one huge
   * command stalls Redis), pipelined with a PTTL per key ('all') or EXISTS
   * ('none'). PTTLs are undefined where none was asked.
   */
  async #readKeys(keys: readonly string[], ttl: TtlRead, alone = false) {
    const chunks: string[][] = [];
    for (let start = 0; start < keys.length; start += KEYS_PER_COMMAND)
      chunks.push(keys.slice(start, start + KEYS_PER_COMMAND));
    const replies = await this.#send(
      (pipeline) => {
        for (const chunk of chunks) pipeline.mgetBuffer(...chunk);
        if (ttl === 'all') for (const key of keys) pipeline.pttl(key);
        if (ttl === 'none') for (const chunk of chunks) pipeline.exists(...chunk);
      },
      alone || keys.length >= KEYS_ALONE,
    );
    const values: (Buffer | null)[] = [];
    for (let index = 0; index < chunks.length; index += 1) {
      const [error, reply] = replies[index] ?? [new Error('no reply to MGET'), null];
      if (error) throw new BackendUnavailableError(error.message, { cause: error });
      for (const value of reply as (Buffer | null)[]) values.push(value);
    }
    const after = chunks.length;
    const pttls: (number | undefined)[] =
      ttl === 'all' ? keys.map((key, index) => numberOf(replies[after + index], key)) : [];
    let existing = 0;
    if (ttl === 'none')
      for (let index = 0; index < chunks.length; index += 1) existing += numberOf(replies[after + index], 'EXISTS');
    return { values, pttls, existing };
  }

  /**
   * Reads many groups: one MGET of their taskset, `.s` and `.t` keys, and for
   * a running chord (its `.s` set) a second round trip counting `.j`.
   */
  async readGroups(ids: readonly string[]): Promise<(GroupSnapshot | MetaDecodeError)[]> {
    if (ids.length === 0) return [];
    const keys = ids.flatMap((id) => [this.keys.group(id), this.keys.chordSize(id), this.keys.chordAdded(id)]);
    const { values } = await this.#readKeys(keys, 'existing');
    // Celery INCRs these: anything but a count that fits a GraphQL Int is not Celery's.
    const count = (key: string, value: Buffer | null | undefined) => {
      if (!value) return null;
      const text = value.toString();
      if (!/^\d{1,10}$/.test(text) || Number(text) > 2 ** 31 - 1)
        throw new MetaDecodeError(key, `the chord counter is not a count: ${JSON.stringify(text.slice(0, 40))}`);
      return Number(text);
    };
    const groups = ids.map((id, index): GroupSnapshot | MetaDecodeError => {
      const [saved, size, added] = values.slice(index * 3, index * 3 + 3);
      try {
        const memberIds = saved ? decodeGroupMeta(this.keys.group(id), saved) : null;
        const chordSize = count(this.keys.chordSize(id), size);
        const extra = count(this.keys.chordAdded(id), added) ?? 0;
        const total = chordSize === null ? null : chordSize + extra;
        return { id, memberIds, saved: memberIds !== null, chordSize: total, chordDone: null };
      } catch (error) {
        if (error instanceof MetaDecodeError) return error;
        throw error;
      }
    });
    const running = groups.flatMap((group) =>
      group instanceof MetaDecodeError || group.chordSize === null ? [] : [group.id],
    );
    const done = await this.#chordResults(running);
    return groups.map((group) => {
      if (group instanceof MetaDecodeError || group.chordSize === null) return group;
      return { ...group, chordDone: Math.min(done.get(group.id) ?? 0, group.chordSize) };
    });
  }

  /**
   * How many header results each running chord holds in `.j`: a sorted set
   * (result_chord_ordered, the default since 5.1), a list (without it), or a
   * hash; asked all three ways in one pipeline, the type it has answers.
   */
  async #chordResults(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const replies = await this.#send((pipeline) => {
      for (const id of ids) {
        const key = this.keys.chordResults(id);
        pipeline.zcard(key).llen(key).hlen(key);
      }
    });
    return new Map(
      ids.map((id, index) => {
        const answers = replies.slice(index * 3, index * 3 + 3).filter(([error]) => error === null);
        return [id, Math.max(0, ...answers.map(([, value]) => Number(value)))];
      }),
    );
  }

  /** PINGs Redis and reports whether and how fast it answered; never throws. */
  async health(): Promise<BackendHealth> {
    const started = performance.now();
    try {
      this.roundTrips += 1;
      await this.redis.ping();
      this.onRoundTrip((performance.now() - started) / 1000);
      return { up: true, latencyMs: performance.now() - started, error: null, checkedAt: new Date() };
    } catch (error) {
      return { up: false, latencyMs: null, error: unavailable(error).message, checkedAt: new Date() };
    }
  }

  /** One read's commands, sent with the others of this turn; any failure of the whole is BACKEND_UNAVAILABLE. */
  async #send(commands: Commands, alone = false): Promise<Reply[]> {
    try {
      return await this.#batch.send(commands, alone);
    } catch (error) {
      throw unavailable(error);
    }
  }
}
