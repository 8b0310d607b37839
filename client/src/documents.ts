/**
 * The operations the client sends, typed by codegen (`npm run codegen`) from
 * the server's schema.graphql into ./generated. Payload fields (results,
 * metas, error messages) are asked only with `payload: true`: a credential
 * without the `payload` scope still watches states.
 */
import { graphql } from './generated/index.ts';

export const LensTaskFields = graphql(`
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
`);

export const WatchTask = graphql(`
  subscription LensWatchTask($id: ID!, $untilReady: Boolean!, $payload: Boolean!, $after: String) {
    task(id: $id, untilReady: $untilReady, after: $after) {
      ...LensTaskFields
    }
  }
`);

export const WatchTasks = graphql(`
  subscription LensWatchTasks($ids: [ID!]!, $untilReady: Boolean!, $payload: Boolean!, $after: String) {
    tasks(ids: $ids, untilReady: $untilReady, after: $after) {
      ...LensTaskFields
    }
  }
`);

export const WatchGraph = graphql(`
  subscription LensWatchGraph($rootId: ID!, $maxDepth: Int!, $after: String) {
    taskGraph(rootId: $rootId, maxDepth: $maxDepth, after: $after) {
      rootId
      ready
      truncated
      nodes {
        id
        kind
        depth
        task { id state rawState status ready name dateDone }
        group { id size completed failed ready }
      }
      edges { from to kind }
    }
  }
`);
