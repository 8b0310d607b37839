/**
 * The states Celery published for each task, numbered, so that a
 * subscription can resume from a cursor: "every state numbered after N".
 *
 * Every state (the exact bytes Celery stored and PUBLISHed) is recorded once,
 * whoever sees it first: the event consumer of any process, or a
 * subscription delivering it. The number comes from one counter in Redis
 * (`state-clock`), so it orders states across tasks and processes, and a
 * cursor taken on one process resumes on another. The counter has an epoch
 * (random, set with the counter): when Redis loses the counter (a restart
 * without persistence, a flush) every earlier cursor is known to be expired.
 *
 * Recording is idempotent by content: a state byte-identical to one already
 * kept for the task keeps its first number (several consumers see every
 * message). So a task that returns to a byte-identical earlier state (a
 * STARTED after a RETRY without result_extended) is replayed at that state's
 * first place only.
 *
 * Kept per task: the latest MAX_STATES states, for `windowSeconds` after the
 * last one (each record renews it). Older cursors are CURSOR_EXPIRED.
 */
import { randomBytes } from 'node:crypto';
import type { StoreRedis } from '../redis/store-redis.ts';
import type { LensKeys } from './lens-keys.ts';
import { type Position, type Replay, type ResumeLog, digestOf } from './store.ts';
import { defineScript, luaScript, runScript } from '../redis/lua-scripts.ts';
import { execAll, guarded, valueOf } from '../redis/redis-replies.ts';

/** States kept per task: a 1,000-step progress loop resumes from any step. */
export const MAX_STATES = 1000;

/** Numbers a task's state, once (KEYS and ARGV: the file). */
const RECORD = luaScript('lensRecordState', new URL('./lua/record-state.lua', import.meta.url));

type RecordReply = [string, string];

export interface StateLogOptions {
  /** How long a task's states are kept after its last one, in seconds; 0 records nothing. @default 3600 (1 h) */
  readonly windowSeconds?: number;
  /**
   * The bytes an update the watcher notified was decoded from (live/task-watcher.ts' rawOf), null for
   * none: given by whoever builds the log, as the store sits below the live layer. @default none: positionOf numbers nothing
   */
  readonly rawOf?: (update: object) => Buffer | null;
}

/** The resume log (store.ts' ResumeLog) on Redis: a counter, and per task a sorted set of digests and a hash of their bytes. */
export class StateLog implements ResumeLog {
  readonly windowSeconds: number;
  /** The number of each update the watcher notified, asked once however many subscriptions deliver it. */
  readonly #positions = new WeakMap<object, Promise<Position>>();
  readonly #rawOf: (update: object) => Buffer | null;
  /**
   * Records in flight, by task and digest: the consumer and the
   * subscriptions of this process see every message twice (two connections,
   * the same moment), and number it with one script call. Forgotten once
   * answered: a later call asks Redis, which may have lost the states since.
   */
  readonly #recent = new Map<string, Promise<Position>>();
  /** The read of the counter in flight, shared by the subscriptions that open meanwhile. */
  #now: Promise<Position> | null = null;

  constructor(
    readonly redis: StoreRedis,
    readonly keys: LensKeys,
    options: StateLogOptions = {},
  ) {
    this.windowSeconds = options.windowSeconds ?? 3600;
    this.#rawOf = options.rawOf ?? (() => null);
    defineScript(redis, RECORD);
  }

  /** Records a task's state (idempotent) and answers its number. */
  record(id: string, raw: Buffer, digest = digestOf(raw)): Promise<Position> {
    const key = `${digest}:${id}`;
    let recording = this.#recent.get(key);
    if (!recording) {
      recording = this.#record(id, raw, digest);
      this.#recent.set(key, recording);
      const forget = () => this.#recent.delete(key);
      recording.then(forget, forget);
    }
    return recording;
  }

  async #record(id: string, raw: Buffer, digest: string): Promise<Position> {
    const [epoch, seq] = await guarded(() =>
      runScript<RecordReply>(
        this.redis,
        RECORD,
        [this.keys.stateClock(), this.keys.states(id), this.keys.stateValues(id)],
        [digest, raw, this.windowSeconds, MAX_STATES, randomBytes(6).toString('hex')],
      ),
    );
    return { epoch, seq: Number(seq) };
  }

  /**
   * The number of a state the watcher notified (recorded now if no consumer
   * did yet); null for a missing key, which has no bytes to number, or when
   * nothing is recorded.
   */
  positionOf(id: string, update: object): Promise<Position> | null {
    const raw = this.#rawOf(update);
    if (raw === null || this.windowSeconds === 0) return null;
    let position = this.#positions.get(update);
    if (!position) {
      position = this.record(id, raw);
      this.#positions.set(update, position);
      // A failure (Redis away) is not remembered: the next subscription asks again.
      position.catch(() => this.#positions.delete(update));
    }
    return position;
  }

  /**
   * The counter now (started if it never was): every state numbered up to it
   * was stored before this read. Callers at the same time share one read; it
   * is still made before each of them goes on (they await it).
   */
  now(): Promise<Position> {
    if (!this.#now) {
      this.#now = this.#readNow().finally(() => {
        this.#now = null;
      });
    }
    return this.#now;
  }

  async #readNow(): Promise<Position> {
    const replies = await execAll(
      this.redis
        .pipeline()
        .hsetnx(this.keys.stateClock(), 'epoch', randomBytes(6).toString('hex'))
        .hmget(this.keys.stateClock(), 'epoch', 'seq'),
    );
    const [epoch, seq] = valueOf(replies[1], this.keys.stateClock()) as [string, string | null];
    return { epoch, seq: Number(seq ?? 0) };
  }

  /** Whether any of `ids` has a state numbered after `after`, in one round trip. */
  async changedSince(ids: readonly string[], after: number): Promise<boolean> {
    if (ids.length === 0) return false;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.zcount(this.keys.states(id), `(${after}`, '+inf');
    const replies = await execAll(pipeline);
    return ids.some((id, index) => (valueOf(replies[index], this.keys.states(id)) as number) > 0);
  }

  /**
   * The states of `ids` numbered after `after`, oldest first, with the
   * counter at the time of the read; a task whose log lost states after
   * `after` (trimmed, or gone while the counter is not) is `expired`.
   * Two round trips: the numbers, then the bytes.
   */
  async after(ids: readonly string[], after: number): Promise<{ now: Position | null; replays: Replay[] }> {
    const pipeline = this.redis.pipeline().hmget(this.keys.stateClock(), 'epoch', 'seq');
    for (const id of ids)
      pipeline
        .zrangebyscore(this.keys.states(id), `(${after}`, '+inf', 'WITHSCORES')
        .hget(this.keys.stateValues(id), '#trimmed');
    const replies = await execAll(pipeline);
    const [epoch, seq] = valueOf(replies[0], this.keys.stateClock()) as [string | null, string | null];
    const now = epoch ? { epoch, seq: Number(seq ?? 0) } : null;
    const found = ids.map((id, index) => {
      const flat = valueOf(replies[1 + index * 2], this.keys.states(id)) as string[];
      const trimmed = valueOf(replies[2 + index * 2], this.keys.stateValues(id)) as string | null;
      const entries: { digest: string; seq: number }[] = [];
      for (let at = 0; at < flat.length; at += 2)
        entries.push({ digest: flat[at] as string, seq: Number(flat[at + 1]) });
      return { id, entries, expired: trimmed !== null && Number(trimmed) > after };
    });
    const values = this.redis.pipeline();
    for (const { id, entries } of found)
      if (entries.length > 0) values.hmgetBuffer(this.keys.stateValues(id), ...entries.map((entry) => entry.digest));
    const valueReplies = values.length > 0 ? await execAll(values) : [];
    let next = 0;
    const replays = found.map(({ id, entries, expired }): Replay => {
      if (expired) return { expired: true };
      if (entries.length === 0) return { expired: false, states: [] };
      const raws = valueOf(valueReplies[next++], this.keys.stateValues(id)) as (Buffer | null)[];
      // A value trimmed between the two reads: the log moved on past this cursor.
      if (raws.some((raw) => raw === null)) return { expired: true };
      return { expired: false, states: entries.map((entry, index) => ({ id, ...entry, raw: raws[index] as Buffer })) };
    });
    return { now, replays };
  }
}
