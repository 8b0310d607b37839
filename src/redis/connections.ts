/**
 * Every Redis connection of one process, named for CLIENT LIST, opened and
 * closed together: one for reads (and celery-lens' own writes), one pub/sub
 * subscriber shared by every subscription, the event consumer's pattern
 * subscribers, and the broker's when it is another server or db.
 */
import type { Redis } from 'ioredis';
import { eventChannelPattern } from '../celery/events.ts';
import type { CeleryKeys } from '../celery/keys.ts';
import { type LensRedis, createRedis } from './connection.ts';
import { type RedisTarget, sameServer } from './redis-url.ts';

/** A connection the event consumer (intake/event-consumer.ts) PSUBSCRIBEs on, and its patterns. */
export interface ConsumerSource {
  readonly connection: Redis;
  /** Patterns to PSUBSCRIBE on it. */
  readonly patterns: readonly string[];
}

export interface Connections {
  /** Reads of Celery's keys and celery-lens' own reads and writes. */
  readonly redis: LensRedis;
  /** Pub/sub needs a connection of its own; one per process, shared by every subscriber. */
  readonly subscriber: Redis;
  /** Where queued messages are read: the read connection when the broker is the same db. */
  readonly broker: Redis;
  /** The event consumer's pattern subscriptions; null with --consume false. */
  readonly consumerSources: readonly ConsumerSource[] | null;
  readonly all: readonly Redis[];
  /** Connects every connection; never fails: a client keeps retrying by itself. */
  connect(): Promise<void>;
  disconnect(): void;
}

/** What the connections need (config/config.ts has their meaning): plain values, so redis/ sits below config. */
interface ConnectionConfig {
  readonly backend: RedisTarget;
  readonly broker: RedisTarget;
  /** Whether this process consumes events: it opens the consumer's pattern subscribers. */
  readonly consume: boolean;
  readonly redisTimeoutMs: number;
  readonly sentinelMaster: string | null;
  readonly sentinelPassword: string | null;
}

export function openConnections(config: ConnectionConfig, keys: CeleryKeys): Connections {
  const all: Redis[] = [];
  const connect = (target: RedisTarget, connectionName: string) => {
    const connection = createRedis(target, {
      commandTimeoutMs: config.redisTimeoutMs,
      sentinelMaster: config.sentinelMaster,
      sentinelPassword: config.sentinelPassword,
      connectionName,
    });
    all.push(connection);
    return connection;
  };
  const redis = connect(config.backend, 'celery-lens');
  const subscriber = connect(config.backend, 'celery-lens-sub');
  const brokerIsBackend = sameServer(config.broker, config.backend);
  const broker =
    brokerIsBackend && config.broker.db === config.backend.db ? redis : connect(config.broker, 'celery-lens-broker');
  let consumerSources: ConsumerSource[] | null = null;
  if (config.consume) {
    const events = eventChannelPattern(config.broker.db);
    consumerSources = [
      {
        connection: connect(config.backend, 'celery-lens-events'),
        patterns: brokerIsBackend ? [keys.taskPattern, events] : [keys.taskPattern],
      },
      ...(brokerIsBackend ? [] : [{ connection: connect(config.broker, 'celery-lens-events'), patterns: [events] }]),
    ];
  }
  for (const connection of all.filter((c) => c !== redis)) {
    connection.on('error', () => {
      // Reported through the read connection (redis/backend-state.ts); each reconnects by itself.
    });
  }
  return {
    redis,
    subscriber,
    broker,
    consumerSources,
    all,
    async connect() {
      await Promise.all(
        all.map((connection) =>
          connection.connect().catch(() => {
            // Not fatal: the client keeps retrying and requests say BACKEND_UNAVAILABLE meanwhile.
          }),
        ),
      );
    },
    disconnect() {
      for (const connection of all) connection.disconnect();
    },
  };
}
