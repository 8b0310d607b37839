/** The operations of the task actions (revoke, terminate, re-send); typed by codegen like ../graphql/documents.ts. */
import { graphql } from '../graphql/generated/index.ts';

export const Viewer = graphql(`
  query Viewer { viewer { principal canControl } }
`);

export const RevokeTask = graphql(`
  mutation RevokeTask($id: ID!, $terminate: Boolean!) { revokeTask(id: $id, terminate: $terminate) { id } }
`);

export const ResendTask = graphql(`
  mutation ResendTask($id: ID!) { resendTask(id: $id) { id } }
`);

export const BulkCount = graphql(`
  query BulkCount($filter: TaskFilter) { searchTasks(filter: $filter, first: 0) { totalCount totalCountCapped } }
`);

export const RevokeMatching = graphql(`
  mutation RevokeMatching($filter: TaskFilter!, $dryRun: Boolean!) {
    revokeTasksMatching(filter: $filter, dryRun: $dryRun) { ...BulkProgress }
  }
`);

export const ResendMatching = graphql(`
  mutation ResendMatching($filter: TaskFilter!, $dryRun: Boolean!) {
    resendTasksMatching(filter: $filter, dryRun: $dryRun) { ...BulkProgress }
  }
`);

export const CancelBulk = graphql(`
  mutation CancelBulk($id: ID!) { cancelBulkAction(id: $id) { ...BulkProgress } }
`);

export const FollowBulk = graphql(`
  subscription FollowBulk($id: ID!) { bulkAction(id: $id) { ...BulkProgress } }
`);

export const BulkProgress = graphql(`
  fragment BulkProgress on BulkAction { id kind state matched done failed dryRun error }
`);

export const GrowPool = graphql(`
  mutation GrowPool($hostname: String!) { growPool(hostname: $hostname, n: 1) { ...WorkerAnswer } }
`);

export const ShrinkPool = graphql(`
  mutation ShrinkPool($hostname: String!) { shrinkPool(hostname: $hostname, n: 1) { ...WorkerAnswer } }
`);

export const AddConsumer = graphql(`
  mutation AddConsumer($hostname: String!, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { ...WorkerAnswer } }
`);

export const CancelConsumer = graphql(`
  mutation CancelConsumer($hostname: String!, $queue: String!) { cancelConsumer(hostname: $hostname, queue: $queue) { ...WorkerAnswer } }
`);

export const SetRateLimit = graphql(`
  mutation SetRateLimit($hostname: String!, $taskName: String!, $rateLimit: String!) {
    setRateLimit(hostname: $hostname, taskName: $taskName, rateLimit: $rateLimit) { ...WorkerAnswer }
  }
`);

export const RestartPool = graphql(`
  mutation RestartPool($hostname: String!) { restartPool(hostname: $hostname) { ...WorkerAnswer } }
`);

export const ShutdownWorker = graphql(`
  mutation ShutdownWorker($hostname: String!) { shutdownWorker(hostname: $hostname) { ...WorkerAnswer } }
`);

export const WorkerAnswer = graphql(`
  fragment WorkerAnswer on WorkerReply { hostname ok message }
`);
