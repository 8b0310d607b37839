/**
 * The RabbitMQ broker of one process, as stores.ts builds it for an
 * amqp:// --broker: one connection (named `celery-lens` for `rabbitmqctl
 * list_connections`), the event stream when the process consumes, and the
 * Broker over them. The connection is started and closed with the app.
 */
import { AmqpBroker } from './amqp-broker.ts';
import { AmqpConnection } from './amqp-connection.ts';
import { AmqpEvents } from './amqp-events.ts';
import { ManagementQueueCounts } from './amqp-management.ts';
import type { AmqpTarget, BrokerApi } from './amqp-url.ts';

export interface AmqpSetupOptions {
  readonly queues: readonly string[];
  /** Whether this process consumes Celery's events (--consume). */
  readonly consume: boolean;
  /** Celery's event_queue_ttl and event_queue_expires, in ms. */
  readonly eventQueueTtlMs: number;
  readonly eventQueueExpiresMs: number;
  /** Longest wait for one broker operation, in ms (--redis-timeout-ms, the process' one operation timeout). */
  readonly timeoutMs: number;
  /** RabbitMQ's management API for queue lengths (--broker-api); null: passive declares. */
  readonly api: BrokerApi | null;
}

export function amqpBroker(target: AmqpTarget, options: AmqpSetupOptions) {
  const connection = new AmqpConnection(target, { connectionName: 'celery-lens', timeoutMs: options.timeoutMs });
  const events = options.consume
    ? new AmqpEvents(connection, { queueTtlMs: options.eventQueueTtlMs, queueExpiresMs: options.eventQueueExpiresMs })
    : null;
  const api = options.api && new ManagementQueueCounts(options.api, target.vhost, options.timeoutMs);
  return {
    broker: new AmqpBroker(connection, { queues: options.queues, api }, events),
    /** Connects (never fails: it keeps retrying by itself, and the broker says BROKER_UNAVAILABLE meanwhile). */
    start: () => connection.start(),
    stop: () => connection.close(),
  };
}
