/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Viewer { viewer { principal canControl } }\n": typeof types.ViewerDocument,
    "\n  mutation RevokeTask($id: ID!, $terminate: Boolean!) { revokeTask(id: $id, terminate: $terminate) { id } }\n": typeof types.RevokeTaskDocument,
    "\n  mutation ResendTask($id: ID!) { resendTask(id: $id) { id } }\n": typeof types.ResendTaskDocument,
    "\n  query BulkCount($filter: TaskFilter) { searchTasks(filter: $filter, first: 0) { totalCount totalCountCapped } }\n": typeof types.BulkCountDocument,
    "\n  mutation RevokeMatching($filter: TaskFilter!, $dryRun: Boolean!) {\n    revokeTasksMatching(filter: $filter, dryRun: $dryRun) { ...BulkProgress }\n  }\n": typeof types.RevokeMatchingDocument,
    "\n  mutation ResendMatching($filter: TaskFilter!, $dryRun: Boolean!) {\n    resendTasksMatching(filter: $filter, dryRun: $dryRun) { ...BulkProgress }\n  }\n": typeof types.ResendMatchingDocument,
    "\n  mutation CancelBulk($id: ID!) { cancelBulkAction(id: $id) { ...BulkProgress } }\n": typeof types.CancelBulkDocument,
    "\n  subscription FollowBulk($id: ID!) { bulkAction(id: $id) { ...BulkProgress } }\n": typeof types.FollowBulkDocument,
    "\n  fragment BulkProgress on BulkAction { id kind state matched done failed dryRun error }\n": typeof types.BulkProgressFragmentDoc,
    "\n  mutation GrowPool($hostname: String!) { growPool(hostname: $hostname, n: 1) { ...WorkerAnswer } }\n": typeof types.GrowPoolDocument,
    "\n  mutation ShrinkPool($hostname: String!) { shrinkPool(hostname: $hostname, n: 1) { ...WorkerAnswer } }\n": typeof types.ShrinkPoolDocument,
    "\n  mutation AddConsumer($hostname: String!, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { ...WorkerAnswer } }\n": typeof types.AddConsumerDocument,
    "\n  mutation CancelConsumer($hostname: String!, $queue: String!) { cancelConsumer(hostname: $hostname, queue: $queue) { ...WorkerAnswer } }\n": typeof types.CancelConsumerDocument,
    "\n  mutation SetRateLimit($hostname: String!, $taskName: String!, $rateLimit: String!) {\n    setRateLimit(hostname: $hostname, taskName: $taskName, rateLimit: $rateLimit) { ...WorkerAnswer }\n  }\n": typeof types.SetRateLimitDocument,
    "\n  mutation RestartPool($hostname: String!) { restartPool(hostname: $hostname) { ...WorkerAnswer } }\n": typeof types.RestartPoolDocument,
    "\n  mutation ShutdownWorker($hostname: String!) { shutdownWorker(hostname: $hostname) { ...WorkerAnswer } }\n": typeof types.ShutdownWorkerDocument,
    "\n  fragment WorkerAnswer on WorkerReply { hostname ok message }\n": typeof types.WorkerAnswerFragmentDoc,
    "\n  subscription TaskLive($id: ID!) {\n    task(id: $id, untilReady: false) {\n      id\n      status\n      statusReason\n      state\n      rawState\n      exists\n      ready\n      name\n      args\n      kwargs\n      worker\n      queue\n      retries\n      meta\n      result\n      errorType: error { type module }\n      errorDetail: error { message traceback }\n      sentAt\n      receivedAt\n      startedAt\n      dateDone\n      finishedAt\n      runtime\n      expiresAt\n      lastOutcome { state dateDone recordedAt errorType errorMessage name }\n      parentId\n      groupId\n      root { id }\n      resentFrom { id }\n      resentAs { id }\n    }\n  }\n": typeof types.TaskLiveDocument,
    "\n  subscription WorkflowGraph($rootId: ID!) {\n    taskGraph(rootId: $rootId) {\n      ready\n      truncated\n      nodes {\n        id\n        kind\n        task { ...GraphTask }\n      }\n      edges { from to kind }\n    }\n  }\n": typeof types.WorkflowGraphDocument,
    "\n  fragment GraphTask on Task { status name }\n": typeof types.GraphTaskFragmentDoc,
    "\n  subscription WorkflowTimes($rootId: ID!) {\n    taskGraph(rootId: $rootId) {\n      ready\n      nodes {\n        id\n        task { sentAt receivedAt startedAt finishedAt dateDone }\n      }\n    }\n  }\n": typeof types.WorkflowTimesDocument,
    "\n  query Workers {\n    workers { hostname online lastSeen lastHeartbeat heartbeatIntervalSeconds active processed loadAverage software }\n  }\n": typeof types.WorkersDocument,
    "\n  query Queues {\n    queues {\n      name\n      length\n      byPriority { priority length }\n      oldestAgeSeconds\n      oldestTaskId\n      wrongTypeKeys\n    }\n  }\n": typeof types.QueuesDocument,
    "\n  query SearchTasks($filter: TaskFilter, $first: Int, $after: String, $order: TaskOrder) {\n    searchTasks(filter: $filter, first: $first, after: $after, order: $order) {\n      totalCount\n      totalCountCapped\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { ...TaskRow }\n      }\n    }\n  }\n": typeof types.SearchTasksDocument,
    "\n  fragment TaskRow on Task { id status name worker queue retries lastHeardAt runtime }\n": typeof types.TaskRowFragmentDoc,
    "\n  subscription TaskRowEvents($filter: TaskFilter) {\n    taskEvents(filter: $filter) { ...TaskRow }\n  }\n": typeof types.TaskRowEventsDocument,
    "\n  subscription FailureEvents($filter: TaskFilter) {\n    taskEvents(filter: $filter) { id }\n  }\n": typeof types.FailureEventsDocument,
    "\n  query IndexedKwargs { viewer { indexedKwargs } }\n": typeof types.IndexedKwargsDocument,
    "\n  query Failures($since: DateTime, $until: DateTime, $first: Int, $after: String) {\n    failures(since: $since, until: $until, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { name exceptionType count firstSeen lastSeen example { id status } }\n      }\n    }\n  }\n": typeof types.FailuresDocument,
    "\n  query StatsCharts($since: DateTime!, $until: DateTime!, $interval: TaskStatsInterval!, $key: String) {\n    taskStats(since: $since, until: $until, by: NAME, key: $key, interval: $interval) {\n      interval\n      buckets {\n        start\n        succeeded\n        failed\n        retried\n        revoked\n        runtime { p50 p95 p99 }\n        wait { p50 p95 p99 }\n        queueLength\n      }\n    }\n  }\n": typeof types.StatsChartsDocument,
    "\n  query AlertRulesView {\n    alertRules {\n      name\n      kind\n      state\n      value\n      threshold\n      since\n    }\n  }\n": typeof types.AlertRulesViewDocument,
    "\n  query AlertHistory($first: Int!, $after: String) {\n    alerts(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          rule\n          kind\n          state\n          at\n          value\n          threshold\n          startedAt\n        }\n      }\n    }\n  }\n": typeof types.AlertHistoryDocument,
    "\n  subscription AlertTransitions {\n    alerts {\n      id\n      rule\n      state\n    }\n  }\n": typeof types.AlertTransitionsDocument,
    "\n  query WorkerPage($hostname: String!, $succeeded: TaskFilter!, $failed: TaskFilter!) {\n    worker(hostname: $hostname) {\n      hostname online lastSeen lastHeartbeat heartbeatIntervalSeconds active processed loadAverage software\n      inspectedAt\n      pool { implementation maxConcurrency processes }\n      queues\n      registered\n      activeTasks { id name startedAt }\n      reservedTasks { id name }\n      scheduledTasks { id name }\n    }\n    succeeded: searchTasks(filter: $succeeded, first: 0) { totalCount totalCountCapped }\n    failed: searchTasks(filter: $failed, first: 0) { totalCount totalCountCapped }\n  }\n": typeof types.WorkerPageDocument,
};
const documents: Documents = {
    "\n  query Viewer { viewer { principal canControl } }\n": types.ViewerDocument,
    "\n  mutation RevokeTask($id: ID!, $terminate: Boolean!) { revokeTask(id: $id, terminate: $terminate) { id } }\n": types.RevokeTaskDocument,
    "\n  mutation ResendTask($id: ID!) { resendTask(id: $id) { id } }\n": types.ResendTaskDocument,
    "\n  query BulkCount($filter: TaskFilter) { searchTasks(filter: $filter, first: 0) { totalCount totalCountCapped } }\n": types.BulkCountDocument,
    "\n  mutation RevokeMatching($filter: TaskFilter!, $dryRun: Boolean!) {\n    revokeTasksMatching(filter: $filter, dryRun: $dryRun) { ...BulkProgress }\n  }\n": types.RevokeMatchingDocument,
    "\n  mutation ResendMatching($filter: TaskFilter!, $dryRun: Boolean!) {\n    resendTasksMatching(filter: $filter, dryRun: $dryRun) { ...BulkProgress }\n  }\n": types.ResendMatchingDocument,
    "\n  mutation CancelBulk($id: ID!) { cancelBulkAction(id: $id) { ...BulkProgress } }\n": types.CancelBulkDocument,
    "\n  subscription FollowBulk($id: ID!) { bulkAction(id: $id) { ...BulkProgress } }\n": types.FollowBulkDocument,
    "\n  fragment BulkProgress on BulkAction { id kind state matched done failed dryRun error }\n": types.BulkProgressFragmentDoc,
    "\n  mutation GrowPool($hostname: String!) { growPool(hostname: $hostname, n: 1) { ...WorkerAnswer } }\n": types.GrowPoolDocument,
    "\n  mutation ShrinkPool($hostname: String!) { shrinkPool(hostname: $hostname, n: 1) { ...WorkerAnswer } }\n": types.ShrinkPoolDocument,
    "\n  mutation AddConsumer($hostname: String!, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { ...WorkerAnswer } }\n": types.AddConsumerDocument,
    "\n  mutation CancelConsumer($hostname: String!, $queue: String!) { cancelConsumer(hostname: $hostname, queue: $queue) { ...WorkerAnswer } }\n": types.CancelConsumerDocument,
    "\n  mutation SetRateLimit($hostname: String!, $taskName: String!, $rateLimit: String!) {\n    setRateLimit(hostname: $hostname, taskName: $taskName, rateLimit: $rateLimit) { ...WorkerAnswer }\n  }\n": types.SetRateLimitDocument,
    "\n  mutation RestartPool($hostname: String!) { restartPool(hostname: $hostname) { ...WorkerAnswer } }\n": types.RestartPoolDocument,
    "\n  mutation ShutdownWorker($hostname: String!) { shutdownWorker(hostname: $hostname) { ...WorkerAnswer } }\n": types.ShutdownWorkerDocument,
    "\n  fragment WorkerAnswer on WorkerReply { hostname ok message }\n": types.WorkerAnswerFragmentDoc,
    "\n  subscription TaskLive($id: ID!) {\n    task(id: $id, untilReady: false) {\n      id\n      status\n      statusReason\n      state\n      rawState\n      exists\n      ready\n      name\n      args\n      kwargs\n      worker\n      queue\n      retries\n      meta\n      result\n      errorType: error { type module }\n      errorDetail: error { message traceback }\n      sentAt\n      receivedAt\n      startedAt\n      dateDone\n      finishedAt\n      runtime\n      expiresAt\n      lastOutcome { state dateDone recordedAt errorType errorMessage name }\n      parentId\n      groupId\n      root { id }\n      resentFrom { id }\n      resentAs { id }\n    }\n  }\n": types.TaskLiveDocument,
    "\n  subscription WorkflowGraph($rootId: ID!) {\n    taskGraph(rootId: $rootId) {\n      ready\n      truncated\n      nodes {\n        id\n        kind\n        task { ...GraphTask }\n      }\n      edges { from to kind }\n    }\n  }\n": types.WorkflowGraphDocument,
    "\n  fragment GraphTask on Task { status name }\n": types.GraphTaskFragmentDoc,
    "\n  subscription WorkflowTimes($rootId: ID!) {\n    taskGraph(rootId: $rootId) {\n      ready\n      nodes {\n        id\n        task { sentAt receivedAt startedAt finishedAt dateDone }\n      }\n    }\n  }\n": types.WorkflowTimesDocument,
    "\n  query Workers {\n    workers { hostname online lastSeen lastHeartbeat heartbeatIntervalSeconds active processed loadAverage software }\n  }\n": types.WorkersDocument,
    "\n  query Queues {\n    queues {\n      name\n      length\n      byPriority { priority length }\n      oldestAgeSeconds\n      oldestTaskId\n      wrongTypeKeys\n    }\n  }\n": types.QueuesDocument,
    "\n  query SearchTasks($filter: TaskFilter, $first: Int, $after: String, $order: TaskOrder) {\n    searchTasks(filter: $filter, first: $first, after: $after, order: $order) {\n      totalCount\n      totalCountCapped\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { ...TaskRow }\n      }\n    }\n  }\n": types.SearchTasksDocument,
    "\n  fragment TaskRow on Task { id status name worker queue retries lastHeardAt runtime }\n": types.TaskRowFragmentDoc,
    "\n  subscription TaskRowEvents($filter: TaskFilter) {\n    taskEvents(filter: $filter) { ...TaskRow }\n  }\n": types.TaskRowEventsDocument,
    "\n  subscription FailureEvents($filter: TaskFilter) {\n    taskEvents(filter: $filter) { id }\n  }\n": types.FailureEventsDocument,
    "\n  query IndexedKwargs { viewer { indexedKwargs } }\n": types.IndexedKwargsDocument,
    "\n  query Failures($since: DateTime, $until: DateTime, $first: Int, $after: String) {\n    failures(since: $since, until: $until, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { name exceptionType count firstSeen lastSeen example { id status } }\n      }\n    }\n  }\n": types.FailuresDocument,
    "\n  query StatsCharts($since: DateTime!, $until: DateTime!, $interval: TaskStatsInterval!, $key: String) {\n    taskStats(since: $since, until: $until, by: NAME, key: $key, interval: $interval) {\n      interval\n      buckets {\n        start\n        succeeded\n        failed\n        retried\n        revoked\n        runtime { p50 p95 p99 }\n        wait { p50 p95 p99 }\n        queueLength\n      }\n    }\n  }\n": types.StatsChartsDocument,
    "\n  query AlertRulesView {\n    alertRules {\n      name\n      kind\n      state\n      value\n      threshold\n      since\n    }\n  }\n": types.AlertRulesViewDocument,
    "\n  query AlertHistory($first: Int!, $after: String) {\n    alerts(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          rule\n          kind\n          state\n          at\n          value\n          threshold\n          startedAt\n        }\n      }\n    }\n  }\n": types.AlertHistoryDocument,
    "\n  subscription AlertTransitions {\n    alerts {\n      id\n      rule\n      state\n    }\n  }\n": types.AlertTransitionsDocument,
    "\n  query WorkerPage($hostname: String!, $succeeded: TaskFilter!, $failed: TaskFilter!) {\n    worker(hostname: $hostname) {\n      hostname online lastSeen lastHeartbeat heartbeatIntervalSeconds active processed loadAverage software\n      inspectedAt\n      pool { implementation maxConcurrency processes }\n      queues\n      registered\n      activeTasks { id name startedAt }\n      reservedTasks { id name }\n      scheduledTasks { id name }\n    }\n    succeeded: searchTasks(filter: $succeeded, first: 0) { totalCount totalCountCapped }\n    failed: searchTasks(filter: $failed, first: 0) { totalCount totalCountCapped }\n  }\n": types.WorkerPageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer { viewer { principal canControl } }\n"): typeof import('./graphql.js').ViewerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeTask($id: ID!, $terminate: Boolean!) { revokeTask(id: $id, terminate: $terminate) { id } }\n"): typeof import('./graphql.js').RevokeTaskDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResendTask($id: ID!) { resendTask(id: $id) { id } }\n"): typeof import('./graphql.js').ResendTaskDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BulkCount($filter: TaskFilter) { searchTasks(filter: $filter, first: 0) { totalCount totalCountCapped } }\n"): typeof import('./graphql.js').BulkCountDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeMatching($filter: TaskFilter!, $dryRun: Boolean!) {\n    revokeTasksMatching(filter: $filter, dryRun: $dryRun) { ...BulkProgress }\n  }\n"): typeof import('./graphql.js').RevokeMatchingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResendMatching($filter: TaskFilter!, $dryRun: Boolean!) {\n    resendTasksMatching(filter: $filter, dryRun: $dryRun) { ...BulkProgress }\n  }\n"): typeof import('./graphql.js').ResendMatchingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelBulk($id: ID!) { cancelBulkAction(id: $id) { ...BulkProgress } }\n"): typeof import('./graphql.js').CancelBulkDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FollowBulk($id: ID!) { bulkAction(id: $id) { ...BulkProgress } }\n"): typeof import('./graphql.js').FollowBulkDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BulkProgress on BulkAction { id kind state matched done failed dryRun error }\n"): typeof import('./graphql.js').BulkProgressFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GrowPool($hostname: String!) { growPool(hostname: $hostname, n: 1) { ...WorkerAnswer } }\n"): typeof import('./graphql.js').GrowPoolDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShrinkPool($hostname: String!) { shrinkPool(hostname: $hostname, n: 1) { ...WorkerAnswer } }\n"): typeof import('./graphql.js').ShrinkPoolDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddConsumer($hostname: String!, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { ...WorkerAnswer } }\n"): typeof import('./graphql.js').AddConsumerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelConsumer($hostname: String!, $queue: String!) { cancelConsumer(hostname: $hostname, queue: $queue) { ...WorkerAnswer } }\n"): typeof import('./graphql.js').CancelConsumerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetRateLimit($hostname: String!, $taskName: String!, $rateLimit: String!) {\n    setRateLimit(hostname: $hostname, taskName: $taskName, rateLimit: $rateLimit) { ...WorkerAnswer }\n  }\n"): typeof import('./graphql.js').SetRateLimitDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RestartPool($hostname: String!) { restartPool(hostname: $hostname) { ...WorkerAnswer } }\n"): typeof import('./graphql.js').RestartPoolDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShutdownWorker($hostname: String!) { shutdownWorker(hostname: $hostname) { ...WorkerAnswer } }\n"): typeof import('./graphql.js').ShutdownWorkerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WorkerAnswer on WorkerReply { hostname ok message }\n"): typeof import('./graphql.js').WorkerAnswerFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TaskLive($id: ID!) {\n    task(id: $id, untilReady: false) {\n      id\n      status\n      statusReason\n      state\n      rawState\n      exists\n      ready\n      name\n      args\n      kwargs\n      worker\n      queue\n      retries\n      meta\n      result\n      errorType: error { type module }\n      errorDetail: error { message traceback }\n      sentAt\n      receivedAt\n      startedAt\n      dateDone\n      finishedAt\n      runtime\n      expiresAt\n      lastOutcome { state dateDone recordedAt errorType errorMessage name }\n      parentId\n      groupId\n      root { id }\n      resentFrom { id }\n      resentAs { id }\n    }\n  }\n"): typeof import('./graphql.js').TaskLiveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WorkflowGraph($rootId: ID!) {\n    taskGraph(rootId: $rootId) {\n      ready\n      truncated\n      nodes {\n        id\n        kind\n        task { ...GraphTask }\n      }\n      edges { from to kind }\n    }\n  }\n"): typeof import('./graphql.js').WorkflowGraphDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment GraphTask on Task { status name }\n"): typeof import('./graphql.js').GraphTaskFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WorkflowTimes($rootId: ID!) {\n    taskGraph(rootId: $rootId) {\n      ready\n      nodes {\n        id\n        task { sentAt receivedAt startedAt finishedAt dateDone }\n      }\n    }\n  }\n"): typeof import('./graphql.js').WorkflowTimesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Workers {\n    workers { hostname online lastSeen lastHeartbeat heartbeatIntervalSeconds active processed loadAverage software }\n  }\n"): typeof import('./graphql.js').WorkersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Queues {\n    queues {\n      name\n      length\n      byPriority { priority length }\n      oldestAgeSeconds\n      oldestTaskId\n      wrongTypeKeys\n    }\n  }\n"): typeof import('./graphql.js').QueuesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchTasks($filter: TaskFilter, $first: Int, $after: String, $order: TaskOrder) {\n    searchTasks(filter: $filter, first: $first, after: $after, order: $order) {\n      totalCount\n      totalCountCapped\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { ...TaskRow }\n      }\n    }\n  }\n"): typeof import('./graphql.js').SearchTasksDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskRow on Task { id status name worker queue retries lastHeardAt runtime }\n"): typeof import('./graphql.js').TaskRowFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TaskRowEvents($filter: TaskFilter) {\n    taskEvents(filter: $filter) { ...TaskRow }\n  }\n"): typeof import('./graphql.js').TaskRowEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FailureEvents($filter: TaskFilter) {\n    taskEvents(filter: $filter) { id }\n  }\n"): typeof import('./graphql.js').FailureEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IndexedKwargs { viewer { indexedKwargs } }\n"): typeof import('./graphql.js').IndexedKwargsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Failures($since: DateTime, $until: DateTime, $first: Int, $after: String) {\n    failures(since: $since, until: $until, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { name exceptionType count firstSeen lastSeen example { id status } }\n      }\n    }\n  }\n"): typeof import('./graphql.js').FailuresDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StatsCharts($since: DateTime!, $until: DateTime!, $interval: TaskStatsInterval!, $key: String) {\n    taskStats(since: $since, until: $until, by: NAME, key: $key, interval: $interval) {\n      interval\n      buckets {\n        start\n        succeeded\n        failed\n        retried\n        revoked\n        runtime { p50 p95 p99 }\n        wait { p50 p95 p99 }\n        queueLength\n      }\n    }\n  }\n"): typeof import('./graphql.js').StatsChartsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertRulesView {\n    alertRules {\n      name\n      kind\n      state\n      value\n      threshold\n      since\n    }\n  }\n"): typeof import('./graphql.js').AlertRulesViewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertHistory($first: Int!, $after: String) {\n    alerts(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          rule\n          kind\n          state\n          at\n          value\n          threshold\n          startedAt\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').AlertHistoryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AlertTransitions {\n    alerts {\n      id\n      rule\n      state\n    }\n  }\n"): typeof import('./graphql.js').AlertTransitionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkerPage($hostname: String!, $succeeded: TaskFilter!, $failed: TaskFilter!) {\n    worker(hostname: $hostname) {\n      hostname online lastSeen lastHeartbeat heartbeatIntervalSeconds active processed loadAverage software\n      inspectedAt\n      pool { implementation maxConcurrency processes }\n      queues\n      registered\n      activeTasks { id name startedAt }\n      reservedTasks { id name }\n      scheduledTasks { id name }\n    }\n    succeeded: searchTasks(filter: $succeeded, first: 0) { totalCount totalCountCapped }\n    failed: searchTasks(filter: $failed, first: 0) { totalCount totalCountCapped }\n  }\n"): typeof import('./graphql.js').WorkerPageDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
