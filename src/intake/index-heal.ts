/**
 * Heals the index (and the tombstones) from the result backend after the
 * consumer lost messages, without a restart. Pub/sub is at-most-once: when
 * Redis drops the consumer's connection (client-output-buffer-limit pubsub
 * during a burst too large, CLIENT KILL, a restart), every state published
 * until it is back is gone; when the store refuses a write past the
 * consumer's retries (a Cluster failover), the message heard is gone too.
 * Celery's result keys still hold each task's final state, so a heal re-reads:
 *
 * 1. the tasks whose record failed (their ids, kept here, at most MAX_LOST);
 * 2. after a drop, the tasks the index holds as unfinished (newest first, at
 *    most `maxUnfinished`), which may have finished meanwhile;
 * 3. after a drop, the result keys written since it: one SCAN pass (the
 *    backfill's, redis/key-scan.ts), a key's remaining TTL telling when Celery
 *    wrote it (it sets result_expires on each: the longest TTL seen, or
 *    --result-expires if lower, stands for it), so only those are read.
 *
 * A final state found is recorded as the consumer records a published one
 * (HistoryStorage.recordMeta: index, tombstone, child links; idempotent),
 * unless the index already holds the task at that time or later. Nothing is
 * written to Celery's keys. The SCAN is paced (`keysPerSecond`) and every
 * read is a bounded batch, so requests and /healthz are answered meanwhile.
 * A heal that fails (the store or the backend away) is tried again, from
 * the same point, with a growing delay.
 */
import type { Redis } from 'ioredis';
import type { CeleryKeys } from '../celery/keys.ts';
import type { TaskMeta } from '../celery/meta.ts';
import { LensError } from '../errors/lens-error.ts';
import { scanKeys } from '../redis/key-scan.ts';
import { execAll, guarded } from '../redis/redis-replies.ts';
import type { HistoryStorage, IndexStorage } from '../store/store.ts';
import { FROM_STATE, type TaskStatus } from '../store/task-statuses.ts';
import type { IndexEntry } from '../store/index/index-types.ts';

/** Ids of failed records kept for the next heal: a minute of a busy fleet. */
const MAX_LOST = 100_000;
/** Result keys read per MGET, and index entries per page. */
const READ_BATCH = 500;
/** recordMeta calls in flight (each one round trip to the store). */
const WRITES_IN_FLIGHT = 16;
/** A key's TTL counted as written since the drop this much earlier: Celery's SETEX and our clock are apart by a round trip, and a worker may stall between computing and writing. */
const TTL_SLACK_MS = 60_000;
/** A gap told without a drop seen (an AMQP event stream's): results of this last span are re-read. */
const GAP_WINDOW_MS = 5 * 60_000;
/** First wait before healing failed records (the store is likely still away), and the longest between tries. */
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 15_000;
/** How far before a store node's failure writes it acknowledged may not have reached its replica (asynchronous replication lags by milliseconds; a stalled link by more). */
const REPLICATION_MARGIN_MS = 30_000;

const UNFINISHED: readonly TaskStatus[] = ['UNKNOWN', 'QUEUED', 'RUNNING', 'RETRYING'];
const FINAL: ReadonlySet<TaskStatus> = new Set(['SUCCEEDED', 'FAILED', 'REVOKED']);

export interface HealSources {
  /** The result backend's connection (reads only). */
  readonly backend: Redis;
  readonly celery: CeleryKeys;
  readonly history: Pick<HistoryStorage, 'recordMeta'>;
  /** Null with --index false: only tombstones and links are healed, from the keys written since the drop. */
  readonly index: Pick<IndexStorage, 'search' | 'latestTimes'> | null;
  /** Decodes a result key's value; throws a LensError when it is not Celery's JSON meta. */
  readonly decode: (id: string, key: string, bytes: Uint8Array) => TaskMeta;
}

export interface HealSettings {
  /** Celery's result_expires (s) as configured: with the longest TTL seen, a result key's remaining TTL tells when it was written. */
  readonly resultExpiresSeconds: number;
  /** Keys SCAN looks at per call. @default 1000 */
  readonly scanCount?: number;
  /** Result keys scanned per second at most. @default 20000 */
  readonly keysPerSecond?: number;
  /** Unfinished index entries re-read at most per heal. @default 100000 */
  readonly maxUnfinished?: number;
}

/** What one heal did, as logged at its end. */
export interface HealReport {
  /** When the loss began (ms), null for failed records alone. */
  readonly since: number | null;
  /** Failed records re-read. */
  lost: number;
  /** Unfinished index entries re-read. */
  unfinished: number;
  /** Result keys scanned, and read because written since the loss. */
  scanned: number;
  read: number;
  /** Final states recorded. */
  healed: number;
  ms: number;
}

export class IndexHeal {
  /** Final states recorded by heals since start (celery_lens_index_healed_total). */
  healed = 0;
  /** Told after each batch recorded (a heal that fails later still counts what it recorded). */
  onHealed: (count: number) => void = () => {};
  onStart: (since: number | null, lost: number) => void = () => {};
  onEnd: (report: HealReport) => void = () => {};
  onError: (error: unknown, retryInMs: number) => void = () => {};
  /** The earliest loss not healed yet. */
  #since: number | null = null;
  #lost = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #retryMs = FIRST_RETRY_MS;
  #stopped = false;

  constructor(
    readonly sources: HealSources,
    readonly settings: HealSettings,
  ) {}

  /** The consumer's connection was dropped at `at`: what was published from then on is lost. */
  dropped(at = Date.now()): void {
    this.#since = Math.min(this.#since ?? at, at);
  }

  /** The consumer hears again (subscribed after a drop): the gap is healed now. */
  gap(): void {
    this.#since ??= Date.now() - GAP_WINDOW_MS;
    this.#schedule(0);
  }

  /** The records of these tasks failed (the store refused them): re-read a little later. */
  lost(ids: readonly string[]): void {
    for (const id of ids) if (this.#lost.size < MAX_LOST) this.#lost.add(id);
    if (ids.length > 0) this.#schedule(FIRST_RETRY_MS);
  }

  /**
   * A store node failed (a Cluster primary lost, its replica promoted): the
   * writes it acknowledged but had not yet replicated are gone, and the
   * consumer could not know. Healed as a drop from a little before.
   */
  storeFailed(at = Date.now()): void {
    this.dropped(at - REPLICATION_MARGIN_MS);
    this.#schedule(FIRST_RETRY_MS);
  }

  /** Whether a heal is running or waits to run. */
  get busy(): boolean {
    return this.#running !== null || this.#timer !== null;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) {
      if (delayMs > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.#run().then((retryInMs) => {
        this.#running = null;
        const again = this.#again;
        this.#again = false;
        // After a failure its retry covers what was lost meanwhile: no tight loop while the store is away.
        if (retryInMs !== null) this.#schedule(retryInMs);
        else if (again) this.#schedule(0);
      });
    }, delayMs);
    this.#timer.unref();
  }

  /** One heal of what is pending; resolves with when to try again after a failure, null when it is done. */
  async #run(): Promise<number | null> {
    const since = this.#since;
    const lost = [...this.#lost];
    this.#since = null;
    this.#lost = new Set();
    if (since === null && lost.length === 0) return null;
    try {
      this.onStart(since, lost.length);
      this.onEnd(await this.#heal(since, lost));
      this.#retryMs = FIRST_RETRY_MS;
      return null;
    } catch (error) {
      // What was not healed waits for the next try, with what was lost meanwhile.
      if (since !== null) this.dropped(since);
      for (const id of lost) if (this.#lost.size < MAX_LOST) this.#lost.add(id);
      const delay = this.#retryMs;
      this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
      this.onError(error, delay);
      return delay;
    }
  }

  async #heal(since: number | null, lost: readonly string[]): Promise<HealReport> {
    const started = Date.now();
    const report: HealReport = { since, lost: lost.length, unfinished: 0, scanned: 0, read: 0, healed: 0, ms: 0 };
    const seen = new Set<string>();
    for (let from = 0; from < lost.length; from += READ_BATCH)
      report.healed += await this.#healIds(lost.slice(from, from + READ_BATCH), seen, false);
    if (since !== null) {
      for await (const ids of this.#unfinished()) {
        report.unfinished += ids.length;
        report.healed += await this.#healIds(ids, seen, true);
      }
      await this.#scan(since, report, seen);
    }
    report.ms = Date.now() - started;
    return report;
  }

  /** Pages of the ids the index holds as unfinished, newest first, up to maxUnfinished. */
  async *#unfinished(): AsyncGenerator<string[]> {
    const { index } = this.sources;
    if (!index) return;
    const max = this.settings.maxUnfinished ?? 100_000;
    let after: IndexEntry | null = null;
    for (let taken = 0; taken < max; ) {
      const limit = Math.min(READ_BATCH, max - taken);
      const { entries } = await index.search({ statuses: UNFINISHED }, 'desc', limit, after);
      if (entries.length === 0) return;
      taken += entries.length;
      yield entries.map((entry) => entry.id);
      if (entries.length < limit) return;
      after = entries.at(-1) ?? null;
    }
  }

  /**
   * One SCAN pass over the result keys, paced; reads those whose TTL says
   * they were written since `since` (all of them when a key has none).
   */
  async #scan(since: number, report: HealReport, seen: Set<string>): Promise<void> {
    const { backend, celery } = this.sources;
    const perSecond = this.settings.keysPerSecond ?? 20_000;
    // The longest TTL seen so far: no key was given more than Celery's result_expires, whatever --result-expires says.
    let longest = 0;
    for await (const { keys } of scanKeys(backend, celery.taskPattern, this.settings.scanCount ?? 1000)) {
      const began = Date.now();
      report.scanned += keys.length;
      const pipeline = backend.pipeline();
      for (const key of keys) pipeline.pttl(key);
      const ttls = keys.length === 0 ? [] : await execAll(pipeline);
      for (const [error, ttl] of ttls) if (!error) longest = Math.max(longest, Number(ttl));
      // Written since the drop: at least result_expires − (time since the drop) left, give or take the slack. Too
      // low a guess of result_expires only reads more keys, so the lower of the setting and the longest TTL seen.
      const expiresMs = Math.min(this.settings.resultExpiresSeconds * 1000, longest);
      const fresh = expiresMs - (Date.now() - since) - TTL_SLACK_MS;
      const ids = keys.flatMap((key, position) => {
        const [error, ttl] = ttls[position] ?? [null, -2];
        const id = celery.taskIdOf(key);
        if (error || id === null || seen.has(id) || ttl === -2) return [];
        return ttl === -1 || Number(ttl) >= fresh ? [id] : [];
      });
      report.read += ids.length;
      for (let from = 0; from < ids.length; from += READ_BATCH)
        report.healed += await this.#healIds(ids.slice(from, from + READ_BATCH), seen, false);
      const pause = (keys.length / perSecond) * 1000 - (Date.now() - began);
      await new Promise((resolve) => (pause > 0 ? setTimeout(resolve, pause) : setImmediate(resolve)));
    }
  }

  /**
   * Reads the result keys of `ids` and records each final state the index
   * does not hold yet (`unfinished`: the index holds them unfinished, so each
   * final state is news whatever its time); returns how many it recorded.
   */
  async #healIds(ids: readonly string[], seen: Set<string>, unfinished: boolean): Promise<number> {
    const fresh = ids.filter((id) => !seen.has(id));
    for (const id of fresh) seen.add(id);
    if (fresh.length === 0) return 0;
    const { backend, celery, index, decode } = this.sources;
    const keys = fresh.map((id) => celery.task(id));
    const values = await guarded(() => backend.mgetBuffer(...keys));
    const finals: TaskMeta[] = [];
    fresh.forEach((id, position) => {
      const value = values[position];
      if (!value) return; // not stored (yet), or expired
      try {
        const meta = decode(id, keys[position] as string, value);
        if (FINAL.has(FROM_STATE.get(meta.state) ?? 'RUNNING')) finals.push(meta);
      } catch (error) {
        if (!(error instanceof LensError)) throw error; // pickle, garbage: nothing to heal
      }
    });
    // The index may have them already (heard after the connection came back, or before the drop).
    const times = unfinished || !index ? [] : await index.latestTimes(finals.map((meta) => meta.id));
    const missing = finals.filter((meta, position) => {
      if (unfinished || !index) return true;
      const at = times[position] ?? null;
      return at === null || at < (meta.dateDone?.getTime() ?? Number.POSITIVE_INFINITY);
    });
    for (let from = 0; from < missing.length; from += WRITES_IN_FLIGHT)
      await Promise.all(
        missing.slice(from, from + WRITES_IN_FLIGHT).map((meta) => this.sources.history.recordMeta(meta)),
      );
    this.healed += missing.length;
    if (missing.length > 0) this.onHealed(missing.length);
    return missing.length;
  }
}
