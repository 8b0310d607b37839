/**
 * Every operation the page sends. Typed by codegen (`npm run codegen`) into
 * ./generated from the server's schema.graphql.
 */
import { graphql } from './generated/index.ts';

/** The task card: every field the card shows, live until the page leaves. */
export const TaskLive = graphql(`
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
      errorType: error { type module }
      errorDetail: error { message traceback }
      sentAt
      receivedAt
      startedAt
      dateDone
      finishedAt
      runtime
      expiresAt
      lastOutcome { state dateDone recordedAt errorType errorMessage name }
      parentId
      groupId
      root { id }
      resentFrom { id }
      resentAs { id }
    }
  }
`);

/**
 * The workflow below a root: nodes recoloured in place as their tasks change.
 * Only what the drawing needs, which comes with each task's result key: the
 * times (from celery-lens' history, a read more per task) come with
 * WorkflowTimes, so the graph is drawn without waiting for them. Ids are the
 * nodes' (a task's own id would repeat them).
 */
export const WorkflowGraph = graphql(`
  subscription WorkflowGraph($rootId: ID!) {
    taskGraph(rootId: $rootId) {
      ready
      truncated
      nodes {
        id
        kind
        task { ...GraphTask }
      }
      edges { from to kind }
    }
  }
`);

/** What the server completes a workflow's stream on: every task in it ready. */
export const graphReady = (data: { readonly taskGraph: { readonly ready: boolean } }): boolean => data.taskGraph.ready;

/** Per task, what its node shows: each field more is resolved 1,000 times on a big graph's first event. */
export const GraphTaskFields = graphql(`
  fragment GraphTask on Task { status name }
`);

/** The same workflow's event times, for the timeline (the server walks the graph once for both). */
export const WorkflowTimes = graphql(`
  subscription WorkflowTimes($rootId: ID!) {
    taskGraph(rootId: $rootId) {
      ready
      nodes {
        id
        task { sentAt receivedAt startedAt finishedAt dateDone }
      }
    }
  }
`);

export const Workers = graphql(`
  query Workers {
    workers { hostname online lastSeen lastHeartbeat heartbeatIntervalSeconds active processed loadAverage software }
  }
`);

/** Broker queue lengths, priority sub-queues summed. */
export const Queues = graphql(`
  query Queues {
    queues {
      name
      length
      byPriority { priority length }
      oldestAgeSeconds
      oldestTaskId
      wrongTypeKeys
    }
  }
`);

/** One page of the Tasks view: tasks of the index matching the filter (paged by endCursor: no cursor per edge to sign). */
export const SearchTasks = graphql(`
  query SearchTasks($filter: TaskFilter, $first: Int, $after: String, $order: TaskOrder) {
    searchTasks(filter: $filter, first: $first, after: $after, order: $order) {
      totalCount
      totalCountCapped
      pageInfo { hasNextPage endCursor }
      edges {
        node { ...TaskRow }
      }
    }
  }
`);

/** A row: lastHeardAt is the time the list is sorted by (a PROGRESS update moves it). */
export const TaskRowFields = graphql(`
  fragment TaskRow on Task { id status name worker queue retries lastHeardAt runtime }
`);

/** The Tasks view's first page, live: every change of a task matching the filter, as its row. */
export const TaskRowEvents = graphql(`
  subscription TaskRowEvents($filter: TaskFilter) {
    taskEvents(filter: $filter) { ...TaskRow }
  }
`);

/** A new failure (or a failure's change): the Failures view asks its first page again. */
export const FailureEvents = graphql(`
  subscription FailureEvents($filter: TaskFilter) {
    taskEvents(filter: $filter) { id }
  }
`);

/** The kwargs keys this caller may filter on; null (FORBIDDEN) without the payload scope. */
export const IndexedKwargs = graphql(`
  query IndexedKwargs { viewer { indexedKwargs } }
`);

/** One page of the Failures view: failed tasks grouped by name and exception type. */
export const Failures = graphql(`
  query Failures($since: DateTime, $until: DateTime, $first: Int, $after: String) {
    failures(since: $since, until: $until, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node { name exceptionType count firstSeen lastSeen example { id status } }
      }
    }
  }
`);

/** The charts (components/stats-charts.tsx): taskStats' buckets over a window, of one task name or all. */
export const StatsCharts = graphql(`
  query StatsCharts($since: DateTime!, $until: DateTime!, $interval: TaskStatsInterval!, $key: String) {
    taskStats(since: $since, until: $until, by: NAME, key: $key, interval: $interval) {
      interval
      buckets {
        start
        succeeded
        failed
        retried
        revoked
        runtime { p50 p95 p99 }
        wait { p50 p95 p99 }
        queueLength
      }
    }
  }
`);

/** The Alerts view: each rule's state (asked again when a transition is heard, and every few seconds). */
export const AlertRulesView = graphql(`
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
`);

/** The Alerts view's history of transitions, newest first, page by page. */
export const AlertHistory = graphql(`
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
`);

/** Each transition as it is recorded, by whichever replica: the Alerts view's first page follows it. */
export const AlertTransitions = graphql(`
  subscription AlertTransitions {
    alerts {
      id
      rule
      state
    }
  }
`);

/** A worker's page: what its events say, what it answers when asked (inspect), and its finished tasks counted by the index. */
export const WorkerPage = graphql(`
  query WorkerPage($hostname: String!, $succeeded: TaskFilter!, $failed: TaskFilter!) {
    worker(hostname: $hostname) {
      hostname online lastSeen lastHeartbeat heartbeatIntervalSeconds active processed loadAverage software
      inspectedAt
      pool { implementation maxConcurrency processes }
      queues
      registered
      activeTasks { id name startedAt }
      reservedTasks { id name }
      scheduledTasks { id name }
    }
    succeeded: searchTasks(filter: $succeeded, first: 0) { totalCount totalCountCapped }
    failed: searchTasks(filter: $failed, first: 0) { totalCount totalCountCapped }
  }
`);
