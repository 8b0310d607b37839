/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type TaskGraphEdgeKind =
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

export type TaskLiveSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type TaskLiveSubscription = { task: { id: string, status: TaskStatus, statusReason: string, state: TaskState, rawState: string, exists: boolean, ready: boolean, name: string | null, args: unknown, kwargs: unknown, worker: string | null, queue: string | null, retries: number | null, meta: unknown, result: unknown, sentAt: string | null, receivedAt: string | null, startedAt: string | null, dateDone: string | null, finishedAt: string | null, runtime: number | null, expiresAt: string | null, parentId: string | null, groupId: string | null, errorType: { type: string, module: string | null } | null, errorDetail: { message: string | null, traceback: string | null } | null, lastOutcome: { state: string, dateDone: string | null, recordedAt: string, errorType: string | null, errorMessage: string | null, name: string | null } | null, root: { id: string } | null } };

export type WorkflowGraphSubscriptionVariables = Exact<{
  rootId: string | number;
}>;


export type WorkflowGraphSubscription = { taskGraph: { rootId: string, ready: boolean, truncated: boolean, nodes: Array<{ id: string, kind: TaskGraphNodeKind, depth: number, task: { id: string, status: TaskStatus, ready: boolean, name: string | null, dateDone: string | null } | null }>, edges: Array<{ from: string, to: string, kind: TaskGraphEdgeKind }> } };

export type GraphTaskFragment = { id: string, status: TaskStatus, ready: boolean, name: string | null, dateDone: string | null };

export type WorkflowTimesSubscriptionVariables = Exact<{
  rootId: string | number;
}>;


export type WorkflowTimesSubscription = { taskGraph: { ready: boolean, nodes: Array<{ id: string, task: { id: string, sentAt: string | null, receivedAt: string | null, startedAt: string | null, finishedAt: string | null } | null }> } };

export type WorkersQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkersQuery = { workers: Array<{ hostname: string, online: boolean, lastSeen: string, active: number | null, processed: number | null }> };

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
export const GraphTaskFragmentDoc = new TypedDocumentString(`
    fragment GraphTask on Task {
  id
  status
  ready
  name
  dateDone
}
    `, {"fragmentName":"GraphTask"}) as unknown as TypedDocumentString<GraphTaskFragment, unknown>;
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
  }
}
    `) as unknown as TypedDocumentString<TaskLiveSubscription, TaskLiveSubscriptionVariables>;
export const WorkflowGraphDocument = new TypedDocumentString(`
    subscription WorkflowGraph($rootId: ID!) {
  taskGraph(rootId: $rootId) {
    rootId
    ready
    truncated
    nodes {
      id
      kind
      depth
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
  id
  status
  ready
  name
  dateDone
}`) as unknown as TypedDocumentString<WorkflowGraphSubscription, WorkflowGraphSubscriptionVariables>;
export const WorkflowTimesDocument = new TypedDocumentString(`
    subscription WorkflowTimes($rootId: ID!) {
  taskGraph(rootId: $rootId) {
    ready
    nodes {
      id
      task {
        id
        sentAt
        receivedAt
        startedAt
        finishedAt
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
    active
    processed
  }
}
    `) as unknown as TypedDocumentString<WorkersQuery, WorkersQueryVariables>;