import type { ResultBackend, TtlRead } from '../read/result-backend.ts';
import type { CursorKeys } from '../store/cursor-keys.ts';
import type { Broker, QueuedTasks } from '../broker/broker.ts';
import type { EventConsumer } from '../intake/event-consumer.ts';
import type {
  GoalStorage,
  HistoryStorage,
  IndexChanges,
  IndexStorage,
  ResumeLog,
  StatsStorage,
} from '../store/store.ts';
import type { TaskControl } from '../broker/task-control.ts';
import type { WorkerControl } from '../broker/worker-control.ts';
import type { WorkerInspector } from '../broker/worker-inspector.ts';
import type { ProgressChanges } from '../intake/progress-changes.ts';
import type { QueueLengths } from '../broker/queue-lengths.ts';
import type { TaskWatcher } from '../live/task-watcher.ts';
import type { WatchQuota } from '../live/watch-quota.ts';
import type { Config } from '../config/config.ts';
import type { BulkRunner } from '../bulk/bulk-runner.ts';
import type { BulkStorage } from '../store/store.ts';
import type { Alerts } from '../alerts/alerts.ts';

/** What every resolver gets; built once per request by app.ts. */
export interface LensContext {
  readonly backend: ResultBackend;
  readonly watcher: TaskWatcher;
  readonly history: HistoryStorage;
  /** Celery's broker: its events, queues and health (broker/broker.ts). */
  readonly broker: Broker;
  readonly queues: QueuedTasks;
  readonly queueLengths: QueueLengths;
  readonly consumer: EventConsumer | null;
  readonly goals: GoalStorage;
  /** Revoke and send through the broker (schema/control.ts). */
  readonly control: TaskControl;
  /** Inspect replies of the workers, broadcast once per command and kept briefly (schema/worker/worker-inspect.ts). */
  readonly inspector: WorkerInspector;
  /** Worker control commands (schema/worker/worker-control.ts). */
  readonly workerControl: WorkerControl;
  /** Bulk actions' records (bulkAction, bulkActions, cancelBulkAction). */
  readonly bulkStore: BulkStorage;
  /** Starts and runs bulk actions; null with --index false (nothing to walk). */
  readonly bulk: BulkRunner | null;
  /** What the consumer recorded, for progress subscriptions (idle without a consumer). */
  readonly changes: ProgressChanges;
  /** The task index (searchTasks, taskStats, failures, taskEvents); null with --index false. */
  readonly index: IndexStorage | null;
  /** The rollups (taskStats' percentiles, and its counts past the index); null with --stats-days 0. */
  readonly stats: StatsStorage | null;
  /** The index' changes, for taskEvents; null with --index false. */
  readonly indexFeed: IndexChanges | null;
  /** Every published state, numbered, for resuming subscriptions. */
  readonly states: ResumeLog;
  /** What page cursors (searchTasks, failures) are signed with, the same on every replica. */
  readonly cursorKeys: CursorKeys;
  /** Watches this connection (a WebSocket, or one HTTP request) may still open; the process' are the watcher's. */
  readonly watchQuota: WatchQuota;
  /** Alert rules and their log (schema/alert-rule.ts, schema/alert.ts). */
  readonly alerts: Alerts;
  /** Aborted when the process shuts down: every live subscription completes. */
  readonly shutdown: AbortSignal;
  /** Whether this operation's reads ask for key TTLs (plugins/use-ttl-on-demand.ts); all when unset. */
  readonly ttlRead?: TtlRead;
  readonly config: Pick<
    Config,
    | 'taskIdPattern'
    | 'maxIds'
    | 'backend'
    | 'globalKeyprefix'
    | 'maxQueued'
    | 'maxQueuedBytes'
    | 'maxGraphNodes'
    | 'maxDepth'
    | 'maxComplexity'
    | 'auth'
    | 'apiKeys'
    | 'control'
    | 'sendAllow'
    | 'queues'
    | 'progressIntervalMs'
    | 'stallAfter'
    | 'indexKwargs'
    | 'indexSeconds'
    | 'maxAwaitSeconds'
    | 'tokenSecret'
    | 'bulkBatch'
  >;
}
