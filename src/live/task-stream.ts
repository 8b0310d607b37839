/**
 * One client's stream of task updates, over the shared TaskWatcher.
 *
 * Buffering is bounded: while the client keeps up it gets every update in
 * order (each PROGRESS step); when it falls behind by more than `maxQueued`
 * updates, or `maxQueuedBytes` of stored values with what its socket still
 * holds (64 updates of a 4 MB result would be 256 MB), the queue collapses to
 * the latest update of each task, so memory stays bounded by the number of
 * tasks watched, never by the update rate.
 *
 * Why not graphql-yoga's Repeater: its executor starts at the first next(),
 * and a return() before that skips it. The watches must be open (and counted)
 * when the subscription is accepted, so that a Redis outage or a cap is a
 * coded error of the subscribe call; a Repeater would then leak them whenever
 * it is returned before its first pull (a client that leaves at once).
 */
import { READY_STATES } from '../celery/states.ts';
import { type TaskUpdate, type TaskWatcher, type Watch, rawOf } from './task-watcher.ts';
import type { Release, WatchQuota } from './watch-quota.ts';
import { Channel } from './channel.ts';
import { type ReEmits, type ReEmittable, again, isReEmit } from './re-emits.ts';
import type { TaskChange } from '../intake/progress-changes.ts';
import { LensError } from '../errors/lens-error.ts';

export interface TaskStreamOptions {
  /** Complete once every task has been seen in a ready state. @default true */
  readonly untilReady?: boolean;
  /** Yield only ready states (one per task). @default false */
  readonly readyOnly?: boolean;
  /** Updates queued for a slow client before collapsing to the latest per task. @default 64 */
  readonly maxQueued?: number;
  /** Bytes of stored values queued, with what `buffered` says, before collapsing. @default no bound */
  readonly maxQueuedBytes?: number;
  /** Bytes the client's connection holds that it has not taken yet (transport/client-buffered.ts). */
  readonly buffered?: () => number;
  /** Completes the stream when aborted (process shutdown). */
  readonly signal?: AbortSignal;
  /** The caller's connection's quota of watches (besides the process'). */
  readonly quota?: WatchQuota;
  /**
   * Emits a task again when a change says its fields moved with nothing
   * stored (its worker gone, or, with `events`, Celery's events about it):
   * re-emits.ts. The copy is queued after the latest value queued. @default none
   */
  readonly reEmits?: { readonly source: ReEmits; readonly events: boolean } | null;
}

/** The task each update queued is about (an undecodable value names only its key): what the queue collapses by. */
const taskIds = new WeakMap<TaskUpdate, string>();
const taskIdOf = (update: TaskUpdate): string => taskIds.get(update) ?? '';

/** What an update queued costs, as the bytes of the stored value it was decoded from. */
export const queuedBytesOf = (update: TaskUpdate): number => rawOf(update)?.byteLength ?? 0;

const isReady = (update: TaskUpdate): boolean =>
  !(update instanceof Error) && update.meta !== null && READY_STATES.has(update.meta.state);

type Options = Required<Omit<TaskStreamOptions, 'signal' | 'quota'>>;

/** One task of a stream, as re-emits know it: its latest value queued, queued again for a change. */
class Held implements ReEmittable {
  latest: TaskUpdate | null = null;
  /** An again() copy of it is queued and not handed out yet: a further change would repeat it. */
  queued = false;

  constructor(
    readonly stream: TaskStream,
    readonly taskId: string,
    readonly readsEvents: boolean,
  ) {}

  emitAgain(change: TaskChange): void {
    const { latest } = this;
    if (this.queued || latest === null || latest instanceof LensError || this.stream.channel.ended) return;
    this.queued = true;
    const copy = again(latest, change);
    taskIds.set(copy, this.taskId);
    this.stream.channel.push(copy);
  }
}

/** The stream's channel, and the watches, quotas and shutdown listener that end with it. */
class TaskStream {
  readonly #readySeen = new Set<string>();
  readonly #watches: Watch[] = [];
  /** Removes the abort listener: the signal (process shutdown) outlives every stream. */
  #unlisten: () => void = () => {};
  /** Gives the watches back to the quotas. */
  #release: Release = () => {};
  readonly channel: Channel<TaskUpdate>;
  /** Its tasks as re-emits know them, when it has re-emits. */
  readonly #held: Map<string, Held> | null;

  constructor(
    readonly ids: readonly string[],
    readonly options: Options,
  ) {
    this.channel = new Channel<TaskUpdate>({
      maxQueued: options.maxQueued,
      maxBytes: options.maxQueuedBytes,
      buffered: options.buffered,
      keyOf: taskIdOf,
      bytesOf: queuedBytesOf,
      take: (update) => this.#take(taskIdOf(update), update),
      onClose: () => this.#close(),
    });
    const reEmits = options.reEmits;
    this.#held = reEmits ? new Map(ids.map((id) => [id, new Held(this, id, reEmits.events)])) : null;
  }

  /** Whether a value is for a readyOnly stream to skip: not ready (an undecodable one goes through). */
  #skips(update: TaskUpdate): boolean {
    return this.options.readyOnly && !isReady(update) && !(update instanceof Error);
  }

  #take(id: string, update: TaskUpdate): boolean {
    if (isReEmit(update)) {
      const held = this.#held?.get(id);
      if (held) held.queued = false;
      return true;
    }
    if (this.#skips(update) || (this.options.readyOnly && this.#readySeen.has(id))) return false;
    if (isReady(update)) this.#readySeen.add(id);
    if (this.options.untilReady && this.#readySeen.size === this.ids.length) this.channel.end();
    return true;
  }

  async open(watcher: TaskWatcher, quota: WatchQuota | undefined): Promise<AsyncIterableIterator<TaskUpdate>> {
    try {
      this.#release = watcher.reserve(this.ids.length, quota);
    } catch (error) {
      // Refused: stop listening to the shutdown signal like any ended stream.
      this.channel.end();
      throw error;
    }
    // Nothing to watch: nothing can ever be emitted, so it is complete at once.
    if (this.ids.length === 0) this.channel.end();
    const opened: { id: string; watch: Watch }[] = [];
    const failures: unknown[] = [];
    // Every watch is awaited, the failed ones too: those that did open are kept to be stopped.
    await Promise.all(
      this.ids.map((id) =>
        watcher
          .watch(id, (update) => this.#push(id, update))
          .then(
            (watch) => {
              if (this.channel.ended) watch.stop();
              else opened.push({ id, watch });
            },
            (error: unknown) => {
              failures.push(error);
            },
          ),
      ),
    );
    for (const { watch } of opened) this.#watches.push(watch);
    if (failures.length > 0) {
      this.channel.end();
      throw failures[0];
    }
    this.#queueCurrents(opened);
    if (this.#held && this.options.reEmits)
      for (const held of this.#held.values()) this.options.reEmits.source.add(held);
    return this.channel;
  }

  /**
   * A listener hears every value notified after it joined, the current one
   * included: a task with nothing queued yet starts from its current value,
   * queued ahead of what arrived while opening.
   */
  #queueCurrents(opened: readonly { id: string; watch: Watch }[]): void {
    const queued = new Set<string>();
    for (const { id } of opened) if (this.#pushedWhileOpening?.has(id)) queued.add(id);
    this.#pushedWhileOpening = null;
    const currents: TaskUpdate[] = [];
    for (const { id, watch } of opened) {
      if (queued.has(id) || this.#skips(watch.current)) continue;
      taskIds.set(watch.current, id);
      this.#latest(id, watch.current);
      currents.push(watch.current);
    }
    this.channel.unshift(currents);
  }

  /** Tasks notified while the stream was opening (their current value is then older than what came). */
  #pushedWhileOpening: Set<string> | null = new Set();

  #push(id: string, update: TaskUpdate): void {
    if (this.#skips(update)) return;
    this.#pushedWhileOpening?.add(id);
    taskIds.set(update, id);
    this.#latest(id, update);
    this.channel.push(update);
  }

  /** What a re-emit of the task repeats: the latest value queued. */
  #latest(id: string, update: TaskUpdate): void {
    const held = this.#held?.get(id);
    if (!held) return;
    held.latest = update;
    // Queued after the copy: a change from now on is emitted again after it.
    held.queued = false;
  }

  /** Stops every watch, gives them back to the quotas and stops listening to the shutdown. */
  #close(): void {
    this.#unlisten();
    for (const watch of this.#watches) watch.stop();
    this.#watches.length = 0;
    this.#release();
    if (this.#held && this.options.reEmits) {
      for (const held of this.#held.values()) {
        this.options.reEmits.source.remove(held);
        held.latest = null;
      }
    }
  }

  /** Completes the stream when `signal` aborts. */
  closeOn(signal: AbortSignal): void {
    const close = () => this.channel.end();
    signal.addEventListener('abort', close, { once: true });
    this.#unlisten = () => signal.removeEventListener('abort', close);
  }
}

/**
 * Opens a stream over `ids` (duplicates ignored; none: complete at once).
 * Rejects if Redis is down (BACKEND_UNAVAILABLE) or past a quota (TOO_MANY_WATCHES).
 */
export function openTaskStream(
  watcher: TaskWatcher,
  ids: readonly string[],
  options: TaskStreamOptions = {},
): Promise<AsyncIterableIterator<TaskUpdate>> {
  const stream = new TaskStream([...new Set(ids)], {
    untilReady: options.untilReady ?? true,
    readyOnly: options.readyOnly ?? false,
    maxQueued: options.maxQueued ?? 64,
    maxQueuedBytes: options.maxQueuedBytes ?? Number.POSITIVE_INFINITY,
    buffered: options.buffered ?? (() => 0),
    reEmits: options.reEmits ?? null,
  });
  if (options.signal) stream.closeOn(options.signal);
  return stream.open(watcher, options.quota);
}
