/**
 * What celery-lens needs from Celery's broker, whatever it is: Celery's
 * events as they come, the queues' lengths and oldest messages, a search of
 * the queues for a task's message, a revoke broadcast to every worker, a
 * task message sent as Celery's own client sends it, and whether the broker
 * is up. The Redis broker implements it in broker/redis/ (built by
 * src/stores.ts); callers (intake/'s event consumer, the schema, the queue
 * lengths, task control, /healthz) know only this file, so another broker
 * (AMQP: broker/amqp/) is a folder beside broker/redis/ and a line in
 * stores.ts.
 *
 * Failures: every method that asks the broker rejects with a coded LensError
 * (src/errors/): BACKEND_UNAVAILABLE on Redis, as the result backend's reads
 * (redis/redis-replies.ts' guarded), never a bare error and never "not found".
 */
import type { EventMessage } from '../celery/events.ts';
import type { TaskCall } from '../celery/outgoing-messages.ts';
import type { PidboxCommand, WorkerAnswer } from '../celery/pidbox.ts';

/** The broker as its connection last knew it (for /healthz), without asking it. */
export interface BrokerHealth {
  readonly up: boolean;
  /** Why it is down (the last connection error), null while up. */
  readonly reason: string | null;
}

/**
 * Event messages as the broker delivered them, undecoded (src/celery/events.ts'
 * decodeEvents decodes each): one read of a pub/sub connection, or one
 * prefetch's worth of an AMQP queue.
 */
export interface EventBatch {
  /** In the order the broker delivered them. */
  readonly messages: readonly EventMessage[];
  /** When they arrived (ms since the epoch): a heartbeat waiting behind a burst was still heard on time. */
  readonly receivedAt: number;
  /**
   * Every message of the batch is handled (recorded, or given up on): the
   * broker may let them go. Called once, batches in any order. On pub/sub a
   * no-op; on AMQP the delivery tags' ack, so that a consumer that falls
   * behind holds the broker's prefetch, not an unbounded backlog.
   */
  ack(): void;
}

/** Whoever consumes a broker's events (intake/event-consumer.ts). */
export interface EventSink {
  deliver(batch: EventBatch): void;
  /**
   * Messages may have been lost since the previous batch: subscribed again
   * after a drop (pub/sub), or a queue that was re-declared or whose messages
   * expired (AMQP's x-message-ttl, an auto-deleted queue). What is stored
   * elsewhere (the result backend) is read again.
   */
  gap(): void;
  /** Connected (about to subscribe) or not: a worker's silence only counts while its events can be heard. */
  state(up: boolean): void;
  /** A refused subscription (Redis' NOPERM, AMQP's ACCESS_REFUSED): told so the operator hears of it. */
  refused(error: unknown): void;
}

/**
 * Celery's event stream on a broker, as Celery's EventReceiver hears it: every
 * task.* and worker.* event (Redis: PSUBSCRIBE `/<db>.celeryev/*`; AMQP: an
 * exclusive queue bound to the `celeryev` topic exchange). At most once:
 * a gap is told, never replayed. Several processes each hear every event.
 */
export interface BrokerEvents {
  /** Delivers to `sink` from now on, across reconnects, until the returned function is called. One sink at a time. */
  subscribe(sink: EventSink): () => void;
  /** Whether the stream's connection is up now. */
  health(): BrokerHealth;
}

/** One list of a queue (the queue's own, or one of kombu's priority sub-queues). */
export interface QueueList {
  readonly priority: number;
  /** The name the broker knows it by. */
  readonly key: string;
  readonly length: number;
  /** The task id of its oldest message, when that is a task message. */
  readonly oldestTaskId: string | null;
}

/** One configured queue as the broker holds it now. */
export interface QueueLists {
  readonly name: string;
  /** Its lists that hold messages or none (not those of another kind). */
  readonly lists: readonly QueueList[];
  /** Names of the queue that hold something else than a queue: not counted. */
  readonly wrongTypeKeys: readonly string[];
}

/** The search of the queues for tasks nothing else knows about. */
export interface QueuedTasks {
  /** For each id, the queue its message waits in, or null. Throws BACKEND_UNAVAILABLE when the broker fails. */
  find(ids: readonly string[]): Promise<(string | null)[]>;
  /**
   * Why the queues are not searched at all (RabbitMQ: a queue cannot be read
   * without taking its messages), for the statusReason of a task nothing
   * else knows; absent when they are.
   */
  readonly unsearched?: string;
}

/** How long one broadcast waits for replies, and whose replies end it early. */
export interface CallOptions {
  /** Replies are collected this long at most (ms). */
  readonly timeoutMs: number;
  /**
   * Node names whose replies, once all in, end the wait early; the command's
   * destination when it names workers. Without either, the whole timeout.
   */
  readonly expect?: readonly string[];
}

/**
 * Celery's remote-control mailbox (kombu's pidbox): commands broadcast to
 * every worker or to named ones, with a reply queue when answers are wanted.
 * Replies to a command are told apart by its ticket, so broadcasts may run at
 * once. Throws BACKEND_UNAVAILABLE (Redis) or BROKER_UNAVAILABLE (RabbitMQ) when the
 * broker fails.
 */
export interface BrokerMailbox {
  /** Broadcasts `command` with a reply queue; the answers that came in time (none when no worker answered). */
  call(command: PidboxCommand, options: CallOptions): Promise<WorkerAnswer[]>;
  /** Broadcasts `command` without asking for replies (shutdown: a worker exits instead of answering). */
  cast(command: PidboxCommand): Promise<void>;
  /** Stops collecting and removes the reply queue's binding and list. */
  close(): Promise<void>;
}

export interface Broker {
  /** Celery's remote control: inspect and worker control (only used with --control true). */
  readonly mailbox: BrokerMailbox;
  /** Celery's events; null when this process does not consume them (--consume false). */
  readonly events: BrokerEvents | null;
  /** The connection queues, revoke and send go through, as last known (for /healthz). */
  health(): BrokerHealth;
  /** Searched for queued tasks (a bounded scan, shared by the callers that come while one runs). */
  readonly queued: QueuedTasks;
  /** Each configured queue, in their order. Throws BACKEND_UNAVAILABLE when the broker fails. */
  readQueues(): Promise<QueueLists[]>;
  /** Broadcasts one revoke for `ids`; resolves with how many workers heard it. */
  revoke(ids: readonly string[], terminate: boolean, signal: string): Promise<number>;
  /**
   * Puts the call's task message on its queue, then announces it (task-sent
   * event). When the broker refused the message (nothing written), awaits
   * `refused` before it throws; a timeout or a lost connection may have
   * written it, and does not call it.
   */
  sendTask(call: TaskCall, refused: () => Promise<unknown>): Promise<void>;
}
