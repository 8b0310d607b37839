/**
 * Every Redis connection of one process, named for CLIENT LIST, opened and
 * closed together: one for reads (and celery-lens' own writes), one pub/sub
 * subscriber shared by every subscription, the event consumer's pattern
 * subscribers, the broker's when it is another server or db, and the
 * store's two (commands, pub/sub) when --store is another Redis.
 */
import type { Cluster, Redis } from 'ioredis';
import { type LensRedis, createRedis } from './connection.ts';
import { type LensCluster, createCluster } from './cluster-connection.ts';
import type { StoreTarget } from './cluster-url.ts';
import { PatternSubscriber } from './pattern-subscriber.ts';
import { type RedisTarget, sameServer } from './redis-url.ts';

/**
 * The pattern subscribers of a consuming process: the result backend's
 * (published states, intake/event-consumer.ts) and the broker's (Celery's
 * events, broker/redis/redis-events.ts); one and the same when the broker is
 * the backend's server (pub/sub channels are not per db).
 */
export interface ConsumerSubscribers {
  readonly results: PatternSubscriber;
  readonly events: PatternSubscriber;
  /** Each connection once. */
  readonly all: readonly PatternSubscriber[];
}

export interface Connections {
  /** Reads of Celery's keys (and celery-lens' own reads and writes when the store is the backend). */
  readonly redis: LensRedis;
  /** Pub/sub needs a connection of its own; one per process, shared by every subscriber. */
  readonly subscriber: Redis;
  /** celery-lens' own reads and writes (--store, a Redis Cluster too): `redis` itself when the store is the backend. */
  readonly store: LensRedis | LensCluster;
  /** The store's channels (index changes, goals, alerts, bulk actions): `subscriber` itself when the store is the backend. */
  readonly storeSubscriber: Redis | Cluster;
  /** Where queued messages are read: the read connection when the broker is the same db. */
  readonly broker: Redis;
  /** The event consumer's pattern subscribers; null with --consume false. */
  readonly consumer: ConsumerSubscribers | null;
  readonly all: readonly (Redis | Cluster)[];
  /** Connects every connection; never fails: a client keeps retrying by itself. */
  connect(): Promise<void>;
  disconnect(): void;
}

/** What the connections need (config/config.ts has their meaning): plain values, so redis/ sits below config. */
interface ConnectionConfig {
  readonly backend: RedisTarget;
  readonly broker: RedisTarget;
  /** celery-lens' own store; null: the backend. */
  readonly store: StoreTarget | null;
  /** Whether this process consumes events: it opens the consumer's pattern subscribers. */
  readonly consume: boolean;
  readonly redisTimeoutMs: number;
  readonly sentinelMaster: string | null;
  readonly sentinelPassword: string | null;
}

export function openConnections(config: ConnectionConfig): Connections {
  const all: (Redis | Cluster)[] = [];
  const connect = (target: RedisTarget, connectionName: string, role: 'backend' | 'store' = 'backend') => {
    const connection = createRedis(target, {
      commandTimeoutMs: config.redisTimeoutMs,
      sentinelMaster: config.sentinelMaster,
      sentinelPassword: config.sentinelPassword,
      connectionName,
      role,
    });
    all.push(connection);
    return connection;
  };
  const redis = connect(config.backend, 'celery-lens');
  const subscriber = connect(config.backend, 'celery-lens-sub');
  // Each owner of channels on it (the watcher, goals, the index feed, alerts, their SubscriberChannels)
  // listens to its 'ready' and 'close' once: a fixed dozen, not a leak; a leak would still pass this bound.
  subscriber.setMaxListeners(32);
  const connectStore = (target: StoreTarget, connectionName: string) => {
    if (!target.cluster) return connect(target, connectionName, 'store');
    const cluster = createCluster(target, { commandTimeoutMs: config.redisTimeoutMs, connectionName, role: 'store' });
    all.push(cluster);
    return cluster;
  };
  const store = config.store ? connectStore(config.store, 'celery-lens-store') : redis;
  const storeSubscriber = config.store ? connectStore(config.store, 'celery-lens-store-sub') : subscriber;
  storeSubscriber.setMaxListeners(32);
  const brokerIsBackend = sameServer(config.broker, config.backend);
  const broker =
    brokerIsBackend && config.broker.db === config.backend.db ? redis : connect(config.broker, 'celery-lens-broker');
  let consumer: ConsumerSubscribers | null = null;
  if (config.consume) {
    const results = new PatternSubscriber(connect(config.backend, 'celery-lens-events'));
    const events = brokerIsBackend ? results : new PatternSubscriber(connect(config.broker, 'celery-lens-events'));
    consumer = { results, events, all: results === events ? [results] : [results, events] };
  }
  for (const connection of all.filter((c) => c !== redis && c !== store)) {
    connection.on('error', () => {
      // Reported through the read connections (redis/backend-state.ts); each reconnects by itself.
    });
  }
  return {
    redis,
    subscriber,
    store,
    storeSubscriber,
    broker,
    consumer,
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
