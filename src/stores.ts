/**
 * The stores every resolver reads through, over one process' connections:
 * Celery's results and their live updates, celery-lens' own records under
 * --lens-prefix (timelines, tombstones, goals, the index, the resume log),
 * the broker (its events, its queues), the consumer that feeds the records,
 * and the control that writes to the broker.
 *
 * The one place that picks implementations: the store's parts are checked
 * against store/store.ts' LensStore and the broker against broker/broker.ts'
 * Broker; everything above names only those. Another broker (AMQP) or
 * another store (a Redis Cluster) is chosen here.
 */
import type { CeleryKeys } from './celery/keys.ts';
import type { Config } from './config/config.ts';
import type { Broker } from './broker/broker.ts';
import { RedisBroker } from './broker/redis/redis-broker.ts';
import { RedisEventStream } from './broker/redis/redis-events.ts';
import { amqpBroker } from './broker/amqp/amqp-setup.ts';
import { isAmqp } from './broker/amqp/amqp-url.ts';
import { QueueLengths } from './broker/queue-lengths.ts';
import { TaskControl } from './broker/task-control.ts';
import { WorkerControl } from './broker/worker-control.ts';
import { WorkerInspector } from './broker/worker-inspector.ts';
import { SentTasks } from './store/sent-tasks.ts';
import { BulkStore } from './bulk/bulk-store.ts';
import type { LensStore } from './store/store.ts';
import { StoredCursorKeys } from './store/cursor-key-store.ts';
import { ConfiguredCursorKeys, type CursorKeys } from './store/cursor-keys.ts';
import type { Connections } from './redis/connections.ts';
import { EventConsumer } from './intake/event-consumer.ts';
import { IndexHeal } from './intake/index-heal.ts';
import { decodeTaskMeta } from './celery/meta.ts';
import { DecodeOnce } from './celery/decode-once.ts';
import { GoalStore } from './store/goal-store.ts';
import { HistoryStore } from './store/history-store.ts';
import { NotifyingHistory } from './intake/progress-changes.ts';
import { lensKeys } from './store/lens-keys.ts';
import { ResultBackend } from './read/result-backend.ts';
import { IndexFeed } from './store/index/index-feed.ts';
import { StateLog } from './store/state-log.ts';
import { TaskIndex } from './store/index/task-index.ts';
import { StatsStore } from './store/stats/stats-store.ts';
import { type TaskUpdate, TaskWatcher, rawOf } from './live/task-watcher.ts';
import { isReadyUpdate } from './live/task-await.ts';
import { WorkerLiveness } from './read/worker-liveness.ts';
import { RedisAlertStore } from './alerts/alert-store.ts';

type StoreConfig = Pick<
  Config,
  | 'resultExpires'
  | 'tombstoneSeconds'
  | 'lensPrefix'
  | 'queues'
  | 'queueScanLimit'
  | 'prioritySteps'
  | 'prioritySep'
  | 'maxValueBytes'
  | 'maxWatches'
  | 'broker'
  | 'brokerApi'
  | 'eventQueueTtlMs'
  | 'eventQueueExpiresMs'
  | 'redisTimeoutMs'
  | 'workerTimeoutMs'
  | 'index'
  | 'indexSeconds'
  | 'indexMaxTasks'
  | 'indexShards'
  | 'indexKwargs'
  | 'resumeWindowSeconds'
  | 'cursorSecrets'
  | 'statsSeconds'
  | 'store'
>;

export function createStores(
  config: StoreConfig,
  connections: Connections,
  keys: CeleryKeys,
  reportConsumer?: EventConsumer['report'],
) {
  const backend = new ResultBackend(connections.redis, keys, { maxValueBytes: config.maxValueBytes });
  // Published states are decoded once per process: the watcher and the consumer share their decodes.
  const decodes = new DecodeOnce(backend.valueLimits);
  let consumer: EventConsumer | null = null;
  const watcher = new TaskWatcher(connections.subscriber, backend, keys, {
    maxWatches: config.maxWatches,
    decodes,
    consumerHears: () => consumer?.connected ?? false,
    // Consuming, the process hears every state on the consumer's pattern: the watcher is fed from it.
    feed: connections.consumer
      ? { subscriber: connections.consumer.results, pattern: keys.taskPattern, timeoutMs: config.redisTimeoutMs }
      : undefined,
  });
  // A Cluster store tags the keys one transaction touches together (goals: lens-keys.ts).
  const ownKeys = lensKeys(config.lensPrefix, { cluster: Boolean(config.store?.cluster) });
  // Timelines outlive the results they describe by a day.
  const timelineSeconds = config.resultExpires + 86_400;
  const goals = new GoalStore(connections.store, connections.storeSubscriber, ownKeys);
  const index = config.index
    ? new TaskIndex(connections.store, ownKeys.index, {
        maxTasks: config.indexMaxTasks,
        retentionSeconds: config.indexSeconds,
        shards: config.indexShards,
      })
    : null;
  const stats =
    config.statsSeconds > 0
      ? new StatsStore(connections.store, ownKeys.stats, { keepMs: config.statsSeconds * 1000 })
      : null;
  // Tells progress subscriptions what the consumer recorded (progress-changes.ts).
  const history = new NotifyingHistory(
    new HistoryStore(connections.store, ownKeys, {
      historyTtlSeconds: timelineSeconds,
      tombstoneTtlSeconds: config.tombstoneSeconds,
      index,
      indexKwargs: config.indexKwargs,
      stats,
    }),
  );
  const priority = { steps: config.prioritySteps, sep: config.prioritySep };
  // The broker by its URL's scheme: RabbitMQ (amqp://) on a connection of its own, or Redis on the connections'.
  const target = config.broker;
  let rabbit: ReturnType<typeof amqpBroker> | null = null;
  let broker: Broker;
  if (isAmqp(target)) {
    rabbit = amqpBroker(target, {
      queues: config.queues,
      consume: connections.consumer !== null,
      eventQueueTtlMs: config.eventQueueTtlMs,
      eventQueueExpiresMs: config.eventQueueExpiresMs,
      timeoutMs: Math.max(config.redisTimeoutMs, 1000),
      api: config.brokerApi,
    });
    broker = rabbit.broker;
  } else {
    broker = new RedisBroker(connections.broker, {
      db: target.db,
      queues: config.queues,
      scanLimit: config.queueScanLimit,
      priority,
      events: connections.consumer && new RedisEventStream(connections.consumer.events, target.db),
      replyKey: ownKeys.pidboxReplies,
    });
  }
  const queues = broker.queued;
  const queueLengths = new QueueLengths(broker, history, index);
  const sent = new SentTasks(connections.store, ownKeys, {
    linkTtlSeconds: config.tombstoneSeconds,
    // A sent id stays reserved as long as its timeline is kept; the result or the tombstone refuse it later.
    reserveSeconds: timelineSeconds,
  });
  const liveness = new WorkerLiveness({ timeoutMs: config.workerTimeoutMs });
  const changes = history.changes;
  liveness.onGone((hostname) => changes.notify({ ids: [], related: [], workerGone: hostname }));
  const states = new StateLog(connections.store, ownKeys, {
    windowSeconds: config.resumeWindowSeconds,
    // The log is asked only about updates the watcher notified (live/replay.ts).
    rawOf: (update) => rawOf(update as TaskUpdate),
    finalOf: (update) => isReadyUpdate(update as TaskUpdate),
    // Final states are replayed from the backend, which holds their bytes while the result lives.
    readBackend: async (ids) => (await backend.readTasksRaw(ids, { ttl: 'none' })).map((read) => read.raw),
  });
  const indexChanges = index ? new IndexFeed(connections.storeSubscriber, index.changesChannel) : null;
  const [secret, ...older] = config.cursorSecrets;
  const cursorKeys: CursorKeys =
    secret === undefined
      ? new StoredCursorKeys(connections.store, ownKeys.cursorKeys())
      : new ConfiguredCursorKeys([secret, ...older]);
  // The store's parts, checked against its interface (store/store.ts): everything above sees only that.
  const alerts = new RedisAlertStore(connections.store, connections.storeSubscriber, ownKeys.alerts);
  const bulk = new BulkStore(connections.store, ownKeys.bulk, connections.storeSubscriber);
  const store: LensStore = { history, index, indexChanges, goals, cursorKeys, sent, states, bulk, stats, alerts };
  consumer = connections.consumer
    ? new EventConsumer(
        { results: connections.consumer.results, events: broker.events },
        store.history,
        keys,
        reportConsumer,
        liveness,
        store.states,
      )
    : null;
  // What the consumer loses (a pub/sub drop, writes the store refused) is re-read from the result backend.
  const heal = consumer
    ? new IndexHeal(
        {
          backend: connections.redis,
          celery: keys,
          history: store.history,
          index,
          decode: (id, key, bytes) => decodeTaskMeta(id, key, bytes, backend.valueLimits),
        },
        { resultExpiresSeconds: config.resultExpires },
      )
    : null;
  if (consumer) {
    consumer.onResubscribed = () => {
      changes.notify({ ids: [], related: [], gap: true });
      heal?.gap();
    };
    consumer.onLost = (ids) => heal?.lost(ids);
    consumer.decodeMeta = (id, key, bytes) => decodes.decode(id, key, bytes, watcher.watches(id));
  }
  const control = new TaskControl(broker, store.sent);
  // The workers the consumer holds online: their answers, all in, end an inspect or control broadcast early.
  const online = () =>
    consumer ? [...consumer.workers.keys()].filter((name) => consumer?.liveness.silence(name, null) === null) : [];
  const inspector = new WorkerInspector(broker.mailbox, { online });
  const workerControl = new WorkerControl(broker.mailbox, inspector, { online });
  return {
    backend,
    watcher,
    goals: store.goals,
    history,
    broker,
    /** The RabbitMQ connection's start and stop (app.ts); null on a Redis broker, whose connections are the app's. */
    brokerConnection: rabbit && { start: rabbit.start, stop: rabbit.stop },
    queues,
    queueLengths,
    consumer,
    /** Re-reads from the result backend what the consumer lost (intake/index-heal.ts); null when not consuming. */
    heal,
    changes,
    control,
    inspector,
    workerControl,
    index,
    indexFeed: store.indexChanges,
    states: store.states,
    cursorKeys: store.cursorKeys,
    bulkStore: store.bulk,
    stats: store.stats,
    alertStore: store.alerts,
  };
}
