/**
 * Reads Celery's result backend. Read-only by construction: the only commands
 * sent are MGET, PTTL and PING.
 */
import type { Redis } from 'ioredis';
import type { CeleryKeys } from '../celery/keys.ts';
import { decodeGroupMeta } from '../celery/group-meta.ts';
import { decodeTaskMeta } from '../celery/meta.ts';
import { BackendUnavailableError } from '../errors/backend-unavailable-error.ts';
import { MetaDecodeError } from '../errors/meta-decode-error.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

/** What Redis holds about a group: a saved member list, and a running chord's counters. */
export interface GroupSnapshot {
  readonly id: string;
  /** Task ids from a saved group (GroupResult.save()); null when not saved. */
  readonly memberIds: readonly string[] | null;
  /** Whether celery-taskset-meta-<id> exists. */
  readonly saved: boolean;
  /** A running chord's header size and how many header tasks finished. */
  readonly chordSize: number | null;
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

export class ResultBackend {
  /** Round trips made to Redis (one per pipeline), for tests and metrics. */
  roundTrips = 0;
  /** Called with each round trip's duration in seconds (metrics). */
  onRoundTrip: (seconds: number) => void = () => {};

  constructor(
    readonly redis: Redis,
    readonly keys: CeleryKeys,
  ) {}

  /**
   * Reads many tasks in one round trip: MGET of every key plus a PTTL of each,
   * sent as one pipeline. Returns, in the order of `ids`, a snapshot or the
   * MetaDecodeError of that task. Throws BackendUnavailableError when Redis
   * does not answer.
   */
  async readTasks(ids: readonly string[]): Promise<(TaskSnapshot | MetaDecodeError)[]> {
    return (await this.readTasksRaw(ids)).map((read) => read.update);
  }

  /**
   * readTasks, with the raw bytes of each value (null when there is no key).
   * With `ttlOfMissing: false` the PTTLs are asked in a second round trip,
   * for the keys that exist only (watchers of tasks not done yet).
   */
  async readTasksRaw(
    ids: readonly string[],
    { ttlOfMissing = true }: { ttlOfMissing?: boolean } = {},
  ): Promise<{ update: TaskSnapshot | MetaDecodeError; raw: Buffer | null }[]> {
    if (ids.length === 0) return [];
    const keys = ids.map((id) => this.keys.task(id));
    const pipeline = this.redis.pipeline().mgetBuffer(...keys);
    if (ttlOfMissing) for (const key of keys) pipeline.pttl(key);
    type Reply = [Error | null, unknown];
    let replies: Reply[] = (await this.#exec(() => pipeline.exec())) ?? [];
    if (!ttlOfMissing) {
      const values = (replies[0]?.[1] ?? []) as (Buffer | null)[];
      const existing = keys.filter((_key, index) => values[index] !== null);
      const ttlPipeline = this.redis.pipeline();
      for (const key of existing) ttlPipeline.pttl(key);
      const ttls: Reply[] = existing.length > 0 ? ((await this.#exec(() => ttlPipeline.exec())) ?? []) : [];
      const byKey = new Map(existing.map((key, index): [string, Reply] => [key, ttls[index] ?? [null, NO_KEY]]));
      replies = [replies[0] ?? [null, []], ...keys.map((key): Reply => byKey.get(key) ?? [null, NO_KEY])];
    }
    const readAt = new Date();
    const [mgetError, values] = replies[0] ?? [new Error('no reply to MGET'), null];
    if (mgetError) throw new BackendUnavailableError(mgetError.message, { cause: mgetError });
    return ids.map((id, index) => {
      const key = keys[index] as string;
      const value = (values as (Buffer | null)[])[index] ?? null;
      const [ttlError, ttlReply] = replies[index + 1] ?? [null, NO_KEY];
      const pttl = ttlError ? NO_KEY : Number(ttlReply);
      if (value === null) {
        // MGET answers nil for a key of another type too; PTTL tells them apart.
        if (pttl !== NO_KEY) return { update: new MetaDecodeError(key, 'the key exists but is not a string'), raw: null };
        return { update: { id, meta: null, ttlMs: null, readAt }, raw: null };
      }
      try {
        const meta = decodeTaskMeta(id, key, value);
        // A key that expired between MGET and PTTL reads as "expires now".
        const ttlMs = pttl === NO_EXPIRY ? null : Math.max(pttl, 0);
        return { update: { id, meta, ttlMs, readAt }, raw: value };
      } catch (error) {
        if (error instanceof MetaDecodeError) return { update: error, raw: value };
        throw error;
      }
    });
  }

  /** Reads many groups in one round trip: one MGET of their taskset, `.s` and `.t` keys. */
  async readGroups(ids: readonly string[]): Promise<(GroupSnapshot | MetaDecodeError)[]> {
    if (ids.length === 0) return [];
    const keys = ids.flatMap((id) => [this.keys.group(id), this.keys.chordSize(id), this.keys.chordDone(id)]);
    const values = await this.#exec(() => this.redis.mgetBuffer(...keys));
    const count = (value: Buffer | null | undefined) => (value ? Number(value.toString()) || 0 : null);
    return ids.map((id, index) => {
      const [saved, size, done] = values.slice(index * 3, index * 3 + 3);
      try {
        const memberIds = saved ? decodeGroupMeta(this.keys.group(id), saved) : null;
        return { id, memberIds, saved: memberIds !== null, chordSize: count(size), chordDone: count(done) };
      } catch (error) {
        if (error instanceof MetaDecodeError) return error;
        throw error;
      }
    });
  }

  /** PINGs Redis and reports whether and how fast it answered; never throws. */
  async health(): Promise<BackendHealth> {
    const started = performance.now();
    try {
      await this.#exec(() => this.redis.ping());
      return { up: true, latencyMs: performance.now() - started, error: null, checkedAt: new Date() };
    } catch (error) {
      return { up: false, latencyMs: null, error: (error as Error).message, checkedAt: new Date() };
    }
  }

  async #exec<T>(command: () => Promise<T>): Promise<T> {
    this.roundTrips += 1;
    const started = performance.now();
    try {
      const result = await command();
      this.onRoundTrip((performance.now() - started) / 1000);
      return result;
    } catch (error) {
      if (error instanceof BackendUnavailableError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new BackendUnavailableError(reason, { cause: error });
    }
  }
}
