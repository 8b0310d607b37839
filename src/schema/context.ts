import type { ResultBackend, TtlRead } from '../backend/result-backend.ts';
import type { BrokerQueues } from '../backend/broker-queues.ts';
import type { EventConsumer } from '../backend/event-consumer.ts';
import type { GoalStore } from '../backend/goal-store.ts';
import type { HistoryStore } from '../backend/history-store.ts';
import type { StateLog } from '../backend/state-log.ts';
import type { TaskWatcher } from '../backend/task-watcher.ts';
import type { WatchQuota } from '../backend/watch-quota.ts';
import type { Config } from '../config.ts';

/** What every resolver gets; built once per request by app.ts. */
export interface LensContext {
  readonly backend: ResultBackend;
  readonly watcher: TaskWatcher;
  readonly history: HistoryStore;
  readonly queues: BrokerQueues;
  readonly consumer: EventConsumer | null;
  readonly goals: GoalStore;
  /** Every published state, numbered, for resuming subscriptions. */
  readonly states: StateLog;
  /** Watches this connection (a WebSocket, or one HTTP request) may still open; the process' are the watcher's. */
  readonly watchQuota: WatchQuota;
  /** Aborted when the process shuts down: every live subscription completes. */
  readonly shutdown: AbortSignal;
  /** Whether this operation's reads ask for key TTLs (plugins/use-ttl-on-demand.ts); all when unset. */
  readonly ttlRead?: TtlRead;
  readonly config: Pick<Config, 'taskIdPattern' | 'maxIds' | 'backend' | 'globalKeyprefix' | 'maxQueued' | 'maxGraphNodes' | 'maxDepth' | 'maxComplexity' | 'auth' | 'apiKeys'>;
}
