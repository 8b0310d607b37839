import type { ResultBackend, TtlRead } from '../backend/result-backend.ts';
import type { CursorKeys } from '../backend/cursor-keys.ts';
import type { BrokerQueues } from '../backend/broker-queues.ts';
import type { EventConsumer } from '../backend/event-consumer.ts';
import type { GoalStore } from '../backend/goal-store.ts';
import type { HistoryStore } from '../backend/history-store.ts';
import type { TaskControl } from '../backend/task-control.ts';
import type { ProgressChanges } from '../backend/progress-changes.ts';
import type { IndexFeed } from '../backend/index-feed.ts';
import type { TaskIndex } from '../backend/task-index.ts';
import type { QueueLengths } from '../backend/queue-lengths.ts';
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
  readonly queueLengths: QueueLengths;
  readonly consumer: EventConsumer | null;
  readonly goals: GoalStore;
  /** Revoke and send through the broker (schema/control.ts). */
  readonly control: TaskControl;
  /** What the consumer recorded, for progress subscriptions (idle without a consumer). */
  readonly changes: ProgressChanges;
  /** The task index (searchTasks, taskStats, failures, taskEvents); null with --index false. */
  readonly index: TaskIndex | null;
  /** The index' changes, for taskEvents; null with --index false. */
  readonly indexFeed: IndexFeed | null;
  /** Every published state, numbered, for resuming subscriptions. */
  readonly states: StateLog;
  /** What page cursors (searchTasks, failures) are signed with, the same on every replica. */
  readonly cursorKeys: CursorKeys;
  /** Watches this connection (a WebSocket, or one HTTP request) may still open; the process' are the watcher's. */
  readonly watchQuota: WatchQuota;
  /** Aborted when the process shuts down: every live subscription completes. */
  readonly shutdown: AbortSignal;
  /** Whether this operation's reads ask for key TTLs (plugins/use-ttl-on-demand.ts); all when unset. */
  readonly ttlRead?: TtlRead;
  readonly config: Pick<
    Config,
    'taskIdPattern' | 'maxIds' | 'backend' | 'globalKeyprefix' | 'maxQueued' | 'maxQueuedBytes' | 'maxGraphNodes' | 'maxDepth' | 'maxComplexity' | 'auth' | 'apiKeys'
    | 'control' | 'sendAllow' | 'queues' | 'progressIntervalMs' | 'stallAfter' | 'indexKwargs' | 'indexSeconds' | 'maxAwaitSeconds' | 'tokenSecret'
  >;
}
