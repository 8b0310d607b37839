/**
 * The states Celery published for each task, numbered, so that a
 * subscription can resume from a cursor: "every state numbered after N".
 *
 * Every state (the exact bytes Celery stored and PUBLISHed) is recorded once,
 * whoever sees it first: the event consumer of any process, or a
 * subscription delivering it. The number comes from one counter in Redis
 * (`{states}:counter`), so it orders states across tasks and processes, and a
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
 * last one (each record renews it). Older cursors are CURSOR_EXPIRED. A
 * final state's bytes are not kept twice: the result backend holds them
 * (state-bytes.ts says how a log is stored).
 */
import { randomBytes } from 'node:crypto';
import type { StoreRedis } from '../redis/store-redis.ts';
import type { LensKeys } from './lens-keys.ts';
import { type LoggedState, type Position, type Replay, type ResumeLog, type StateRecord, digestOf } from './store.ts';
import { defineScript, luaScript, runScript } from '../redis/lua-scripts.ts';
import { execAll, guarded, valueOf } from '../redis/redis-replies.ts';
import { type ParsedLog, packState, parseLog, shortDigest, unpackState } from './state-bytes.ts';

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
  /** Whether an update the watcher notified is a final state, whose bytes the backend keeps. @default none is */
  readonly finalOf?: (update: object) => boolean;
  /**
   * The bytes the result backend holds now for each task (null: no key), to replay final states from.
   * @default none: final states' bytes are kept in the log too
   */
  readonly readBackend?: (ids: readonly string[]) => Promise<(Buffer | null)[]>;
}

/** The resume log (store.ts' ResumeLog) on Redis: a counter, and per task a string of its states (state-bytes.ts). */
export class StateLog implements ResumeLog {
  readonly windowSeconds: number;
  /** The number of each update the watcher notified, asked once however many subscriptions deliver it. */
  readonly #positions = new WeakMap<object, Promise<Position>>();
  readonly #rawOf: (update: object) => Buffer | null;
  readonly #finalOf: (update: object) => boolean;
  readonly #readBackend: StateLogOptions['readBackend'];
  /**
   * Records in flight, by task and digest: the consumer records a state as
   * the subscriptions of this process number the same update (the change bus
   * tells both at the same moment), with one script call. Forgotten once
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
    this.#finalOf = options.finalOf ?? (() => false);
    this.#readBackend = options.readBackend;
    defineScript(redis, RECORD);
  }

  /** Records a task's state (idempotent) and answers its number; `final`: the backend holds its bytes. */
  record(id: string, raw: Buffer, digest = digestOf(raw), final = false): Promise<Position> {
    const key = `${digest}:${id}`;
    let recording = this.#recent.get(key);
    if (!recording) {
      recording = this.#record(id, raw, digest, final);
      this.#recent.set(key, recording);
      const forget = () => this.#recent.delete(key);
      recording.then(forget, forget);
    }
    return recording;
  }

  async #record(id: string, raw: Buffer, digest: string, final: boolean): Promise<Position> {
    const payload = packState(id, raw, final && this.#readBackend !== undefined);
    const [epoch, seq] = await guarded(() =>
      runScript<RecordReply>(
        this.redis,
        RECORD,
        [this.keys.stateClock(), this.keys.stateLog(id)],
        [this.windowSeconds, MAX_STATES, randomBytes(6).toString('hex'), shortDigest(digest), payload],
      ),
    );
    return { epoch, seq: Number(seq) };
  }

  /** record of several states in one script call (their logs share the clock's slot), in their order. */
  async recordAll(states: readonly StateRecord[]): Promise<void> {
    const keys = [this.keys.stateClock()];
    // Taken only when the clock is missing.
    const args: (string | number | Buffer)[] = [this.windowSeconds, MAX_STATES, randomBytes(6).toString('hex')];
    const waiting: Promise<Position>[] = [];
    const queued = new Map<string, number>();
    for (const { id, raw, final } of states) {
      const digest = digestOf(raw);
      const key = `${digest}:${id}`;
      const recording = this.#recent.get(key);
      if (recording) waiting.push(recording);
      if (recording || queued.has(key)) continue;
      queued.set(key, keys.length);
      keys.push(this.keys.stateLog(id));
      args.push(shortDigest(digest), packState(id, raw, final && this.#readBackend !== undefined));
    }
    if (queued.size > 0) {
      const reply = guarded(() => runScript<string[]>(this.redis, RECORD, keys, args));
      for (const [key, at] of queued) {
        const recording = reply.then((numbers) => ({ epoch: numbers[0] as string, seq: Number(numbers[at]) }));
        this.#recent.set(key, recording);
        const forget = () => this.#recent.delete(key);
        recording.then(forget, forget);
        waiting.push(recording);
      }
    }
    await Promise.all(waiting);
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
      position = this.record(id, raw, undefined, this.#finalOf(update));
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
    const logs = await this.#logs(ids);
    return logs.some((log) => !log.valid || log.entries.some((entry) => entry.seq > after));
  }

  /** Each task's log as stored, in one round trip. */
  async #logs(ids: readonly string[]): Promise<ParsedLog[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.getBuffer(this.keys.stateLog(id));
    const replies = await execAll(pipeline);
    return ids.map((id, index) => parseLog(valueOf(replies[index], this.keys.stateLog(id)) as Buffer | null));
  }

  /**
   * The states of `ids` numbered after `after`, oldest first, with the
   * counter at the time of the read; a task whose log lost states after
   * `after` (trimmed, or gone while the counter is not) is `expired`, and
   * so is one whose final state the backend no longer holds as it was.
   * One round trip, and one to the backend when a final state is replayed.
   */
  async after(ids: readonly string[], after: number): Promise<{ now: Position | null; replays: Replay[] }> {
    const pipeline = this.redis.pipeline().hmget(this.keys.stateClock(), 'epoch', 'seq');
    for (const id of ids) pipeline.getBuffer(this.keys.stateLog(id));
    const replies = await execAll(pipeline);
    const [epoch, seq] = valueOf(replies[0], this.keys.stateClock()) as [string | null, string | null];
    const now = epoch ? { epoch, seq: Number(seq ?? 0) } : null;
    const logs = ids.map((id, index) => parseLog(valueOf(replies[1 + index], this.keys.stateLog(id)) as Buffer | null));
    const held = await this.#held(ids, logs, after);
    const replays = ids.map((id, index): Replay => {
      const log = logs[index] as ParsedLog;
      if (!log.valid || (log.trimmed !== null && log.trimmed > after)) return { expired: true };
      const states: LoggedState[] = [];
      for (const entry of log.entries) {
        if (entry.seq <= after) continue;
        const raw = entry.payload.length === 0 ? (held.get(id) ?? null) : unpackState(id, entry.payload);
        const digest = raw && digestOf(raw);
        // Bytes gone or changed (the result expired, or was written again): the cursor cannot be resumed.
        if (!digest?.startsWith(entry.digest)) return { expired: true };
        states.push({ id, seq: entry.seq, digest, raw: raw as Buffer });
      }
      return { expired: false, states };
    });
    return { now, replays };
  }

  /** What the backend holds for the tasks whose final state is to be replayed. */
  async #held(ids: readonly string[], logs: readonly ParsedLog[], after: number): Promise<Map<string, Buffer | null>> {
    const wanted = ids.filter((_, index) =>
      logs[index]?.entries.some((entry) => entry.seq > after && entry.payload.length === 0),
    );
    if (wanted.length === 0 || !this.#readBackend) return new Map();
    const values = await this.#readBackend(wanted);
    return new Map(wanted.map((id, index) => [id, values[index] ?? null]));
  }
}
