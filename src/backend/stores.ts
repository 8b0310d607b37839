/**
 * The stores every resolver reads through, over one process' connections:
 * Celery's results and their live updates, celery-lens' own records under
 * --lens-prefix (timelines, tombstones, goals), the broker's queues, and the
 * consumer that feeds the records.
 */
import type { CeleryKeys } from '../celery/keys.ts';
import type { Config } from '../config.ts';
import { BrokerQueues } from './broker-queues.ts';
import type { Connections } from './connections.ts';
import { EventConsumer } from './event-consumer.ts';
import { GoalStore } from './goal-store.ts';
import { HistoryStore } from './history-store.ts';
import { lensKeys } from './lens-keys.ts';
import { ResultBackend } from './result-backend.ts';
import { StateLog } from './state-log.ts';
import { TaskWatcher } from './task-watcher.ts';

type StoreConfig = Pick<Config, 'resultExpires' | 'tombstoneSeconds' | 'lensPrefix' | 'queues' | 'queueScanLimit' | 'maxValueBytes' | 'maxWatches' | 'resumeWindowSeconds'>;

export function createStores(config: StoreConfig, connections: Connections, keys: CeleryKeys, reportConsumer?: EventConsumer['report']) {
  const backend = new ResultBackend(connections.redis, keys, { maxValueBytes: config.maxValueBytes });
  const watcher = new TaskWatcher(connections.subscriber, backend, keys, { publishedTtlMs: config.resultExpires * 1000, maxWatches: config.maxWatches });
  const ownKeys = lensKeys(config.lensPrefix);
  const goals = new GoalStore(connections.redis, connections.subscriber, ownKeys);
  const history = new HistoryStore(connections.redis, ownKeys, {
    // Timelines outlive the results they describe by a day.
    historyTtlSeconds: config.resultExpires + 86_400,
    tombstoneTtlSeconds: config.tombstoneSeconds,
  });
  const queues = new BrokerQueues(connections.broker, config.queues, config.queueScanLimit);
  const states = new StateLog(connections.redis, ownKeys, { windowSeconds: config.resumeWindowSeconds });
  const consumer = connections.consumerSources ? new EventConsumer(connections.consumerSources, history, keys, reportConsumer, states) : null;
  return { backend, watcher, goals, history, queues, consumer, states };
}
