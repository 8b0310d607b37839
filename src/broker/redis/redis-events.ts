/**
 * Celery's events on a Redis broker (broker/broker.ts' BrokerEvents): kombu's
 * fanout exchange `celeryev` PUBLISHes each message on `/<db>.celeryev/<routing
 * key>`, a kombu JSON envelope; this stream PSUBSCRIBEs `/<db>.celeryev/*` on
 * the consumer's pattern subscriber (redis/pattern-subscriber.ts, shared with
 * the published states when the broker is the backend's server) and hands
 * over each read's messages as one batch. Pub/sub keeps nothing: a batch
 * needs no ack, and a drop is a gap.
 */
import { type EventMessage, eventChannelPattern } from '../../celery/events.ts';
import type { PatternSubscriber } from '../../redis/pattern-subscriber.ts';
import type { BrokerEvents, BrokerHealth, EventSink } from '../broker.ts';

const NO_ACK = () => {};

export class RedisEventStream implements BrokerEvents {
  readonly pattern: string;

  constructor(
    readonly subscriber: PatternSubscriber,
    /** The broker's db: channel names carry it. */
    db: number,
  ) {
    this.pattern = eventChannelPattern(db);
  }

  subscribe(sink: EventSink): () => void {
    return this.subscriber.add(this.pattern, {
      messages: (messages, receivedAt) => {
        const batch: EventMessage[] = messages.map(({ message }) => ({ envelope: message }));
        sink.deliver({ messages: batch, receivedAt, ack: NO_ACK });
      },
      resubscribed: () => sink.gap(),
      state: (up) => sink.state(up),
      refused: (error) => sink.refused(error),
    });
  }

  health(): BrokerHealth {
    return { up: this.subscriber.up, reason: this.subscriber.reason };
  }
}
