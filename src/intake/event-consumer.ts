/**
 * Feeds the history store from two streams:
 *
 * - `celery-task-meta-*` on the result backend: every state Celery stores is
 *   published there (docs/celery-wire-format.md, "Pub/sub"), so final
 *   outcomes become tombstones and parent links become child indexes even
 *   with events off; a pattern of the consumer's Redis pattern subscriber
 *   (redis/pattern-subscriber.ts), as the result backend is Redis;
 * - Celery's events, from the broker's event stream (broker/broker.ts'
 *   BrokerEvents, whichever broker it is), for the timeline.
 *
 * Both are at-most-once: what was published while a connection was down is
 * lost (told as a gap); the result backend still has the states, only
 * timestamps are missing. Decoding is src/celery/'s.
 */
import { type EventMessage, type TaskEvent, type WorkerEvent, decodeEvents } from '../celery/events.ts';
import type { BrokerEvents, EventBatch } from '../broker/broker.ts';
import type { CeleryKeys } from '../celery/keys.ts';
import { type TaskMeta, decodeTaskMeta } from '../celery/meta.ts';
import { READY_STATES } from '../celery/states.ts';
import { type WorkerState, nextWorkerState } from '../celery/worker-state.ts';
import type { PatternMessage, PatternSubscriber } from '../redis/pattern-subscriber.ts';
import type { HistoryStorage, MetaRecord, ResumeLog, StateRecord } from '../store/store.ts';
import { WorkerLiveness } from '../read/worker-liveness.ts';

/** Workers remembered (and listed by `workers`): far more nodes than one Celery fleet runs. */
export const MAX_WORKERS = 10_000;
/** Workers sent task events this recently: a task's end waits for its event (history-store.ts' recordMeta). */
const WORKER_EVENTS_MS = 10 * 60_000;
/**
 * Groups of messages being written at once, and the most messages and bytes
 * in a group. A group is one round trip per kind of write (published states,
 * events, the resume log) however many messages it holds: a burst costs a
 * write per group, not per message. Its decode and the building of its
 * writes are one macrotask: 128 KB is ~20 messages of 24 events, ~10 ms.
 */
const MAX_IN_FLIGHT = 4;
const MAX_GROUP = 64;
const MAX_GROUP_BYTES = 128 * 1024;
const MAX_BACKLOG = 100_000;

/** Where the consumer's messages come from; each is optional (a test feeds one). */
export interface ConsumerSources {
  /** Where the result backend's published states are heard (the pattern: CeleryKeys' taskPattern). */
  readonly results: PatternSubscriber | null;
  /** Celery's events on the broker. */
  readonly events: BrokerEvents | null;
}

/** A batch's messages not handled yet: acked when none is left. */
interface BatchLeft {
  left: number;
  readonly ack: () => void;
}

type Waiting = (
  | { readonly meta: PatternMessage; readonly event?: undefined }
  | { readonly event: EventMessage; readonly meta?: undefined }
) & {
  /** When it arrived: a heartbeat waiting behind a burst was still heard on time. */
  readonly receivedAt: number;
  readonly batch: BatchLeft | null;
};

/** A message's bytes, as received. */
function sizeOf({ meta, event }: Waiting): number {
  if (meta) return meta.message.length;
  return 'envelope' in event ? event.envelope.length : event.body.length;
}

export class EventConsumer {
  /**
   * The state of each worker from its events (heartbeats every 2 s by default), the
   * last heard from last, at most MAX_WORKERS: anyone who can publish on the
   * broker names hostnames, and 200,000 of them held 190 MB for good.
   */
  readonly workers = new Map<string, WorkerState>();
  /** Messages not handled yet, from `#head` on (those before it are let go: a burst's are MBs). */
  readonly #backlog: (Waiting | null)[] = [];
  #head = 0;
  /** Groups being written, and the messages they hold. */
  #inFlight = 0;
  #inFlightMessages = 0;
  /** A group is about to take its messages (on the next turn). */
  #starting = false;
  /** Messages handled, and failures to record one (Redis away, bad payload). */
  handled = 0;
  failed = 0;
  /** Told when a connection subscribes again after a drop (stores.ts: progress subscriptions re-count, the index heals). */
  onResubscribed: () => void = () => {};
  /** Told of the tasks a message was about when its record failed for good (the store away): the index heals them later. */
  onLost: (ids: readonly string[]) => void = () => {};
  /**
   * Decodes a published state (it throws MetaDecodeError): stores.ts shares
   * the task watcher's decodes (celery/decode-once.ts), so a state both hear
   * is parsed once.
   */
  decodeMeta: (id: string, key: string, bytes: Uint8Array) => TaskMeta = (id, key, bytes) =>
    decodeTaskMeta(id, key, bytes);
  /** How late the last Celery event arrived (receipt time − its timestamp), in ms, and when. */
  lastEventLagMs: number | null = null;
  lastEventAt: number | null = null;
  /** When a message (an event or a published state) last arrived, on this process' clock; from start, when none has (the no_events alert). */
  heardAt = Date.now();
  /** When a worker's task event (not a client's task-sent) last arrived. */
  #workerTaskEventAt = Number.NEGATIVE_INFINITY;

  /** Messages received and not recorded yet: what a count read now may still miss. */
  get pending(): number {
    return this.#backlog.length - this.#head + this.#inFlightMessages;
  }

  /** Whether every consumer connection is up. */
  get connected(): boolean {
    return (this.sources.results?.up ?? true) && (this.sources.events?.health().up ?? true);
  }

  /**
   * @param report told of every failure (a refused PSUBSCRIBE, e.g. NOPERM
   * under a wrong ACL; a message it could not decode or record), so the
   * operator hears of it; it decides how often to say so.
   * @param states numbers every published state for resumable subscriptions (replay.ts).
   */
  constructor(
    readonly sources: ConsumerSources,
    readonly store: HistoryStorage,
    readonly celery: CeleryKeys,
    readonly report: (what: 'subscribe' | 'decode' | 'record', error: unknown) => void = () => {},
    /** Which workers still beat (worker-liveness.ts), fed from the heartbeats. */
    readonly liveness = new WorkerLiveness(),
    /** Numbers every published state for resumable subscriptions (store.ts' ResumeLog); null: not recorded. */
    readonly states: ResumeLog | null = null,
  ) {
    // A worker's silence only counts while this process could hear it.
    const state = (up: boolean) => {
      if (!up) this.liveness.deaf();
      else if (this.connected) this.liveness.listening();
    };
    const refused = (error: unknown) => this.report('subscribe', error);
    sources.results?.add(celery.taskPattern, {
      messages: (messages, receivedAt) => {
        for (const meta of messages) this.#enqueue({ meta, receivedAt, batch: null });
      },
      resubscribed: () => this.#gap(),
      state,
      refused,
    });
    sources.events?.subscribe({
      deliver: (batch) => this.#deliver(batch),
      gap: () => this.#gap(),
      state,
      refused,
    });
  }

  /** Told once however many streams came back in the same turn (one connection may carry both). */
  #gap(): void {
    if (this.#gapPending) return;
    this.#gapPending = true;
    queueMicrotask(() => {
      this.#gapPending = false;
      this.onResubscribed();
    });
  }
  #gapPending = false;

  #deliver({ messages, receivedAt, ack }: EventBatch): void {
    if (messages.length === 0) return ack();
    const batch: BatchLeft = { left: messages.length, ack };
    for (const event of messages) this.#enqueue({ event, receivedAt, batch });
  }

  /** One message of its batch handled (recorded, failed, or dropped). */
  #done({ batch }: Waiting): void {
    if (batch && --batch.left === 0) batch.ack();
  }

  /**
   * Messages are handled in groups, in arrival order: a burst (busy
   * workers, a backlog after a reconnect) is decoded and written over many
   * turns of the event loop instead of in one, so requests keep being
   * answered. Past MAX_BACKLOG waiting messages, new ones are counted as
   * failed and reported rather than held: memory stays bounded.
   */
  #enqueue(waiting: Waiting): void {
    this.heardAt = waiting.receivedAt;
    if (this.#backlog.length - this.#head >= MAX_BACKLOG) {
      this.failed += 1;
      this.report('record', new Error(`more than ${MAX_BACKLOG} messages wait to be recorded; this one is dropped`));
      // A published state dropped names its task: healed from the result backend later (an event batch is not decoded here).
      const id = waiting.meta ? this.celery.taskIdOf(waiting.meta.channel) : null;
      if (id) this.onLost([id]);
      this.#done(waiting);
      return;
    }
    this.#backlog.push(waiting);
    this.#pump();
  }

  /**
   * Starts a group on the next turn of the event loop while fewer than
   * MAX_IN_FLIGHT are being written and messages wait: one a turn (the
   * immediates queued in a turn all run before any I/O), so requests are
   * answered between groups.
   */
  #pump(): void {
    if (this.#starting || this.#inFlight >= MAX_IN_FLIGHT || this.#head >= this.#backlog.length) return;
    this.#starting = true;
    // A macrotask first: the rest of the burst arrives and joins the group, and requests get their turn.
    setImmediate(() => {
      this.#starting = false;
      const group = this.#take();
      if (group.length === 0) return;
      this.#inFlight += 1;
      this.#inFlightMessages += group.length;
      this.#handle(group)
        .catch(() => {
          this.failed += group.length; // #handle counts its own failures; this is a last resort
        })
        .finally(() => {
          this.#inFlight -= 1;
          this.#inFlightMessages -= group.length;
          for (const waiting of group) this.#done(waiting);
          this.#pump();
        });
      this.#pump();
    });
  }

  /** Messages from the front of the backlog: at most MAX_GROUP, and MAX_GROUP_BYTES unless it is one. */
  #take(): Waiting[] {
    let end = this.#head;
    for (let bytes = 0; end < this.#backlog.length && end - this.#head < MAX_GROUP; end += 1) {
      bytes += sizeOf(this.#backlog[end] as Waiting);
      if (bytes > MAX_GROUP_BYTES && end > this.#head) break;
    }
    const group = this.#backlog.slice(this.#head, end) as Waiting[];
    this.#backlog.fill(null, this.#head, end);
    this.#head = end;
    // Compacted once the front half is spent: shifting one by one would be quadratic.
    if (this.#head * 2 > this.#backlog.length && this.#head > 1024) {
      this.#backlog.splice(0, this.#head);
      this.#head = 0;
    }
    return group;
  }

  /** Updates a worker's state and pulse; past MAX_WORKERS, the one heard from longest ago is forgotten. */
  #heard(event: WorkerEvent, receivedAt: number): void {
    const previous = this.workers.get(event.hostname);
    this.workers.delete(event.hostname);
    this.workers.set(event.hostname, nextWorkerState(previous, event, receivedAt));
    this.liveness.heard(event, receivedAt);
    if (this.workers.size > MAX_WORKERS) {
      const oldest = this.workers.keys().next().value;
      if (oldest !== undefined) {
        this.workers.delete(oldest);
        this.liveness.forget(oldest);
      }
    }
  }

  /**
   * Decodes a group's messages in arrival order, then writes them: the
   * published states in one call, the events in another, the states' numbers
   * in a third (each one round trip), retried as one. Counted per message.
   */
  async #handle(group: readonly Waiting[]): Promise<void> {
    const metas: MetaRecord[] = [];
    const events: TaskEvent[] = [];
    const states: StateRecord[] = [];
    let decoded = 0;
    const log = this.states?.windowSeconds ? this.states : null;
    for (const waiting of group) {
      try {
        if (waiting.meta) {
          const { channel, message } = waiting.meta;
          const id = this.celery.taskIdOf(channel);
          if (!id) continue;
          const meta = this.decodeMeta(id, channel, message);
          // A worker batches its task events (up to ~1 s): a task's end usually comes before them.
          metas.push({ meta, workerEvents: waiting.receivedAt - this.#workerTaskEventAt < WORKER_EVENTS_MS });
          // In arrival order (one script call): the numbers follow Celery's publishing order.
          // A final state's bytes stay in the backend: the log keeps its digest only.
          if (log) states.push({ id, raw: message, final: READY_STATES.has(meta.state) });
        } else {
          for (const event of decodeEvents(waiting.event)) {
            if (event.kind === 'task') {
              events.push(event);
              if (event.type !== 'task-sent') this.#workerTaskEventAt = waiting.receivedAt;
            } else this.#heard(event, waiting.receivedAt);
            this.lastEventLagMs = waiting.receivedAt - event.at;
            this.lastEventAt = event.at;
          }
        }
        decoded += 1;
      } catch (error) {
        this.failed += 1; // an undecodable meta (pickle serializer), an event batch larger than any worker sends
        this.report('decode', error);
      }
    }
    if (decoded === 0) return;
    const record = () =>
      Promise.all([
        metas.length > 0 ? this.store.recordMetas(metas) : null,
        events.length > 0 ? this.store.recordEvents(events) : null,
        log && states.length > 0 ? log.recordAll(states) : null,
      ]);
    // Writes are idempotent: a slow or briefly unavailable Redis is retried.
    let failure: unknown = null;
    for (const delayMs of [100, 400, 1600, 0]) {
      try {
        await record();
        this.handled += decoded;
        return;
      } catch (error) {
        failure = error;
        if (delayMs === 0) break;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
    this.failed += decoded;
    this.report('record', failure);
    // The tasks the group was about: their index heals later.
    this.onLost([...new Set([...metas.map(({ meta }) => meta.id), ...events.map((event) => event.taskId)])]);
  }
}
