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
    }
  }
`);

/**
 * The workflow below a root: nodes recoloured in place as their tasks change.
 * Only what the drawing needs, which comes with each task's result key: the
 * times (from celery-lens' history, a read more per task) come with
 * WorkflowTimes, so the graph is drawn without waiting for them.
 */
export const WorkflowGraph = graphql(`
  subscription WorkflowGraph($rootId: ID!) {
    taskGraph(rootId: $rootId) {
      rootId
      ready
      truncated
      nodes {
        id
        kind
        depth
        task { ...GraphTask }
      }
      edges { from to kind }
    }
  }
`);

export const GraphTaskFields = graphql(`
  fragment GraphTask on Task { id status ready name dateDone }
`);

/** The same workflow's event times, for the timeline (the server walks the graph once for both). */
export const WorkflowTimes = graphql(`
  subscription WorkflowTimes($rootId: ID!) {
    taskGraph(rootId: $rootId) {
      ready
      nodes {
        id
        task { id sentAt receivedAt startedAt finishedAt }
      }
    }
  }
`);

export const Workers = graphql(`
  query Workers {
    workers { hostname online lastSeen active processed }
  }
`);
