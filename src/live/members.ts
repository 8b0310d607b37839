/**
 * A subscription in the live core (live-core.ts) is a member of a cohort:
 * what it sends is its cohort's one execution of each event (with its own
 * resume cursor), answered within --max-response-bytes, errors masked. What
 * feeds a member is one of two sources:
 *
 * - WatchMember, for `task(id)` and `taskCompleted(id)` (the web page's
 *   subscription and what clients awaiting a task use): nothing but a
 *   listener on the shared TaskWatcher, its quota, its cursor position and,
 *   while its client is slow, a bounded queue (the latest update only past
 *   --max-queued). No source stream, no per-operation context between
 *   events: a few hundred bytes each.
 * - StreamMember, for every other subscription: the stream the field's own
 *   subscribe resolver opens (createSourceEventStream), pulled one event at a
 *   time as its transport asks, so the stream's own bounded queue (task-stream.ts,
 *   graph-feed.ts, …) decides what a slow client misses.
 *
 * Both count what they send for the operation log (MemberObserver) and end
 * once: returned by their transport, complete, or stopped at shutdown.
 */
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import { encodeCursor, withCursor } from './cursor.ts';
import { advance, numberOf } from './replay.ts';
import { isReadyUpdate } from './task-await.ts';
import { queuedBytesOf } from './task-stream.ts';
import type { Position, ResumeLog } from '../store/store.ts';
import type { TaskChange } from '../intake/progress-changes.ts';
import type { HistoryStorage } from '../store/store.ts';
import type { ProgressChanges } from '../intake/progress-changes.ts';
import { type TaskUpdate, type TaskWatcher, rawOf } from './task-watcher.ts';
import { type WatchQuota, takeWatches } from './watch-quota.ts';
import { LensError } from '../errors/lens-error.ts';
import { type ReEmittable, again } from './re-emits.ts';
import type { SharedSource } from './shared-source.ts';

/** What a member counts for the plugin that follows it (use-operation-log.ts). */
export interface MemberRecord {
  /** When it joined (performance.now()). */
  readonly startedAt: number;
  /** Events sent. */
  readonly events: number;
  /** Error codes its events carried, if any. */
  codes: Set<string> | null;
}

/**
 * What a plugin that follows a subscription's events registers on a member:
 * one object for all the members of an operation, their counts on the member.
 */
export interface MemberObserver {
  onNext(result: ExecutionResult, member: MemberRecord): void;
  onEnd(member: MemberRecord): void;
}

/** What the live core's contexts hold that members use (schema/context.ts' LensContext has it all). */
export interface LiveContext {
  readonly watcher: TaskWatcher;
  readonly states: ResumeLog;
  readonly watchQuota: WatchQuota;
  readonly shutdown: AbortSignal;
  readonly consumer: unknown;
  readonly changes: ProgressChanges;
  readonly history: HistoryStorage;
}

/** Operations with the same document, operation name and scopes (or read grant): one context to execute in. */
export interface Group {
  /** Its document, operation name and scopes: its key among the groups. */
  readonly key: string;
  /** Its cohorts, by their variables. */
  readonly cohorts: SharedSource<Cohort>;
  readonly context: LiveContext;
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operationName: string | null | undefined;
  /** Whether its selection shows what events tell: its tasks are emitted again when their events arrive. */
  readonly readsEvents: boolean;
}

/** A group's operations with the same variables: one execution per event for all of them. */
export interface Cohort {
  readonly group: Group;
  /** Its variables (JSON): its key among its group's cohorts. */
  readonly key: string;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
  /** Results of the events being fanned out, forgotten after this turn of the event loop. */
  memo: Map<object, Promise<ExecutionResult>> | null;
}

/** What members ask of the core that runs them (live-core.ts). */
export interface Host {
  readonly maxQueued: number;
  readonly maxQueuedBytes: number;
  /** The event's result for the cohort: executed once for all the members it reaches together, errors masked. */
  resultFor(cohort: Cohort, event: unknown): Promise<ExecutionResult>;
  /** The result as sent: RESPONSE_TOO_LARGE in place of one past --max-response-bytes. */
  answer(result: ExecutionResult): ExecutionResult;
  /** Told once when a member ends: it leaves its cohort. */
  leave(member: Member): void;
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/** What every member does: count, observe, end once, leave. */
export abstract class Member implements AsyncIterableIterator<ExecutionResult>, MemberRecord {
  readonly startedAt = performance.now();
  events = 0;
  codes: Set<string> | null = null;
  #observer: MemberObserver | null = null;
  #ended = false;

  constructor(
    readonly host: Host,
    readonly cohort: Cohort,
  ) {}

  abstract next(): Promise<IteratorResult<ExecutionResult>>;
  abstract return(): Promise<IteratorResult<ExecutionResult>>;
  /** Completes the subscription (process shutdown). */
  abstract stop(): void;

  observe(observer: MemberObserver): void {
    this.#observer = observer;
  }

  /** The cohort's result of `event`, answered, with `cursor` (a string: the member's resume cursor). */
  protected async send(
    executing: Promise<ExecutionResult>,
    cursor: () => unknown,
  ): Promise<IteratorResult<ExecutionResult>> {
    const executed = await executing;
    const answered = this.host.answer(executed);
    const at = cursor();
    // As the plugins order it: the cursor is put on the result, which RESPONSE_TOO_LARGE replaces whole.
    const value = typeof at === 'string' && answered === executed ? withCursor(executed, at) : answered;
    this.events += 1;
    this.#observer?.onNext(value, this);
    return { value, done: false };
  }

  /** Ends it for the log (once), leaving the cohort if it has not yet. */
  protected end(): IteratorReturnResult<undefined> {
    this.host.leave(this);
    if (!this.#ended) {
      this.#ended = true;
      this.#observer?.onEnd(this);
      this.#observer = null;
    }
    return DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Any other subscription: the events of the stream its field's subscribe resolver opened, one pull at a time. */
export class StreamMember extends Member {
  readonly source: AsyncIterator<unknown>;

  constructor(
    host: Host,
    cohort: Cohort,
    stream: AsyncIterable<unknown>,
    /** The resume cursor of the event just pulled (schema/cursor.ts), if the stream has cursors. */
    readonly cursor: () => unknown,
  ) {
    super(host, cohort);
    this.source = stream[Symbol.asyncIterator]();
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    let pulled: IteratorResult<unknown>;
    try {
      pulled = await this.source.next();
    } catch (error) {
      this.end();
      throw error;
    }
    if (pulled.done) return this.end();
    // Read now, as the event is pulled: a stream that works ahead (a generator in a Repeater) may set the next
    // event's cursor while this one executes, and an event must never carry the cursor of one not sent yet.
    const cursor = this.cursor();
    return this.send(this.host.resultFor(this.cohort, pulled.value), () => cursor);
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    // A source's return() settles its pending next() as done; what it rejects with is its own business.
    await this.source.return?.()?.catch(() => {});
    return DONE;
  }

  /**
   * Sources end themselves on the shutdown signal, some with a last event
   * (`taskCompleted(timeoutSeconds)` emits the task as it is): returning them
   * at once would drop it. One that has not ended within the grace is cut.
   */
  stop(): void {
    this.#cut ??= setTimeout(() => this.return().catch(() => {}), SOURCE_STOP_GRACE_MS);
    this.#cut.unref?.();
  }

  #cut: ReturnType<typeof setTimeout> | undefined;

  protected override end(): IteratorReturnResult<undefined> {
    clearTimeout(this.#cut);
    return super.end();
  }
}

/** How long a stopped stream member's source may take to end by itself (it listens to the same signal). */
const SOURCE_STOP_GRACE_MS = 1000;

/** An update emitted again (its events arrived, its worker is gone): same state, fields read anew, cursor unchanged. */
class Again {
  constructor(readonly update: TaskUpdate) {}
}
type Item = TaskUpdate | Again;

/** What a watch member follows: one task, every update or ready states only, until ready or not. */
export interface WatchTarget {
  readonly id: string;
  readonly untilReady: boolean;
  /** taskCompleted: ready states only, no cursors, no re-emits. */
  readonly readyOnly: boolean;
}

/**
 * `task(id)` and `taskCompleted(id)`: every field counts, there is one per
 * subscription. What it sends is what a task stream would (task-stream.ts,
 * replay.ts, re-emits.ts): the current value first, every update while the
 * client keeps up (the latest only when it falls --max-queued behind), cursors
 * in `extensions.cursor`, re-emits for events and LOST, completion after a
 * ready state unless `untilReady: false`. taskCompleted: nothing until the
 * task is ready, then that state and the end (no cursor, no re-emit).
 */
export class WatchMember extends Member implements ReEmittable {
  #queue: Item[] | null = null;
  /** Bytes of the stored values queued (--max-queued-bytes). */
  #queuedBytes = 0;
  #waiting: ((result: IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>>) => void) | null =
    null;
  #closed = false;
  #readySeen = false;
  #position: Position | null = null;
  /** The connection's quota its watch was taken from (and the process'), until given back. */
  #quota: WatchQuota | null = null;
  /** The last update the watcher told: what a re-emit emits again. */
  latest: TaskUpdate | null = null;
  readonly #listener = (update: TaskUpdate) => this.push(update);
  readonly #cursor = () => (this.#recording && this.#position ? encodeCursor(this.#position) : null);

  constructor(
    host: Host,
    cohort: Cohort,
    readonly target: WatchTarget,
    /** What the client's socket holds that it has not taken yet. */
    readonly buffered: () => number,
  ) {
    super(host, cohort);
  }

  /** Whether it numbers what it sends (resume cursors): not for taskCompleted, as on a task stream. */
  get #recording(): boolean {
    return !this.target.readyOnly && this.cohort.group.context.states.windowSeconds > 0;
  }

  /** What a taskCompleted member skips: a state not ready (an undecodable value goes through). */
  #skips(update: TaskUpdate): boolean {
    return this.target.readyOnly && !(update instanceof LensError) && !isReadyUpdate(update);
  }

  /** Opens the watch (after the quota allows it) and reads where the stream starts; throws a LensError. */
  async open(quota: WatchQuota): Promise<void> {
    const { context } = this.cohort.group;
    const log = context.states;
    // Sent before the watch opens, as replay.ts does: every state numbered up to it is in what the watch reads.
    const reading = this.#recording ? log.now() : null;
    reading?.catch(() => {});
    takeWatches(1, [context.watcher.quota, quota]);
    this.#quota = quota;
    // Its stop() is not kept: unwatch() does the same from the id and the listener.
    const watch = await context.watcher.watch(this.target.id, this.#listener).catch((error: unknown) => {
      this.#close();
      throw error;
    });
    if (this.#closed) context.watcher.unwatch(this.target.id, this.#listener);
    // Anything notified while opening is newer than the current value it was merged into.
    if (!this.#queue?.length && !this.#skips(watch.current)) {
      this.latest = watch.current;
      this.#enqueue(watch.current);
    }
    try {
      this.#position = reading ? await reading : null;
    } catch (error) {
      this.#close();
      throw error;
    }
  }

  get taskId(): string {
    return this.target.id;
  }

  get readsEvents(): boolean {
    return this.cohort.group.readsEvents;
  }

  /** Whether changes may emit its task again (task, not taskCompleted). */
  get reEmits(): boolean {
    return !this.target.readyOnly;
  }

  emitAgain(change: TaskChange): void {
    // Its queue keeps order: the value repeated is the latest pushed, and its Again comes after it, before any newer.
    const { latest } = this;
    if (latest !== null && !(latest instanceof LensError)) this.push(new Again(again(latest, change)));
  }

  push(update: TaskUpdate | Again): void {
    if (this.#closed || (!(update instanceof Again) && this.#skips(update))) return;
    if (!(update instanceof Again)) this.latest = update;
    const waiting = this.#waiting;
    if (waiting && !this.#queue?.length) {
      this.#waiting = null;
      waiting(this.#deliver(update));
      return;
    }
    this.#enqueue(update);
  }

  #enqueue(item: Item): void {
    const queue = (this.#queue ??= []);
    queue.push(item);
    const bytes = queuedBytesOf(item instanceof Again ? item.update : item);
    this.#queuedBytes += bytes;
    // One task: collapsing to the latest update of each task keeps the last one.
    if (queue.length > this.host.maxQueued || this.#queuedBytes + this.buffered() > this.host.maxQueuedBytes) {
      queue.splice(0, queue.length - 1);
      this.#queuedBytes = bytes;
    }
  }

  async #deliver(item: Item): Promise<IteratorResult<ExecutionResult>> {
    const isAgain = item instanceof Again;
    const update = isAgain ? item.update : item;
    if (isReadyUpdate(update)) this.#readySeen = true;
    if (this.target.untilReady && this.#readySeen) this.#close();
    // Asked for before numbering: the members an event reaches together share one execution.
    const executing = this.host.resultFor(this.cohort, update);
    if (this.#recording && !isAgain && rawOf(update) !== null) {
      const position = await numberOf(this.cohort.group.context.states, this.target.id, update);
      if (position) this.#position = advance(this.#position, position);
    }
    return this.send(executing, this.#cursor);
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const item = this.#queue?.shift();
    if (item !== undefined) this.#queuedBytes -= queuedBytesOf(item instanceof Again ? item.update : item);
    // An empty array keeps its grown backing store: none at all while idle.
    if (this.#queue?.length === 0) this.#queue = null;
    if (item !== undefined) return this.#deliver(item);
    if (this.#closed) return Promise.resolve(this.end());
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.#queue = null;
    this.#close();
    return Promise.resolve(this.end());
  }

  /** Stops the watch, gives it back to the quotas and ends a pending next(). */
  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const { watcher } = this.cohort.group.context;
    watcher.unwatch(this.target.id, this.#listener);
    if (this.#quota) {
      watcher.quota.give(1);
      this.#quota.give(1);
      this.#quota = null;
    }
    this.latest = null;
    // Out of its cohort at once (the last member closes it); its queue may still be sent.
    this.host.leave(this);
    const waiting = this.#waiting;
    this.#waiting = null;
    if (waiting) waiting(this.end());
  }

  stop(): void {
    this.#close();
  }
}
