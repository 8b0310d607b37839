/**
 * Live task updates from Celery's publish-on-set (docs/celery-wire-format.md,
 * "Pub/sub"): every write of `celery-task-meta-<id>` is also PUBLISHed, with
 * the same bytes, on a channel named after the key.
 *
 * Heard once per process, whatever the number of clients (state-sources.ts:
 * the consumer's pattern when the process consumes events, else a channel
 * per watched task on the one subscriber connection), each message decoded
 * once (the consumer takes the watcher's decode, celery/decode-once.ts) and
 * fanned out in process.
 *
 * No lost update: a task is listened to first and read second; messages that
 * arrive meanwhile are held, and since Celery publishes exactly the bytes it
 * stores, the held messages up to the one equal to the read value are older
 * than the read and dropped, the rest are newer and kept. After a drop every
 * watched key is read again the same way, so a change made while Redis was
 * away still arrives.
 *
 * What may be watched is bounded: `reserve` counts watches against a
 * process-wide limit and the caller's connection's, before any is opened.
 */
import type { Redis } from 'ioredis';
import type { CeleryKeys } from '../celery/keys.ts';
import { DecodeOnce } from '../celery/decode-once.ts';
import { READY_STATES } from '../celery/states.ts';
import { BackendUnavailableError } from '../errors/backend-unavailable-error.ts';
import { MetaDecodeError } from '../errors/meta-decode-error.ts';
import { ownBytes } from '../redis/own-bytes.ts';
import type { ResultBackend } from '../read/result-backend.ts';
import { type StateFeed, type StateSource, channelSource, fedSource } from './state-sources.ts';
import type { TaskSnapshot } from '../read/task-snapshot.ts';
import { type Release, WatchQuota, reserveWatches } from './watch-quota.ts';

export type TaskUpdate = TaskSnapshot | MetaDecodeError;
export type UpdateListener = (update: TaskUpdate) => void;

/** The bytes each notified update was decoded from (none for a missing key): resume cursors number them (state-log.ts). */
const rawBytes = new WeakMap<TaskUpdate, Buffer>();
export const rawOf = (update: TaskUpdate): Buffer | null => rawBytes.get(update) ?? null;

export interface Watch {
  /** The task as it is now (after merging what arrived while reading). */
  readonly current: TaskUpdate;
  /** Stops this watcher; the channel is unsubscribed after its last one. */
  stop(): void;
}

/** A task's listeners: most have one (a Set costs ~200 bytes), held as it is; a Set is made for two. */
type Listeners = UpdateListener | Set<UpdateListener> | null;

const sizeOf = (listeners: Listeners): number =>
  listeners === null ? 0 : typeof listeners === 'function' ? 1 : listeners.size;
const holds = (listeners: Listeners, listener: UpdateListener): boolean =>
  listeners === listener || (listeners instanceof Set && listeners.has(listener));
function added(listeners: Listeners, listener: UpdateListener): Listeners {
  if (listeners === null || listeners === listener) return listener;
  if (typeof listeners === 'function') return new Set([listeners, listener]);
  return listeners.add(listener);
}
function removed(listeners: Listeners, listener: UpdateListener): Listeners {
  if (listeners === listener) return null;
  if (!(listeners instanceof Set)) return listeners;
  listeners.delete(listener);
  return listeners.size === 0 ? null : listeners;
}

/** What an entry's promises become once settled (ready, an idle tail): one for all, not one per idle watch. */
const SETTLED: Promise<void> = Promise.resolve();

interface Entry {
  readonly id: string;
  readonly key: string;
  listeners: Listeners;
  /** Resolves once the channel is subscribed and the key read. */
  ready: Promise<void>;
  /** Raw bytes of the last value taken (null: no key seen yet). */
  raw: Buffer | null;
  /** The last value notified to listeners (what a new watcher starts from). */
  current: TaskUpdate | null;
  /** The last value taken, ahead of `current` while its TTL is looked up. */
  lastTaken: TaskUpdate | null;
  /** Messages held while a read is in flight; null when none is. */
  held: Buffer[] | null;
  /** Notifications in order, after the current value a new watch starts from. */
  tail: Promise<void>;
}

/** A watch opened in this tick, and how to tell its watch() the entry is ready (or failed). */
interface Starting {
  readonly entry: Entry;
  readonly settle: (error?: unknown) => void;
}

// Subscribe and read in slices: one huge command would block Redis, and
// spreading 120k+ arguments into one call throws RangeError.
const SLICE = 1000;

export interface TaskWatcherOptions {
  /** Watches (one per task per subscription) the whole process may hold. @default 100_000 */
  readonly maxWatches?: number;
  /** Channels per SUBSCRIBE/UNSUBSCRIBE and keys per read. @default 1000 */
  readonly slice?: number;
  /** Where published states are decoded, shared with the event consumer (celery/decode-once.ts). @default its own */
  readonly decodes?: DecodeOnce;
  /** Whether the process' event consumer hears every state too (it then takes the watcher's decode). @default never */
  readonly consumerHears?: () => boolean;
  /** Where every published state is heard already (the consumer's pattern): no channel is subscribed then. */
  readonly feed?: StateFeed;
}

export class TaskWatcher {
  readonly #entries = new Map<string, Entry>();
  /** Watches opened in this tick, started together: one SUBSCRIBE, one read. */
  #starting: Starting[] = [];
  /** Channels to leave, left together after this tick. */
  #stopping = new Set<string>();
  readonly #source: StateSource;
  readonly #slice: number;
  /** Watches held by the whole process. */
  readonly quota: WatchQuota;
  /** Where published states are decoded: once per process, with the consumer (celery/decode-once.ts). */
  readonly decodes: DecodeOnce;
  readonly #consumerHears: () => boolean;

  constructor(
    /** A dedicated connection: it is put in subscriber mode. */
    readonly subscriber: Redis,
    readonly backend: ResultBackend,
    readonly keys: CeleryKeys,
    options: TaskWatcherOptions = {},
  ) {
    this.quota = new WatchQuota(options.maxWatches ?? 100_000, 'process');
    this.#slice = options.slice ?? SLICE;
    this.decodes = options.decodes ?? new DecodeOnce(backend.valueLimits);
    this.#consumerHears = options.consumerHears ?? (() => false);
    const hearer = {
      message: (channel: string, message: Buffer) => this.#onMessage(channel, message),
      back: () => {
        this.#resync().catch(() => {
          // #resync handles its own failures; the next reconnection tries again.
        });
      },
    };
    this.#source = options.feed
      ? fedSource(options.feed, hearer)
      : channelSource(
          subscriber,
          (channel) => {
            const id = keys.taskIdOf(channel);
            return id !== null && this.#entries.has(id);
          },
          this.#slice,
          hearer,
        );
  }

  /**
   * Task channels the subscriber connection holds as Redis confirmed them,
   * plus those a timed-out command may have left (until reconciled).
   */
  get channelCount(): number {
    return this.#source.channelCount;
  }

  /** Tasks watched now (each a channel that is, or is being, subscribed). */
  get watchedCount(): number {
    return this.#entries.size;
  }

  /**
   * Counts `count` watches against the process' limit and `connection`'s,
   * both or neither; throws TooManyWatchesError past either. The release
   * (idempotent) gives them back: call it when the watches end.
   */
  reserve(count: number, connection?: WatchQuota): Release {
    return reserveWatches(count, connection ? [this.quota, connection] : [this.quota]);
  }

  /** Whether task `id` is watched now: its channel's messages reach this watcher. */
  watches(id: string): boolean {
    return this.#entries.has(id);
  }

  /** Number of watchers over all channels (one per task per subscription). */
  get listenerCount(): number {
    let count = 0;
    for (const entry of this.#entries.values()) count += sizeOf(entry.listeners);
    return count;
  }

  async watch(id: string, listener: UpdateListener): Promise<Watch> {
    let entry = this.#entries.get(id);
    if (!entry) {
      const created: Entry = {
        id,
        key: this.keys.task(id),
        listeners: null,
        ready: SETTLED,
        raw: null,
        current: null,
        lastTaken: null,
        held: null,
        tail: SETTLED,
      };
      created.ready = this.#start(created);
      this.#entries.set(id, created);
      entry = created;
    }
    const watched = entry;
    watched.listeners = added(watched.listeners, listener);
    const stop = () => this.#remove(watched, listener);
    try {
      await watched.ready;
    } catch (error) {
      stop();
      throw error;
    }
    watched.ready = SETTLED;
    // None only when every watcher of the entry stopped before its key was read (#startBatch skipped it).
    if (watched.current === null) throw new Error(`the watch of task ${id} was stopped before its task was read`);
    return { current: watched.current, stop };
  }

  /**
   * Stops `listener` watching `id`, as the stop() of its watch does: for a
   * caller that keeps no Watch (a subscription cohort's member keeps only its listener).
   */
  unwatch(id: string, listener: UpdateListener): void {
    const entry = this.#entries.get(id);
    if (entry && holds(entry.listeners, listener)) this.#remove(entry, listener);
  }

  #start(entry: Entry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#starting.push({ entry, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.#starting.length === 1) {
        setImmediate(() => {
          this.#startBatch().catch((error: unknown) => {
            // Not expected (#startBatch settles every watch itself); fail them rather than hang.
            for (const { settle } of this.#starting.splice(0)) settle(error);
          });
        });
      }
    });
  }

  /** Subscribe first, read second, for every watch opened in the last tick at once. */
  async #startBatch(): Promise<void> {
    const batch: Starting[] = [];
    for (const start of this.#starting.splice(0)) {
      if (this.#entries.get(start.entry.id) === start.entry) batch.push(start);
      // Every watcher of it stopped meanwhile: its watch() answers so now rather than never.
      else start.settle();
    }
    if (batch.length === 0) return;
    const entries = batch.map(({ entry }) => entry);
    // Messages are held from the SUBSCRIBE on, whichever slice reads them.
    for (const entry of entries) entry.held ??= [];
    this.#flushStops();
    try {
      await this.#source.listen(entries.map((entry) => entry.key));
    } catch (error) {
      for (const entry of entries) if (this.#entries.get(entry.id) === entry) this.#entries.delete(entry.id);
      // The chunks that did succeed are left again; a late one is reconciled.
      this.#source.release(entries.map((entry) => entry.key));
      const failure = new BackendUnavailableError(`cannot subscribe: ${(error as Error).message}`, { cause: error });
      for (const { settle } of batch) settle(failure);
      return;
    }
    try {
      for (let start = 0; start < entries.length; start += this.#slice)
        await this.#read(entries.slice(start, start + this.#slice));
      for (const entry of entries) await entry.tail;
      for (const { settle } of batch) settle();
    } catch (error) {
      for (const { entry, settle } of batch) {
        this.#drop(entry);
        settle(error);
      }
    }
  }

  #remove(entry: Entry, listener: UpdateListener): void {
    entry.listeners = removed(entry.listeners, listener);
    if (entry.listeners === null) this.#drop(entry);
  }

  #drop(entry: Entry): void {
    if (this.#entries.get(entry.id) !== entry) return;
    this.#entries.delete(entry.id);
    this.#stopping.add(entry.key);
    if (this.#stopping.size === 1) setImmediate(() => this.#flushStops());
  }

  /** Leaves every channel dropped since the last flush (a channel watched again meanwhile stays). */
  #flushStops(): void {
    if (this.#stopping.size === 0) return;
    const keys = this.#stopping;
    this.#stopping = new Set();
    this.#source.release(keys);
  }

  /** Reads the entries' keys while holding their messages, then merges. */
  async #read(entries: readonly Entry[]): Promise<void> {
    for (const entry of entries) entry.held ??= [];
    let values: { update: TaskUpdate; raw: Buffer | null }[];
    try {
      // Alone: this batches its own reads; waiting for the turn's others would hold its subscribes a turn longer.
      values = await this.backend.readTasksRaw(
        entries.map((entry) => entry.id),
        { ttl: 'existing', alone: true },
      );
    } catch (error) {
      for (const entry of entries) entry.held = null;
      throw error;
    }
    entries.forEach((entry, index) => {
      const held = entry.held ?? [];
      entry.held = null;
      const read = values[index];
      if (!read) return;
      // Held messages up to the one equal to the read value are older than it.
      const same = read.raw === null ? -1 : held.findLastIndex((message) => message.equals(read.raw as Buffer));
      this.#take(entry, read.update, read.raw, 'read');
      for (const message of held.slice(same + 1)) this.#takeMessage(entry, message);
    });
  }

  #onMessage(channel: string, message: Buffer): void {
    const id = this.keys.taskIdOf(channel);
    const entry = id === null ? undefined : this.#entries.get(id);
    if (!entry) return;
    if (entry.held) entry.held.push(message);
    else this.#takeMessage(entry, message);
  }

  #takeMessage(entry: Entry, message: Buffer): void {
    if (entry.raw?.equals(message)) return;
    const owned = ownBytes(message);
    let meta: TaskSnapshot['meta'];
    try {
      meta = this.decodes.decode(entry.id, entry.key, owned, this.#consumerHears());
    } catch (error) {
      if (error instanceof MetaDecodeError) this.#take(entry, error, owned, 'message');
      return;
    }
    // Its TTL is asked only if an operation selects it (schema/live-ttl.ts).
    const snapshot: TaskSnapshot = { id: entry.id, meta, ttlMs: undefined, readAt: new Date() };
    this.#take(entry, snapshot, owned, 'message');
  }

  /**
   * Takes a value as the entry's current one and tells its listeners, unless
   * it repeats the last value, or would move a ready task back to not ready,
   * or is a vanished key (expired) after one was seen.
   */
  #take(entry: Entry, update: TaskUpdate, view: Buffer | null, source: 'read' | 'message'): void {
    if (view !== null && entry.raw?.equals(view)) return;
    const previous = entry.lastTaken;
    if (previous && !(previous instanceof Error) && previous.meta) {
      const next = update instanceof Error ? null : update;
      if (next && next.meta === null) return;
      if (READY_STATES.has(previous.meta.state) && next?.meta && !READY_STATES.has(next.meta.state)) return;
    }
    if (source === 'read' && view === null && previous) return;
    // Kept as long as the task is watched, and with every queued update.
    const raw = view && ownBytes(view);
    entry.raw = raw;
    entry.lastTaken = update;
    if (raw !== null) rawBytes.set(update, raw);
    const tail = entry.tail.then(() => {
      entry.current = update;
      const { listeners } = entry;
      if (typeof listeners === 'function') listeners(update);
      else if (listeners) for (const listener of listeners) listener(update);
      if (entry.tail === tail) entry.tail = SETTLED;
    });
    entry.tail = tail;
  }

  async #resync(): Promise<void> {
    for (let attempt = 0; this.#entries.size > 0; attempt += 1) {
      const entries = [...this.#entries.values()];
      try {
        for (let start = 0; start < entries.length; start += this.#slice) {
          const slice = entries
            .slice(start, start + this.#slice)
            .filter((entry) => this.#entries.get(entry.id) === entry);
          await this.#source.listen(slice.map((entry) => entry.key));
          await this.#read(slice);
        }
        return;
      } catch {
        // The read connection may come back a little after the subscriber: try again.
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2000)));
        if (!this.#source.up) return; // the next reconnection resyncs
      }
    }
  }
}
