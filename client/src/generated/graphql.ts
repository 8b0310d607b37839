/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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

export type LensTaskFieldsFragment = { id: string, state: TaskState, rawState: string, status: TaskStatus, statusReason: string, exists: boolean, ready: boolean, successful: boolean, failed: boolean, name: string | null, worker: string | null, queue: string | null, retries: number | null, parentId: string | null, groupId: string | null, sentAt: string | null, receivedAt: string | null, startedAt: string | null, dateDone: string | null, finishedAt: string | null, runtime: number | null, result?: unknown, meta?: unknown, error: { type: string, module: string | null, message?: string | null, traceback?: string | null } | null };

export type LensWatchTaskSubscriptionVariables = Exact<{
  id: string | number;
  untilReady: boolean;
  payload: boolean;
  after?: string | null | undefined;
}>;


export type LensWatchTaskSubscription = { task: { id: string, state: TaskState, rawState: string, status: TaskStatus, statusReason: string, exists: boolean, ready: boolean, successful: boolean, failed: boolean, name: string | null, worker: string | null, queue: string | null, retries: number | null, parentId: string | null, groupId: string | null, sentAt: string | null, receivedAt: string | null, startedAt: string | null, dateDone: string | null, finishedAt: string | null, runtime: number | null, result?: unknown, meta?: unknown, error: { type: string, module: string | null, message?: string | null, traceback?: string | null } | null } };

export type LensWatchTasksSubscriptionVariables = Exact<{
  ids: Array<string | number> | string | number;
  untilReady: boolean;
  payload: boolean;
  after?: string | null | undefined;
}>;


export type LensWatchTasksSubscription = { tasks: { id: string, state: TaskState, rawState: string, status: TaskStatus, statusReason: string, exists: boolean, ready: boolean, successful: boolean, failed: boolean, name: string | null, worker: string | null, queue: string | null, retries: number | null, parentId: string | null, groupId: string | null, sentAt: string | null, receivedAt: string | null, startedAt: string | null, dateDone: string | null, finishedAt: string | null, runtime: number | null, result?: unknown, meta?: unknown, error: { type: string, module: string | null, message?: string | null, traceback?: string | null } | null } };

export type LensWatchGraphSubscriptionVariables = Exact<{
  rootId: string | number;
  maxDepth: number;
  after?: string | null | undefined;
}>;


export type LensWatchGraphSubscription = { taskGraph: { rootId: string, ready: boolean, truncated: boolean, nodes: Array<{ id: string, kind: TaskGraphNodeKind, depth: number, task: { id: string, state: TaskState, rawState: string, status: TaskStatus, ready: boolean, name: string | null, dateDone: string | null } | null, group: { id: string, size: number | null, completed: number | null, failed: number | null, ready: boolean | null } | null }>, edges: Array<{ from: string, to: string, kind: TaskGraphEdgeKind }> } };

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
export const LensTaskFieldsFragmentDoc = new TypedDocumentString(`
    fragment LensTaskFields on Task {
  id
  state
  rawState
  status
  statusReason
  exists
  ready
  successful
  failed
  name
  worker
  queue
  retries
  parentId
  groupId
  sentAt
  receivedAt
  startedAt
  dateDone
  finishedAt
  runtime
  result @include(if: $payload)
  meta @include(if: $payload)
  error {
    type
    module
    message @include(if: $payload)
    traceback @include(if: $payload)
  }
}
    `, {"fragmentName":"LensTaskFields"}) as unknown as TypedDocumentString<LensTaskFieldsFragment, unknown>;
export const LensWatchTaskDocument = new TypedDocumentString(`
    subscription LensWatchTask($id: ID!, $untilReady: Boolean!, $payload: Boolean!, $after: String) {
  task(id: $id, untilReady: $untilReady, after: $after) {
    ...LensTaskFields
  }
}
    fragment LensTaskFields on Task {
  id
  state
  rawState
  status
  statusReason
  exists
  ready
  successful
  failed
  name
  worker
  queue
  retries
  parentId
  groupId
  sentAt
  receivedAt
  startedAt
  dateDone
  finishedAt
  runtime
  result @include(if: $payload)
  meta @include(if: $payload)
  error {
    type
    module
    message @include(if: $payload)
    traceback @include(if: $payload)
  }
}`) as unknown as TypedDocumentString<LensWatchTaskSubscription, LensWatchTaskSubscriptionVariables>;
export const LensWatchTasksDocument = new TypedDocumentString(`
    subscription LensWatchTasks($ids: [ID!]!, $untilReady: Boolean!, $payload: Boolean!, $after: String) {
  tasks(ids: $ids, untilReady: $untilReady, after: $after) {
    ...LensTaskFields
  }
}
    fragment LensTaskFields on Task {
  id
  state
  rawState
  status
  statusReason
  exists
  ready
  successful
  failed
  name
  worker
  queue
  retries
  parentId
  groupId
  sentAt
  receivedAt
  startedAt
  dateDone
  finishedAt
  runtime
  result @include(if: $payload)
  meta @include(if: $payload)
  error {
    type
    module
    message @include(if: $payload)
    traceback @include(if: $payload)
  }
}`) as unknown as TypedDocumentString<LensWatchTasksSubscription, LensWatchTasksSubscriptionVariables>;
export const LensWatchGraphDocument = new TypedDocumentString(`
    subscription LensWatchGraph($rootId: ID!, $maxDepth: Int!, $after: String) {
  taskGraph(rootId: $rootId, maxDepth: $maxDepth, after: $after) {
    rootId
    ready
    truncated
    nodes {
      id
      kind
      depth
      task {
        id
        state
        rawState
        status
        ready
        name
        dateDone
      }
      group {
        id
        size
        completed
        failed
        ready
      }
    }
    edges {
      from
      to
      kind
    }
  }
}
    `) as unknown as TypedDocumentString<LensWatchGraphSubscription, LensWatchGraphSubscriptionVariables>;