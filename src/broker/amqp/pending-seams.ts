/**
 * The event-stream and health part of broker/broker.ts as branch `seams`
 * defines it, until that branch is on main: then this file goes and
 * broker/amqp/ imports them from broker.ts.
 */
import type { EventMessage } from '../../celery/events.ts';

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
