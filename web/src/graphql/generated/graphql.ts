/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** What an alert rule measures (docs/alerts.md). */
export type AlertKind =
  /** Failed tasks of a name and/or exception type within the window. */
  | 'FAILURES'
  /** Tasks that turned LOST (their worker went silent, said goodbye or restarted) within the window. */
  | 'LOST'
  /** Seconds since celery-lens last heard an event or a published state. */
  | 'NO_EVENTS'
  /** Seconds the oldest message of a broker queue has waited. */
  | 'QUEUE_AGE'
  /** Messages waiting in a broker queue. */
  | 'QUEUE_LENGTH'
  /** Workers (of a hostname pattern) judged offline. */
  | 'WORKER_OFFLINE';

export type AlertRuleState =
  /** Its value reached the threshold; a firing POST was queued when it did. */
  | 'FIRING'
  /** Its value is below the threshold. */
  | 'OK'
  /** Not evaluated yet (just configured, or no replica consuming events evaluates). */
  | 'UNKNOWN';

export type AlertState =
  /** The rule’s value reached its threshold. */
  | 'FIRING'
  /** The rule’s value went back below its threshold. */
  | 'RESOLVED';

/** REVOKE: revokeTasksMatching; RESEND: resendTasksMatching. */
export type BulkActionKind =
  | 'RESEND'
  | 'REVOKE';

/** RUNNING until every match was acted on (DONE), cancelBulkAction (CANCELLED), or the broker or Redis failed 5 times in a row (FAILED, see `error`). */
export type BulkActionState =
  | 'CANCELLED'
  | 'DONE'
  | 'FAILED'
  | 'RUNNING';

/** Exact match on an indexed kwargs key (see --index-kwargs); value compared as its JSON text, e.g. 42 or "acme" (a value that is not JSON is taken as a string: acme is "acme"). Needs the payload scope. */
export type KwargMatch = {
  key: string;
  value: string;
};

/** Conditions a task must all meet (AND). Only tasks in the index: seen by a celery-lens consumer, or backfilled. */
export type TaskFilter = {
  /** Exact kwargs values, of keys in --index-kwargs (payload scope). */
  kwargs?: Array<KwargMatch> | null | undefined;
  /** The task name, exactly. */
  name?: string | null | undefined;
  /** Task names that start with this, e.g. "proj.billing.". */
  namePrefix?: string | null | undefined;
  /** The queue (routing key) it was sent to. */
  queue?: string | null | undefined;
  /** Every task of one workflow (the root included). */
  rootId?: string | number | null | undefined;
  /** On the time of the task’s latest state. */
  since?: string | null | undefined;
  /** Any of these statuses: the latest state celery-lens saw, kept after the result expires (EXPIRED and UNKNOWN never match). */
  status?: Array<TaskStatus> | null | undefined;
  until?: string | null | undefined;
  /** The worker hostname that ran it, e.g. celery@host. */
  worker?: string | null | undefined;
};

export type TaskGraphEdgeKind =
  /** task `to` is the callback of the chord whose header is group `from` (beside the CHILD edge from the task that sent it): Celery stores no such link; celery-lens tells it as Task.chordHeader does. */
  | 'CALLBACK'
  /** `to` was sent by `from`: a chain link, a group launched from a task, a chord's callback. */
  | 'CHILD'
  /** task `to` belongs to group `from`. */
  | 'MEMBER';

export type TaskGraphNodeKind =
  | 'GROUP'
  | 'TASK';

/** By the time of each task’s latest state. */
export type TaskOrder =
  | 'NEWEST_FIRST'
  | 'OLDEST_FIRST';

/** Celery's task state. Custom states map to CUSTOM; `Task.rawState` keeps the exact string. */
export type TaskState =
  /** A state the application set with update_state(), e.g. PROGRESS; see `rawState` and `meta`. */
  | 'CUSTOM'
  /** The task raised; `error` holds the exception and traceback. */
  | 'FAILURE'
  /** The task asked Celery not to store its state (raised Ignore). */
  | 'IGNORED'
  /** No result key: never sent, still queued, or expired. Celery cannot tell which. */
  | 'PENDING'
  /** A worker received the task. */
  | 'RECEIVED'
  /** A worker rejected the task. */
  | 'REJECTED'
  /** The task is waiting to be retried; `error` holds the exception that caused it. */
  | 'RETRY'
  /** The task was revoked. */
  | 'REVOKED'
  /** A worker started the task (stored only with task_track_started=True). */
  | 'STARTED'
  /** The task returned; `result` holds its return value. */
  | 'SUCCESS';

/** The size of taskStats' buckets, on UTC boundaries. */
export type TaskStatsInterval =
  | 'DAY'
  | 'HOUR'
  | 'MINUTE';

/** Celery's PENDING disambiguated, from every piece of evidence celery-lens has (see statusReason). */
export type TaskStatus =
  /** It did exist; Celery's result is gone (see lastOutcome). */
  | 'EXPIRED'
  /** Raised (or was rejected). */
  | 'FAILED'
  /** Received or running on a worker that has since gone silent (no heartbeat within --worker-timeout) or restarted, and no newer state stored: it will not finish there. A late result turns it back into the truth. */
  | 'LOST'
  /** Sent or received, not started (events, or its message in a broker queue). */
  | 'QUEUED'
  /** Waiting to be retried. */
  | 'RETRYING'
  /** Revoked. */
  | 'REVOKED'
  /** Started, or in a custom state such as PROGRESS. */
  | 'RUNNING'
  /** RUNNING for longer than --stall-after allows its task name (off by default): a hint, never a final state. */
  | 'STALLED'
  /** Returned. */
  | 'SUCCEEDED'
  /** No result, no tombstone, no event, no queued message. */
  | 'UNKNOWN';

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { principal: string, canControl: boolean } };

export type RevokeTaskMutationVariables = Exact<{
  id: string | number;
  terminate: boolean;
}>;


export type RevokeTaskMutation = { revokeTask: { id: string } };

export type ResendTaskMutationVariables = Exact<{
  id: string | number;
}>;


export type ResendTaskMutation = { resendTask: { id: string } };

export type BulkCountQueryVariables = Exact<{
  filter?: TaskFilter | null | undefined;
}>;


export type BulkCountQuery = { searchTasks: { totalCount: number, totalCountCapped: boolean } };

export type RevokeMatchingMutationVariables = Exact<{
  filter: TaskFilter;
  dryRun: boolean;
}>;


export type RevokeMatchingMutation = { revokeTasksMatching: { id: string, kind: BulkActionKind, state: BulkActionState, matched: number, done: number, failed: number, dryRun: boolean, error: string | null } };

export type ResendMatchingMutationVariables = Exact<{
  filter: TaskFilter;
  dryRun: boolean;
}>;


export type ResendMatchingMutation = { resendTasksMatching: { id: string, kind: BulkActionKind, state: BulkActionState, matched: number, done: number, failed: number, dryRun: boolean, error: string | null } };

export type CancelBulkMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelBulkMutation = { cancelBulkAction: { id: string, kind: BulkActionKind, state: BulkActionState, matched: number, done: number, failed: number, dryRun: boolean, error: string | null } };

export type FollowBulkSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type FollowBulkSubscription = { bulkAction: { id: string, kind: BulkActionKind, state: BulkActionState, matched: number, done: number, failed: number, dryRun: boolean, error: string | null } | null };

export type BulkProgressFragment = { id: string, kind: BulkActionKind, state: BulkActionState, matched: number, done: number, failed: number, dryRun: boolean, error: string | null };

export type GrowPoolMutationVariables = Exact<{
  hostname: string;
}>;


export type GrowPoolMutation = { growPool: Array<{ hostname: string | null, ok: boolean, message: string | null }> };

export type ShrinkPoolMutationVariables = Exact<{
  hostname: string;
}>;


export type ShrinkPoolMutation = { shrinkPool: Array<{ hostname: string | null, ok: boolean, message: string | null }> };

export type AddConsumerMutationVariables = Exact<{
  hostname: string;
  queue: string;
}>;


export type AddConsumerMutation = { addConsumer: Array<{ hostname: string | null, ok: boolean, message: string | null }> };

export type CancelConsumerMutationVariables = Exact<{
  hostname: string;
  queue: string;
}>;


export type CancelConsumerMutation = { cancelConsumer: Array<{ hostname: string | null, ok: boolean, message: string | null }> };

export type SetRateLimitMutationVariables = Exact<{
  hostname: string;
  taskName: string;
  rateLimit: string;
}>;


export type SetRateLimitMutation = { setRateLimit: Array<{ hostname: string | null, ok: boolean, message: string | null }> };

export type RestartPoolMutationVariables = Exact<{
  hostname: string;
}>;


export type RestartPoolMutation = { restartPool: Array<{ hostname: string | null, ok: boolean, message: string | null }> };

export type ShutdownWorkerMutationVariables = Exact<{
  hostname: string;
}>;


export type ShutdownWorkerMutation = { shutdownWorker: Array<{ hostname: string | null, ok: boolean, message: string | null }> };

export type WorkerAnswerFragment = { hostname: string | null, ok: boolean, message: string | null };

export type TaskLiveSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type TaskLiveSubscription = { task: { id: string, status: TaskStatus, statusReason: string, state: TaskState, rawState: string, exists: boolean, ready: boolean, name: string | null, args: unknown, kwargs: unknown, worker: string | null, queue: string | null, retries: number | null, meta: unknown, result: unknown, sentAt: string | null, receivedAt: string | null, startedAt: string | null, dateDone: string | null, finishedAt: string | null, runtime: number | null, expiresAt: string | null, parentId: string | null, groupId: string | null, errorType: { type: string, module: string | null } | null, errorDetail: { message: string | null, traceback: string | null } | null, lastOutcome: { state: string, dateDone: string | null, recordedAt: string, errorType: string | null, errorMessage: string | null, name: string | null } | null, root: { id: string } | null, resentFrom: { id: string } | null, resentAs: Array<{ id: string } | null> } };

export type WorkflowGraphSubscriptionVariables = Exact<{
  rootId: string | number;
}>;


export type WorkflowGraphSubscription = { taskGraph: { ready: boolean, truncated: boolean, nodes: Array<{ id: string, kind: TaskGraphNodeKind, task: { status: TaskStatus, name: string | null } | null }>, edges: Array<{ from: string, to: string, kind: TaskGraphEdgeKind }> } };

export type GraphTaskFragment = { status: TaskStatus, name: string | null };

export type WorkflowTimesSubscriptionVariables = Exact<{
  rootId: string | number;
}>;


export type WorkflowTimesSubscription = { taskGraph: { ready: boolean, nodes: Array<{ id: string, task: { sentAt: string | null, receivedAt: string | null, startedAt: string | null, finishedAt: string | null, dateDone: string | null } | null }> } };

export type WorkersQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkersQuery = { workers: Array<{ hostname: string, online: boolean, lastSeen: string, lastHeartbeat: string | null, heartbeatIntervalSeconds: number | null, active: number | null, processed: number | null, loadAverage: Array<number> | null, software: string | null }> };

export type QueuesQueryVariables = Exact<{ [key: string]: never; }>;


export type QueuesQuery = { queues: Array<{ name: string, length: number, oldestAgeSeconds: number | null, oldestTaskId: string | null, wrongTypeKeys: Array<string>, byPriority: Array<{ priority: number, length: number }> }> };

export type SearchTasksQueryVariables = Exact<{
  filter?: TaskFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  order?: TaskOrder | null | undefined;
}>;


export type SearchTasksQuery = { searchTasks: { totalCount: number, totalCountCapped: boolean, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, status: TaskStatus, name: string | null, worker: string | null, queue: string | null, retries: number | null, lastHeardAt: string | null, runtime: number | null } }> } };

export type TaskRowFragment = { id: string, status: TaskStatus, name: string | null, worker: string | null, queue: string | null, retries: number | null, lastHeardAt: string | null, runtime: number | null };

export type TaskRowEventsSubscriptionVariables = Exact<{
  filter?: TaskFilter | null | undefined;
}>;


export type TaskRowEventsSubscription = { taskEvents: { id: string, status: TaskStatus, name: string | null, worker: string | null, queue: string | null, retries: number | null, lastHeardAt: string | null, runtime: number | null } };

export type FailureEventsSubscriptionVariables = Exact<{
  filter?: TaskFilter | null | undefined;
}>;


export type FailureEventsSubscription = { taskEvents: { id: string } };

export type IndexedKwargsQueryVariables = Exact<{ [key: string]: never; }>;


export type IndexedKwargsQuery = { viewer: { indexedKwargs: Array<string> | null } };

export type FailuresQueryVariables = Exact<{
  since?: string | null | undefined;
  until?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type FailuresQuery = { failures: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { name: string, exceptionType: string, count: number, firstSeen: string, lastSeen: string, example: { id: string, status: TaskStatus } } }> } };

export type StatsChartsQueryVariables = Exact<{
  since: string;
  until: string;
  interval: TaskStatsInterval;
  key?: string | null | undefined;
}>;


export type StatsChartsQuery = { taskStats: { interval: TaskStatsInterval, buckets: Array<{ start: string, succeeded: number, failed: number, retried: number | null, revoked: number | null, queueLength: number | null, runtime: { p50: number | null, p95: number | null, p99: number | null } | null, wait: { p50: number | null, p95: number | null, p99: number | null } | null }> } };

export type AlertRulesViewQueryVariables = Exact<{ [key: string]: never; }>;


export type AlertRulesViewQuery = { alertRules: Array<{ name: string, kind: AlertKind, state: AlertRuleState, value: number | null, threshold: number, since: string | null }> };

export type AlertHistoryQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type AlertHistoryQuery = { alerts: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, rule: string, kind: AlertKind, state: AlertState, at: string, value: number, threshold: number, startedAt: string } }> } };

export type AlertTransitionsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type AlertTransitionsSubscription = { alerts: { id: string, rule: string, state: AlertState } };

export type WorkerPageQueryVariables = Exact<{
  hostname: string;
  succeeded: TaskFilter;
  failed: TaskFilter;
}>;


export type WorkerPageQuery = { worker: { hostname: string, online: boolean, lastSeen: string, lastHeartbeat: string | null, heartbeatIntervalSeconds: number | null, active: number | null, processed: number | null, loadAverage: Array<number> | null, software: string | null, inspectedAt: string | null, queues: Array<string> | null, registered: Array<string> | null, pool: { implementation: string | null, maxConcurrency: number | null, processes: Array<number> } | null, activeTasks: Array<{ id: string, name: string | null, startedAt: string | null }> | null, reservedTasks: Array<{ id: string, name: string | null }> | null, scheduledTasks: Array<{ id: string, name: string | null }> | null } | null, succeeded: { totalCount: number, totalCountCapped: boolean }, failed: { totalCount: number, totalCountCapped: boolean } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const BulkProgressFragmentDoc = new TypedDocumentString(`
    fragment BulkProgress on BulkAction {
  id
  kind
  state
  matched
  done
  failed
  dryRun
  error
}
    `, {"fragmentName":"BulkProgress"}) as unknown as TypedDocumentString<BulkProgressFragment, unknown>;
export const WorkerAnswerFragmentDoc = new TypedDocumentString(`
    fragment WorkerAnswer on WorkerReply {
  hostname
  ok
  message
}
    `, {"fragmentName":"WorkerAnswer"}) as unknown as TypedDocumentString<WorkerAnswerFragment, unknown>;
export const GraphTaskFragmentDoc = new TypedDocumentString(`
    fragment GraphTask on Task {
  status
  name
}
    `, {"fragmentName":"GraphTask"}) as unknown as TypedDocumentString<GraphTaskFragment, unknown>;
export const TaskRowFragmentDoc = new TypedDocumentString(`
    fragment TaskRow on Task {
  id
  status
  name
  worker
  queue
  retries
  lastHeardAt
  runtime
}
    `, {"fragmentName":"TaskRow"}) as unknown as TypedDocumentString<TaskRowFragment, unknown>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    principal
    canControl
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const RevokeTaskDocument = new TypedDocumentString(`
    mutation RevokeTask($id: ID!, $terminate: Boolean!) {
  revokeTask(id: $id, terminate: $terminate) {
    id
  }
}
    `) as unknown as TypedDocumentString<RevokeTaskMutation, RevokeTaskMutationVariables>;
export const ResendTaskDocument = new TypedDocumentString(`
    mutation ResendTask($id: ID!) {
  resendTask(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<ResendTaskMutation, ResendTaskMutationVariables>;
export const BulkCountDocument = new TypedDocumentString(`
    query BulkCount($filter: TaskFilter) {
  searchTasks(filter: $filter, first: 0) {
    totalCount
    totalCountCapped
  }
}
    `) as unknown as TypedDocumentString<BulkCountQuery, BulkCountQueryVariables>;
export const RevokeMatchingDocument = new TypedDocumentString(`
    mutation RevokeMatching($filter: TaskFilter!, $dryRun: Boolean!) {
  revokeTasksMatching(filter: $filter, dryRun: $dryRun) {
    ...BulkProgress
  }
}
    fragment BulkProgress on BulkAction {
  id
  kind
  state
  matched
  done
  failed
  dryRun
  error
}`) as unknown as TypedDocumentString<RevokeMatchingMutation, RevokeMatchingMutationVariables>;
export const ResendMatchingDocument = new TypedDocumentString(`
    mutation ResendMatching($filter: TaskFilter!, $dryRun: Boolean!) {
  resendTasksMatching(filter: $filter, dryRun: $dryRun) {
    ...BulkProgress
  }
}
    fragment BulkProgress on BulkAction {
  id
  kind
  state
  matched
  done
  failed
  dryRun
  error
}`) as unknown as TypedDocumentString<ResendMatchingMutation, ResendMatchingMutationVariables>;
export const CancelBulkDocument = new TypedDocumentString(`
    mutation CancelBulk($id: ID!) {
  cancelBulkAction(id: $id) {
    ...BulkProgress
  }
}
    fragment BulkProgress on BulkAction {
  id
  kind
  state
  matched
  done
  failed
  dryRun
  error
}`) as unknown as TypedDocumentString<CancelBulkMutation, CancelBulkMutationVariables>;
export const FollowBulkDocument = new TypedDocumentString(`
    subscription FollowBulk($id: ID!) {
  bulkAction(id: $id) {
    ...BulkProgress
  }
}
    fragment BulkProgress on BulkAction {
  id
  kind
  state
  matched
  done
  failed
  dryRun
  error
}`) as unknown as TypedDocumentString<FollowBulkSubscription, FollowBulkSubscriptionVariables>;
export const GrowPoolDocument = new TypedDocumentString(`
    mutation GrowPool($hostname: String!) {
  growPool(hostname: $hostname, n: 1) {
    ...WorkerAnswer
  }
}
    fragment WorkerAnswer on WorkerReply {
  hostname
  ok
  message
}`) as unknown as TypedDocumentString<GrowPoolMutation, GrowPoolMutationVariables>;
export const ShrinkPoolDocument = new TypedDocumentString(`
    mutation ShrinkPool($hostname: String!) {
  shrinkPool(hostname: $hostname, n: 1) {
    ...WorkerAnswer
  }
}
    fragment WorkerAnswer on WorkerReply {
  hostname
  ok
  message
}`) as unknown as TypedDocumentString<ShrinkPoolMutation, ShrinkPoolMutationVariables>;
export const AddConsumerDocument = new TypedDocumentString(`
    mutation AddConsumer($hostname: String!, $queue: String!) {
  addConsumer(hostname: $hostname, queue: $queue) {
    ...WorkerAnswer
  }
}
    fragment WorkerAnswer on WorkerReply {
  hostname
  ok
  message
}`) as unknown as TypedDocumentString<AddConsumerMutation, AddConsumerMutationVariables>;
export const CancelConsumerDocument = new TypedDocumentString(`
    mutation CancelConsumer($hostname: String!, $queue: String!) {
  cancelConsumer(hostname: $hostname, queue: $queue) {
    ...WorkerAnswer
  }
}
    fragment WorkerAnswer on WorkerReply {
  hostname
  ok
  message
}`) as unknown as TypedDocumentString<CancelConsumerMutation, CancelConsumerMutationVariables>;
export const SetRateLimitDocument = new TypedDocumentString(`
    mutation SetRateLimit($hostname: String!, $taskName: String!, $rateLimit: String!) {
  setRateLimit(hostname: $hostname, taskName: $taskName, rateLimit: $rateLimit) {
    ...WorkerAnswer
  }
}
    fragment WorkerAnswer on WorkerReply {
  hostname
  ok
  message
}`) as unknown as TypedDocumentString<SetRateLimitMutation, SetRateLimitMutationVariables>;
export const RestartPoolDocument = new TypedDocumentString(`
    mutation RestartPool($hostname: String!) {
  restartPool(hostname: $hostname) {
    ...WorkerAnswer
  }
}
    fragment WorkerAnswer on WorkerReply {
  hostname
  ok
  message
}`) as unknown as TypedDocumentString<RestartPoolMutation, RestartPoolMutationVariables>;
export const ShutdownWorkerDocument = new TypedDocumentString(`
    mutation ShutdownWorker($hostname: String!) {
  shutdownWorker(hostname: $hostname) {
    ...WorkerAnswer
  }
}
    fragment WorkerAnswer on WorkerReply {
  hostname
  ok
  message
}`) as unknown as TypedDocumentString<ShutdownWorkerMutation, ShutdownWorkerMutationVariables>;
export const TaskLiveDocument = new TypedDocumentString(`
    subscription TaskLive($id: ID!) {
  task(id: $id, untilReady: false) {
    id
    status
    statusReason
    state
    rawState
    exists
    ready
    name
    args
    kwargs
    worker
    queue
    retries
    meta
    result
    errorType: error {
      type
      module
    }
    errorDetail: error {
      message
      traceback
    }
    sentAt
    receivedAt
    startedAt
    dateDone
    finishedAt
    runtime
    expiresAt
    lastOutcome {
      state
      dateDone
      recordedAt
      errorType
      errorMessage
      name
    }
    parentId
    groupId
    root {
      id
    }
    resentFrom {
      id
    }
    resentAs {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<TaskLiveSubscription, TaskLiveSubscriptionVariables>;
export const WorkflowGraphDocument = new TypedDocumentString(`
    subscription WorkflowGraph($rootId: ID!) {
  taskGraph(rootId: $rootId) {
    ready
    truncated
    nodes {
      id
      kind
      task {
        ...GraphTask
      }
    }
    edges {
      from
      to
      kind
    }
  }
}
    fragment GraphTask on Task {
  status
  name
}`) as unknown as TypedDocumentString<WorkflowGraphSubscription, WorkflowGraphSubscriptionVariables>;
export const WorkflowTimesDocument = new TypedDocumentString(`
    subscription WorkflowTimes($rootId: ID!) {
  taskGraph(rootId: $rootId) {
    ready
    nodes {
      id
      task {
        sentAt
        receivedAt
        startedAt
        finishedAt
        dateDone
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WorkflowTimesSubscription, WorkflowTimesSubscriptionVariables>;
export const WorkersDocument = new TypedDocumentString(`
    query Workers {
  workers {
    hostname
    online
    lastSeen
    lastHeartbeat
    heartbeatIntervalSeconds
    active
    processed
    loadAverage
    software
  }
}
    `) as unknown as TypedDocumentString<WorkersQuery, WorkersQueryVariables>;
export const QueuesDocument = new TypedDocumentString(`
    query Queues {
  queues {
    name
    length
    byPriority {
      priority
      length
    }
    oldestAgeSeconds
    oldestTaskId
    wrongTypeKeys
  }
}
    `) as unknown as TypedDocumentString<QueuesQuery, QueuesQueryVariables>;
export const SearchTasksDocument = new TypedDocumentString(`
    query SearchTasks($filter: TaskFilter, $first: Int, $after: String, $order: TaskOrder) {
  searchTasks(filter: $filter, first: $first, after: $after, order: $order) {
    totalCount
    totalCountCapped
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...TaskRow
      }
    }
  }
}
    fragment TaskRow on Task {
  id
  status
  name
  worker
  queue
  retries
  lastHeardAt
  runtime
}`) as unknown as TypedDocumentString<SearchTasksQuery, SearchTasksQueryVariables>;
export const TaskRowEventsDocument = new TypedDocumentString(`
    subscription TaskRowEvents($filter: TaskFilter) {
  taskEvents(filter: $filter) {
    ...TaskRow
  }
}
    fragment TaskRow on Task {
  id
  status
  name
  worker
  queue
  retries
  lastHeardAt
  runtime
}`) as unknown as TypedDocumentString<TaskRowEventsSubscription, TaskRowEventsSubscriptionVariables>;
export const FailureEventsDocument = new TypedDocumentString(`
    subscription FailureEvents($filter: TaskFilter) {
  taskEvents(filter: $filter) {
    id
  }
}
    `) as unknown as TypedDocumentString<FailureEventsSubscription, FailureEventsSubscriptionVariables>;
export const IndexedKwargsDocument = new TypedDocumentString(`
    query IndexedKwargs {
  viewer {
    indexedKwargs
  }
}
    `) as unknown as TypedDocumentString<IndexedKwargsQuery, IndexedKwargsQueryVariables>;
export const FailuresDocument = new TypedDocumentString(`
    query Failures($since: DateTime, $until: DateTime, $first: Int, $after: String) {
  failures(since: $since, until: $until, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        name
        exceptionType
        count
        firstSeen
        lastSeen
        example {
          id
          status
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<FailuresQuery, FailuresQueryVariables>;
export const StatsChartsDocument = new TypedDocumentString(`
    query StatsCharts($since: DateTime!, $until: DateTime!, $interval: TaskStatsInterval!, $key: String) {
  taskStats(
    since: $since
    until: $until
    by: NAME
    key: $key
    interval: $interval
  ) {
    interval
    buckets {
      start
      succeeded
      failed
      retried
      revoked
      runtime {
        p50
        p95
        p99
      }
      wait {
        p50
        p95
        p99
      }
      queueLength
    }
  }
}
    `) as unknown as TypedDocumentString<StatsChartsQuery, StatsChartsQueryVariables>;
export const AlertRulesViewDocument = new TypedDocumentString(`
    query AlertRulesView {
  alertRules {
    name
    kind
    state
    value
    threshold
    since
  }
}
    `) as unknown as TypedDocumentString<AlertRulesViewQuery, AlertRulesViewQueryVariables>;
export const AlertHistoryDocument = new TypedDocumentString(`
    query AlertHistory($first: Int!, $after: String) {
  alerts(first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        rule
        kind
        state
        at
        value
        threshold
        startedAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<AlertHistoryQuery, AlertHistoryQueryVariables>;
export const AlertTransitionsDocument = new TypedDocumentString(`
    subscription AlertTransitions {
  alerts {
    id
    rule
    state
  }
}
    `) as unknown as TypedDocumentString<AlertTransitionsSubscription, AlertTransitionsSubscriptionVariables>;
export const WorkerPageDocument = new TypedDocumentString(`
    query WorkerPage($hostname: String!, $succeeded: TaskFilter!, $failed: TaskFilter!) {
  worker(hostname: $hostname) {
    hostname
    online
    lastSeen
    lastHeartbeat
    heartbeatIntervalSeconds
    active
    processed
    loadAverage
    software
    inspectedAt
    pool {
      implementation
      maxConcurrency
      processes
    }
    queues
    registered
    activeTasks {
      id
      name
      startedAt
    }
    reservedTasks {
      id
      name
    }
    scheduledTasks {
      id
      name
    }
  }
  succeeded: searchTasks(filter: $succeeded, first: 0) {
    totalCount
    totalCountCapped
  }
  failed: searchTasks(filter: $failed, first: 0) {
    totalCount
    totalCountCapped
  }
}
    `) as unknown as TypedDocumentString<WorkerPageQuery, WorkerPageQueryVariables>;