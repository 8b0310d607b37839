/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

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
    "\n  mutation SendForBulkPage($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n": typeof types.SendForBulkPageDocument,
    "\n  query BulkPageStates($ids: [ID!]!) { tasks(ids: $ids) { id status resentAs { id } } }\n": typeof types.BulkPageStatesDocument,
    "\n  mutation SendForPage($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n": typeof types.SendForPageDocument,
    "\n  query ResentFrom($id: ID!) { task(id: $id) { resentFrom { id } } }\n": typeof types.ResentFromDocument,
    "\n  mutation BulkSend($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n": typeof types.BulkSendDocument,
    "\n  mutation BulkRevokeMatching($filter: TaskFilter!, $dryRun: Boolean! = false, $max: Int) {\n    revokeTasksMatching(filter: $filter, dryRun: $dryRun, max: $max) { id kind state matched done failed dryRun startedAt finishedAt filter }\n  }\n": typeof types.BulkRevokeMatchingDocument,
    "\n  mutation BulkResendMatching($filter: TaskFilter!) {\n    resendTasksMatching(filter: $filter) { id kind state matched done failed }\n  }\n": typeof types.BulkResendMatchingDocument,
    "\n  query BulkLook($id: ID!) { bulkAction(id: $id) { id state matched done failed finishedAt error } }\n": typeof types.BulkLookDocument,
    "\n  query BulkCount($filter: TaskFilter) { searchTasks(filter: $filter, first: 0) { totalCount } }\n": typeof types.BulkCountDocument,
    "\n  mutation BulkRevokeOne($id: ID!) { revokeTask(id: $id, terminate: true, signal: \"SIGKILL\") { id } }\n": typeof types.BulkRevokeOneDocument,
    "\n  query BulkTasks($ids: [ID!]!) { tasks(ids: $ids) { id state timeline { type } resentAs { id } resentFrom { id } } }\n": typeof types.BulkTasksDocument,
    "\n  query AclEverything($id: ID!, $parent: ID!, $goal: ID!) {\n    task(id: $id) { state status result timeline { type } lastOutcome { state } parent { id } children { id } group { id tasks { id } } }\n    taskGraph(rootId: $parent) { nodes { id } }\n    goal(key: $goal) { status currentTask { id } }\n    backend { up }\n    queues { name length byPriority { priority length } }\n  }\n": typeof types.AclEverythingDocument,
    "\n  mutation AclGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n": typeof types.AclGoalDocument,
    "\n  subscription AclCompleted($id: ID!) { taskCompleted(id: $id) { state } }\n": typeof types.AclCompletedDocument,
    "\n  query AclAlerts { alertRules { name state } alerts(first: 5) { edges { node { state } } } }\n": typeof types.AclAlertsDocument,
    "\n  query KindRules {\n    alertRules { name kind state value threshold }\n  }\n": typeof types.KindRulesDocument,
    "\n  subscription FollowAlerts {\n    alerts { id rule kind state value threshold }\n  }\n": typeof types.FollowAlertsDocument,
    "\n  query AlertRules {\n    alertRules { name kind state value threshold since }\n  }\n": typeof types.AlertRulesDocument,
    "\n  query AlertLog($first: Int, $after: String) {\n    alerts(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id rule kind state at value threshold startedAt } }\n    }\n  }\n": typeof types.AlertLogDocument,
    "\n  query AwaitOne($id: ID!, $timeoutSeconds: Int!) {\n    awaitTask(id: $id, timeoutSeconds: $timeoutSeconds) { timedOut waitedMs task { id state result } }\n  }\n": typeof types.AwaitOneDocument,
    "\n  query AwaitMany($ids: [ID!]!, $timeoutSeconds: Int!, $mode: AwaitMode) {\n    awaitTasks(ids: $ids, timeoutSeconds: $timeoutSeconds, mode: $mode) { timedOut waitedMs tasks { id state } }\n  }\n": typeof types.AwaitManyDocument,
    "\n  subscription CompletedWithin($id: ID!, $timeoutSeconds: Int) {\n    taskCompleted(id: $id, timeoutSeconds: $timeoutSeconds) { id state rawState }\n  }\n": typeof types.CompletedWithinDocument,
    "\n  query Celery57Task($id: ID!) { task(id: $id) { state status statusReason timeline { type } } }\n": typeof types.Celery57TaskDocument,
    "\n  query Celery57Chord($id: ID!) { group(id: $id) { size completed membersKnown } }\n": typeof types.Celery57ChordDocument,
    "\n  subscription CohortWatch($id: ID!) {\n    task(id: $id, untilReady: false) { id rawState meta }\n  }\n": typeof types.CohortWatchDocument,
    "\n  subscription CohortWatchIncluded($id: ID!) {\n    watched: task(id: $id, untilReady: false) @include(if: true) { id rawState }\n  }\n": typeof types.CohortWatchIncludedDocument,
    "\n  subscription CohortResume($id: ID!, $after: String) {\n    task(id: $id, untilReady: false, after: $after) { id rawState }\n  }\n": typeof types.CohortResumeDocument,
    "\n  mutation OnceSend($name: String!, $args: JSON, $kwargs: JSON, $queue: String, $countdown: Int, $id: ID) {\n    sendTask(name: $name, args: $args, kwargs: $kwargs, queue: $queue, countdown: $countdown, id: $id) { id }\n  }\n": typeof types.OnceSendDocument,
    "\n  mutation OnceResend($id: ID!, $queue: String) { resendTask(id: $id, queue: $queue) { id } }\n": typeof types.OnceResendDocument,
    "\n  query OnceStatus($id: ID!) { task(id: $id) { status } }\n": typeof types.OnceStatusDocument,
    "\n  subscription DecodedWatch($id: ID!) {\n    task(id: $id, untilReady: false) { id rawState }\n  }\n": typeof types.DecodedWatchDocument,
    "\n  mutation KeysCreate($key: ID!, $metadata: JSON) { createGoal(key: $key, metadata: $metadata) { key status metadata attempts { id } } }\n": typeof types.KeysCreateDocument,
    "\n  mutation KeysAttach($key: ID!, $taskId: ID!) { attachTask(key: $key, taskId: $taskId) { key attempts { id } } }\n": typeof types.KeysAttachDocument,
    "\n  mutation KeysUpdate($key: ID!) { updateGoalStatus(key: $key, status: FAILED) { key status } }\n": typeof types.KeysUpdateDocument,
    "\n  query KeysRead($key: ID!) { goal(key: $key) { key status metadata attempts { id } createdAt updatedAt } }\n": typeof types.KeysReadDocument,
    "\n  mutation Create($key: ID!, $metadata: JSON) {\n    createGoal(key: $key, metadata: $metadata) { key status metadata attempts { id } currentTask { id } createdAt updatedAt }\n  }\n": typeof types.CreateDocument,
    "\n  mutation Update($key: ID!, $status: GoalStatus!, $metadata: JSON) {\n    updateGoalStatus(key: $key, status: $status, metadata: $metadata) { key status metadata }\n  }\n": typeof types.UpdateDocument,
    "\n  mutation Attach($key: ID!, $taskId: ID!) {\n    attachTask(key: $key, taskId: $taskId) { key attempts { id } currentTask { id state } }\n  }\n": typeof types.AttachDocument,
    "\n  query ReadGoal($key: ID!) {\n    goal(key: $key) { key status metadata attempts { id status } currentTask { id state } }\n  }\n": typeof types.ReadGoalDocument,
    "\n  subscription WatchGoal($key: ID!) {\n    goal(key: $key) { status currentTask { id state } }\n  }\n": typeof types.WatchGoalDocument,
    "\n  query PagedAttempts($key: ID!, $offset: Int, $limit: Int) {\n    goal(key: $key) { status attempts(offset: $offset, limit: $limit) { id } currentTask { id } }\n  }\n": typeof types.PagedAttemptsDocument,
    "\n  subscription BigGraph($rootId: ID!) {\n    taskGraph(rootId: $rootId) { ready nodes { id task { state } } }\n  }\n": typeof types.BigGraphDocument,
    "\n  query Graph($rootId: ID!, $maxDepth: Int! = 10) {\n    taskGraph(rootId: $rootId, maxDepth: $maxDepth) {\n      rootId truncated ready\n      nodes { id kind depth task { state exists } group { id size } }\n      edges { from to kind }\n    }\n  }\n": typeof types.GraphDocument,
    "\n  query Links($id: ID!) {\n    task(id: $id) {\n      id\n      parent { id }\n      root { id }\n      children { id state }\n      group { id saved membersKnown size completed failed ready successful tasks { id } }\n      chordHeader { id }\n    }\n  }\n": typeof types.LinksDocument,
    "\n  query SavedGroup($id: ID!) {\n    group(id: $id) { id saved membersKnown size completed failed ready successful tasks { id state } }\n  }\n": typeof types.SavedGroupDocument,
    "\n  query Header($id: ID!) {\n    group(id: $id) { membersKnown tasks { id } chordCallback { id } }\n  }\n": typeof types.HeaderDocument,
    "\n  subscription GraphUpdates($rootId: ID!) {\n    taskGraph(rootId: $rootId) { ready nodes { id task { state } } edges { from to kind } }\n  }\n": typeof types.GraphUpdatesDocument,
    "\n  query HealState($name: String!) {\n    taskStats(by: NAME) { groups { key total byStatus { status count } } }\n    searchTasks(filter: { name: $name }, first: 500) { edges { node { id status } } }\n  }\n": typeof types.HealStateDocument,
    "\n  query Newer($id: ID!) {\n    task(id: $id) { state exists status statusReason dateDone startedAt worker name timeline { type } }\n  }\n": typeof types.NewerDocument,
    "\n  query Secret($id: ID!) {\n    task(id: $id) { state result args kwargs }\n  }\n": typeof types.SecretDocument,
    "\n  subscription WatchForMetrics($id: ID!) {\n    task(id: $id, untilReady: false) { state }\n  }\n": typeof types.WatchForMetricsDocument,
    "\n  query StateQuery($id: ID!) {\n    task(id: $id) { id state }\n  }\n": typeof types.StateQueryDocument,
    "\n  query CursorSearch($filter: TaskFilter, $first: Int, $after: String) {\n    searchTasks(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { id } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n": typeof types.CursorSearchDocument,
    "\n  query CursorFailures($first: Int, $after: String) {\n    failures(first: $first, after: $after) {\n      edges { cursor node { name } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n": typeof types.CursorFailuresDocument,
    "\n  query CursorChildren($id: ID!, $offset: Int, $limit: Int) {\n    task(id: $id) { children(offset: $offset, limit: $limit) { id } }\n  }\n": typeof types.CursorChildrenDocument,
    "\n  query GroupCounts($id: ID!) {\n    group(id: $id) { size progress { total queued running succeeded failed revoked expired unknown lost ready percent } }\n  }\n": typeof types.GroupCountsDocument,
    "\n  query GraphCounts($rootId: ID!) {\n    taskGraph(rootId: $rootId) { progress { total running succeeded failed ready percent } }\n  }\n": typeof types.GraphCountsDocument,
    "\n  subscription FollowGroup($id: ID!) {\n    groupProgress(id: $id) { total queued running succeeded failed lost unknown ready percent }\n  }\n": typeof types.FollowGroupDocument,
    "\n  subscription FollowWorkflow($rootId: ID!) {\n    workflowProgress(rootId: $rootId) { total running succeeded ready }\n  }\n": typeof types.FollowWorkflowDocument,
    "\n  subscription FollowTaskStatus($id: ID!) {\n    task(id: $id) { rawState status }\n  }\n": typeof types.FollowTaskStatusDocument,
    "\n  query LostStatus($id: ID!) {\n    task(id: $id) { status statusReason }\n  }\n": typeof types.LostStatusDocument,
    "query HeardWorkers { workers { hostname } }": typeof types.HeardWorkersDocument,
    "\n  query RollupStats($since: DateTime, $until: DateTime, $key: String, $interval: TaskStatsInterval) {\n    taskStats(since: $since, until: $until, by: NAME, key: $key, interval: $interval) {\n      groups {\n        key total byStatus { status count } failureRate\n        runtime { count p50 p95 p99 max }\n        wait { count p50 p95 p99 max }\n      }\n      buckets { start succeeded failed started retried revoked runtime { count p50 } wait { count p99 } }\n    }\n  }\n": typeof types.RollupStatsDocument,
    "\n  query IndexSearch($filter: TaskFilter, $first: Int, $after: String, $order: TaskOrder) {\n    searchTasks(filter: $filter, first: $first, after: $after, order: $order) {\n      edges { cursor node { id state status name worker queue kwargs } }\n      pageInfo { hasNextPage endCursor }\n      totalCount totalCountCapped\n    }\n  }\n": typeof types.IndexSearchDocument,
    "\n  query IndexStats($since: DateTime, $until: DateTime, $by: TaskStatsBy) {\n    taskStats(since: $since, until: $until, by: $by) {\n      since until\n      groups { key total byStatus { status count } failureRate runtime { count p50 p95 max } }\n      perMinute { minute succeeded failed }\n    }\n  }\n": typeof types.IndexStatsDocument,
    "\n  query IndexFailures($first: Int, $after: String) {\n    failures(first: $first, after: $after) {\n      edges { cursor node { name exceptionType count firstSeen lastSeen example { id state } } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n": typeof types.IndexFailuresDocument,
    "\n  subscription IndexLive($filter: TaskFilter) {\n    taskEvents(filter: $filter) { id state status name }\n  }\n": typeof types.IndexLiveDocument,
    "\n  query ViaSentinel($id: ID!) {\n    task(id: $id) { state result }\n  }\n": typeof types.ViaSentinelDocument,
    "\n  subscription TaskCompleted($id: ID!) {\n    taskCompleted(id: $id) { id state result error { type message } }\n  }\n": typeof types.TaskCompletedDocument,
    "\n  query Status($id: ID!) {\n    task(id: $id) {\n      state exists status statusReason\n      sentAt receivedAt startedAt finishedAt runtime\n      timeline { type at hostname retries }\n      lastOutcome { state dateDone errorType errorMessage }\n      children { id }\n    }\n  }\n": typeof types.StatusDocument,
    "\n  query Workers {\n    workers { hostname online active processed }\n  }\n": typeof types.WorkersDocument,
    "\n  query StoreApartRead($id: ID!, $goal: ID!) {\n    task(id: $id) { state status timeline { type } lastOutcome { state } }\n    goal(key: $goal) { status currentTask { id } }\n    searchTasks(filter: { name: \"store.apart\" }, first: 10) { edges { node { id status } } }\n  }\n": typeof types.StoreApartReadDocument,
    "\n  mutation StoreApartGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n": typeof types.StoreApartGoalDocument,
    "\n  query StoreApartGoalRead($key: ID!) { goal(key: $key) { status } }\n": typeof types.StoreApartGoalReadDocument,
    "\n  query ClusterEverything($id: ID!, $goal: ID!) {\n    task(id: $id) { state timeline { type } lastOutcome { state } }\n    goal(key: $goal) { status attempts { id } currentTask { id } }\n    searchTasks(filter: { name: \"cluster.job\" }, first: 100) { edges { node { id status } } }\n    failures(first: 10) { edges { node { name exceptionType count } } }\n    taskStats(by: NAME) { groups { key total } }\n  }\n": typeof types.ClusterEverythingDocument,
    "\n  mutation ClusterGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n": typeof types.ClusterGoalDocument,
    "\n  subscription ClusterLive { taskEvents(filter: { name: \"cluster.live\" }) { id status } }\n": typeof types.ClusterLiveDocument,
    "\n  query KillCount { taskStats(by: NAME) { groups { key total byStatus { status count } } } }\n": typeof types.KillCountDocument,
    "\n  query KillSearch { searchTasks(filter: { name: \"kill.job\" }, first: 1) { edges { node { id status } } } }\n": typeof types.KillSearchDocument,
    "\n  query FailoverCount { taskStats(by: NAME) { groups { key total byStatus { status count } } } }\n": typeof types.FailoverCountDocument,
    "\n  query StoreGoal($key: ID!) { goal(key: $key) { key status attempts { id } } }\n": typeof types.StoreGoalDocument,
    "\n  mutation StoreCreate($key: ID!) { createGoal(key: $key) { key } }\n": typeof types.StoreCreateDocument,
    "\n  mutation StoreUpdate($key: ID!) { updateGoalStatus(key: $key, status: RUNNING) { key } }\n": typeof types.StoreUpdateDocument,
    "\n  mutation StoreAttach($key: ID!, $taskId: ID!) { attachTask(key: $key, taskId: $taskId) { key } }\n": typeof types.StoreAttachDocument,
    "\n  subscription StoreWatch($key: ID!) { goal(key: $key) { status } }\n": typeof types.StoreWatchDocument,
    "\n  query StoreHistory($id: ID!) { task(id: $id) { id timeline { type } } }\n": typeof types.StoreHistoryDocument,
    "\n  query StoreOutcome($id: ID!) { task(id: $id) { id lastOutcome { state } } }\n": typeof types.StoreOutcomeDocument,
    "\n  query StoreHistories($ids: [ID!]!) { tasks(ids: $ids) { id timeline { type } lastOutcome { state } } }\n": typeof types.StoreHistoriesDocument,
    "\n  query StoreStatus($id: ID!) { task(id: $id) { id status } }\n": typeof types.StoreStatusDocument,
    "\n  query StoreMembers($id: ID!) { group(id: $id) { id membersKnown } }\n": typeof types.StoreMembersDocument,
    "\n  subscription WatchTask($id: ID!, $untilReady: Boolean! = true) {\n    task(id: $id, untilReady: $untilReady) { id state rawState meta result ttlSeconds }\n  }\n": typeof types.WatchTaskDocument,
    "\n  subscription WatchTasks($ids: [ID!]!) {\n    tasks(ids: $ids) { id state result }\n  }\n": typeof types.WatchTasksDocument,
    "\n  subscription FailedEvents($filter: TaskFilter) {\n    taskEvents(filter: $filter) { id status state finishedAt lastHeardAt error { type } }\n  }\n": typeof types.FailedEventsDocument,
    "\n  query QueuedNames($id: ID!, $name: String!) {\n    task(id: $id) { name status lastHeardAt }\n    searchTasks(filter: { name: $name }) { edges { node { id name } } }\n    taskGraph(rootId: $id) { nodes { id task { name status } } }\n  }\n": typeof types.QueuedNamesDocument,
    "\n  query HeardAt($id: ID!) { task(id: $id) { lastHeardAt } }\n": typeof types.HeardAtDocument,
    "\n  query ListedTimes($prefix: String!) {\n    searchTasks(filter: { namePrefix: $prefix }) { edges { node { id name lastHeardAt } } }\n  }\n": typeof types.ListedTimesDocument,
    "\n  subscription LiveTtl($id: ID!) {\n    task(id: $id, untilReady: false) { rawState ttlSeconds expiresAt }\n  }\n": typeof types.LiveTtlDocument,
    "\n  subscription LiveTtls($ids: [ID!]!) {\n    tasks(ids: $ids, untilReady: false) { id rawState ttlSeconds expiresAt }\n  }\n": typeof types.LiveTtlsDocument,
    "\n  subscription LiveTimes($id: ID!) {\n    task(id: $id, untilReady: false) { rawState status startedAt finishedAt runtime }\n  }\n": typeof types.LiveTimesDocument,
    "\n  subscription LiveTimesMany($ids: [ID!]!) {\n    tasks(ids: $ids, untilReady: false) { id rawState status startedAt finishedAt runtime }\n  }\n": typeof types.LiveTimesManyDocument,
    "\n  subscription LiveStates($id: ID!) {\n    task(id: $id, untilReady: false) { rawState result }\n  }\n": typeof types.LiveStatesDocument,
    "\n  query TaskQuery($id: ID!) {\n    task(id: $id) {\n      id exists state rawState ready successful failed\n      result meta\n      error { type message module args traceback }\n      name args kwargs worker queue retries\n      dateDone expiresAt ttlSeconds parentId groupId\n    }\n  }\n": typeof types.TaskQueryDocument,
    "\n  query TasksQuery($ids: [ID!]!) {\n    tasks(ids: $ids) { id state exists }\n  }\n": typeof types.TasksQueryDocument,
    "\n  query TasksWithTtlQuery($ids: [ID!]!) {\n    tasks(ids: $ids) { id exists ...Expiry }\n  }\n  fragment Expiry on Task { ttlSeconds }\n": typeof types.TasksWithTtlQueryDocument,
    "\n  query StatsBuckets($since: DateTime, $until: DateTime, $interval: TaskStatsInterval) {\n    taskStats(since: $since, until: $until, interval: $interval) {\n      since until interval\n      buckets { start succeeded failed }\n    }\n  }\n": typeof types.StatsBucketsDocument,
    "\n  query OverTls($id: ID!) {\n    task(id: $id) { state result }\n  }\n": typeof types.OverTlsDocument,
    "\n  query AmqpLook($id: ID!) {\n    task(id: $id) { state status statusReason name timeline { type } }\n  }\n": typeof types.AmqpLookDocument,
    "\n  query AmqpOverview($prefix: String!) {\n    workers { hostname online }\n    queues { name length }\n    searchTasks(filter: { namePrefix: $prefix }) { totalCount }\n  }\n": typeof types.AmqpOverviewDocument,
    "\n  mutation AmqpSend($name: String!, $args: JSON, $queue: String) {\n    sendTask(name: $name, args: $args, queue: $queue) { id status }\n  }\n": typeof types.AmqpSendDocument,
    "\n  mutation AmqpRevoke($id: ID!) { revokeTask(id: $id) { id } }\n": typeof types.AmqpRevokeDocument,
    "\n  query AmqpQueueLengths {\n    queues { name length oldestTaskId oldestAgeSeconds }\n  }\n": typeof types.AmqpQueueLengthsDocument,
    "\n  query AmqpQueuedTimeline($id: ID!) {\n    task(id: $id) { sentAt timeline { type } }\n  }\n": typeof types.AmqpQueuedTimelineDocument,
    "\n  query AmqpWorkerInspect($hostname: String!) {\n    worker(hostname: $hostname) { activeTasks { id } registered queues pool { maxConcurrency processes } }\n  }\n": typeof types.AmqpWorkerInspectDocument,
    "\n  query AmqpWorkerNames { workers { hostname online } }\n": typeof types.AmqpWorkerNamesDocument,
    "\n  mutation AmqpWorkerGrow($hostname: String!) { growPool(hostname: $hostname) { hostname ok message } }\n": typeof types.AmqpWorkerGrowDocument,
    "\n  mutation AmqpWorkerAdd($hostname: String!, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n": typeof types.AmqpWorkerAddDocument,
    "\n  mutation AmqpWorkerShutdown($hostname: String!) { shutdownWorker(hostname: $hostname) { ok } }\n": typeof types.AmqpWorkerShutdownDocument,
    "\n  mutation BulkCancel($id: ID!) { cancelBulkAction(id: $id) { id state done } }\n": typeof types.BulkCancelDocument,
    "\n  query BulkList($first: Int, $after: String) { bulkActions(first: $first, after: $after) { edges { cursor node { id kind } } pageInfo { hasNextPage endCursor } } }\n": typeof types.BulkListDocument,
    "\n  subscription BulkFollow($id: ID!) { bulkAction(id: $id) { id state done matched } }\n": typeof types.BulkFollowDocument,
    "\n  mutation ControlSend($name: String!, $args: JSON, $kwargs: JSON, $queue: String, $countdown: Int, $eta: DateTime, $expires: DateTime, $priority: Int, $id: ID) {\n    sendTask(name: $name, args: $args, kwargs: $kwargs, queue: $queue, countdown: $countdown, eta: $eta, expires: $expires, priority: $priority, id: $id) { id status }\n  }\n": typeof types.ControlSendDocument,
    "\n  mutation ControlRevoke($id: ID!, $terminate: Boolean! = false, $signal: String! = \"SIGTERM\") {\n    revokeTask(id: $id, terminate: $terminate, signal: $signal) { id }\n  }\n": typeof types.ControlRevokeDocument,
    "\n  mutation ControlRevokeMany($ids: [ID!]!) { revokeTasks(ids: $ids) { id } }\n": typeof types.ControlRevokeManyDocument,
    "\n  mutation ControlResend($id: ID!) { resendTask(id: $id) { id resentFrom { id } } }\n": typeof types.ControlResendDocument,
    "\n  query ControlLook($id: ID!) {\n    task(id: $id) { id state status result dateDone name args kwargs error { type } timeline { type at } resentAs { id } resentFrom { id } }\n  }\n": typeof types.ControlLookDocument,
    "\n  query WorkflowGraph($rootId: ID!) {\n    taskGraph(rootId: $rootId) {\n      ready\n      nodes { id kind task { state } }\n      edges { from to kind }\n    }\n  }\n": typeof types.WorkflowGraphDocument,
    "\n  query WorkflowTask($id: ID!) {\n    task(id: $id) {\n      state\n      parent { id }\n      root { id }\n      children { id }\n      group { id membersKnown tasks { id } }\n      chordHeader { id }\n    }\n  }\n": typeof types.WorkflowTaskDocument,
    "\n  query WorkflowGroup($id: ID!) {\n    group(id: $id) { saved size completed ready successful tasks { id } }\n  }\n": typeof types.WorkflowGroupDocument,
    "\n  query ChordHeader($id: ID!) {\n    group(id: $id) { saved membersKnown tasks { id } chordCallback { id result } }\n  }\n": typeof types.ChordHeaderDocument,
    "\n  query InteropSearch($filter: TaskFilter, $after: String) {\n    searchTasks(filter: $filter, first: 7, after: $after) {\n      edges { node { id state name } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n": typeof types.InteropSearchDocument,
    "\n  subscription InteropEnds {\n    taskEvents(filter: { status: [SUCCEEDED, FAILED] }) { id status finishedAt runtime }\n  }\n": typeof types.InteropEndsDocument,
    "\n  query InteropStats($since: DateTime) {\n    taskStats(since: $since, by: NAME) { groups { key total byStatus { status count } } }\n  }\n": typeof types.InteropStatsDocument,
    "\n  query Lost($id: ID!) {\n    task(id: $id) { state rawState status statusReason }\n    workers { hostname online }\n  }\n": typeof types.LostDocument,
    "\n  subscription ChordProgress($id: ID!) {\n    groupProgress(id: $id) { total queued running succeeded failed revoked expired unknown lost ready percent }\n  }\n": typeof types.ChordProgressDocument,
    "\n  query Queues {\n    queues {\n      name length oldestTaskId oldestAgeSeconds wrongTypeKeys\n      byPriority { priority length oldestTaskId oldestAgeSeconds }\n    }\n  }\n": typeof types.QueuesDocument,
    "\n  query QueuedWhy($id: ID!) { task(id: $id) { status statusReason } }\n": typeof types.QueuedWhyDocument,
    "\n  query RollupTiming($id: ID!) {\n    task(id: $id) { id status sentAt startedAt runtime }\n  }\n": typeof types.RollupTimingDocument,
    "\n  query RollupPerName($since: DateTime, $by: TaskStatsBy, $key: String) {\n    taskStats(since: $since, by: $by, key: $key) {\n      groups {\n        key total\n        runtime { count p50 p95 p99 }\n        wait { count p50 p95 p99 }\n      }\n    }\n  }\n": typeof types.RollupPerNameDocument,
    "\n  query Why($id: ID!) {\n    task(id: $id) {\n      state exists status statusReason\n      sentAt receivedAt startedAt finishedAt\n      timeline { type retries }\n      lastOutcome { state errorType }\n    }\n  }\n": typeof types.WhyDocument,
    "\n  subscription Follow($id: ID!) {\n    task(id: $id) { rawState status retries }\n  }\n": typeof types.FollowDocument,
    "\n  subscription InteropCompleted($id: ID!) {\n    taskCompleted(id: $id) { id state result }\n  }\n": typeof types.InteropCompletedDocument,
    "\n  subscription InteropWatch($id: ID!) {\n    task(id: $id) { id rawState meta result }\n  }\n": typeof types.InteropWatchDocument,
    "\n  query InteropStates($ids: [ID!]!) {\n    tasks(ids: $ids) { id state }\n  }\n": typeof types.InteropStatesDocument,
    "\n  query InteropTask($ids: [ID!]!) {\n    tasks(ids: $ids) {\n      id exists state rawState ready successful failed\n      result meta\n      error { type message module args traceback }\n      name args kwargs worker queue retries\n      dateDone parentId groupId\n      parent { id }\n      children { id }\n    }\n  }\n": typeof types.InteropTaskDocument,
    "\n  query WorkerInspect($hostname: String!) {\n    worker(hostname: $hostname) {\n      hostname online inspectedAt\n      activeTasks { id } reservedTasks { id } scheduledTasks { id }\n      registered queues stats conf\n      pool { implementation maxConcurrency processes }\n    }\n  }\n": typeof types.WorkerInspectDocument,
    "\n  query WorkerHostnames { workers { hostname online } }\n": typeof types.WorkerHostnamesDocument,
    "\n  query WorkerActive($hostname: String!) { worker(hostname: $hostname) { activeTasks { id name } } }\n": typeof types.WorkerActiveDocument,
    "\n  query WorkerPool($hostname: String!) { worker(hostname: $hostname) { pool { processes } queues } }\n": typeof types.WorkerPoolDocument,
    "\n  mutation WorkerGrow($hostname: String, $n: Int! = 1) { growPool(hostname: $hostname, n: $n) { hostname ok message } }\n": typeof types.WorkerGrowDocument,
    "\n  mutation WorkerShrink($hostname: String) { shrinkPool(hostname: $hostname) { hostname ok message } }\n": typeof types.WorkerShrinkDocument,
    "\n  mutation WorkerAddConsumer($hostname: String, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n": typeof types.WorkerAddConsumerDocument,
    "\n  mutation WorkerCancelConsumer($hostname: String, $queue: String!) { cancelConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n": typeof types.WorkerCancelConsumerDocument,
    "\n  mutation WorkerRateLimit($taskName: String!, $rateLimit: String!, $hostname: String) { setRateLimit(taskName: $taskName, rateLimit: $rateLimit, hostname: $hostname) { hostname ok message } }\n": typeof types.WorkerRateLimitDocument,
    "\n  mutation WorkerTimeLimit($taskName: String!, $soft: Float, $hard: Float, $hostname: String) { setTimeLimit(taskName: $taskName, soft: $soft, hard: $hard, hostname: $hostname) { hostname ok message } }\n": typeof types.WorkerTimeLimitDocument,
    "\n  mutation WorkerAutoscale($hostname: String, $max: Int!, $min: Int!) { autoscale(hostname: $hostname, max: $max, min: $min) { hostname ok message } }\n": typeof types.WorkerAutoscaleDocument,
    "\n  mutation WorkerRestartPool($hostname: String) { restartPool(hostname: $hostname) { hostname ok message } }\n": typeof types.WorkerRestartPoolDocument,
    "\n  mutation WorkerShutdown($hostname: String!) { shutdownWorker(hostname: $hostname) { hostname ok message } }\n": typeof types.WorkerShutdownDocument,
    "\n  query WorkerFields {\n    workers {\n      hostname online lastSeen lastHeartbeat heartbeatExpires heartbeatIntervalSeconds\n      active processed loadAverage software\n    }\n  }\n": typeof types.WorkerFieldsDocument,
};
const documents: Documents = {
    "\n  mutation SendForBulkPage($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n": types.SendForBulkPageDocument,
    "\n  query BulkPageStates($ids: [ID!]!) { tasks(ids: $ids) { id status resentAs { id } } }\n": types.BulkPageStatesDocument,
    "\n  mutation SendForPage($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n": types.SendForPageDocument,
    "\n  query ResentFrom($id: ID!) { task(id: $id) { resentFrom { id } } }\n": types.ResentFromDocument,
    "\n  mutation BulkSend($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n": types.BulkSendDocument,
    "\n  mutation BulkRevokeMatching($filter: TaskFilter!, $dryRun: Boolean! = false, $max: Int) {\n    revokeTasksMatching(filter: $filter, dryRun: $dryRun, max: $max) { id kind state matched done failed dryRun startedAt finishedAt filter }\n  }\n": types.BulkRevokeMatchingDocument,
    "\n  mutation BulkResendMatching($filter: TaskFilter!) {\n    resendTasksMatching(filter: $filter) { id kind state matched done failed }\n  }\n": types.BulkResendMatchingDocument,
    "\n  query BulkLook($id: ID!) { bulkAction(id: $id) { id state matched done failed finishedAt error } }\n": types.BulkLookDocument,
    "\n  query BulkCount($filter: TaskFilter) { searchTasks(filter: $filter, first: 0) { totalCount } }\n": types.BulkCountDocument,
    "\n  mutation BulkRevokeOne($id: ID!) { revokeTask(id: $id, terminate: true, signal: \"SIGKILL\") { id } }\n": types.BulkRevokeOneDocument,
    "\n  query BulkTasks($ids: [ID!]!) { tasks(ids: $ids) { id state timeline { type } resentAs { id } resentFrom { id } } }\n": types.BulkTasksDocument,
    "\n  query AclEverything($id: ID!, $parent: ID!, $goal: ID!) {\n    task(id: $id) { state status result timeline { type } lastOutcome { state } parent { id } children { id } group { id tasks { id } } }\n    taskGraph(rootId: $parent) { nodes { id } }\n    goal(key: $goal) { status currentTask { id } }\n    backend { up }\n    queues { name length byPriority { priority length } }\n  }\n": types.AclEverythingDocument,
    "\n  mutation AclGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n": types.AclGoalDocument,
    "\n  subscription AclCompleted($id: ID!) { taskCompleted(id: $id) { state } }\n": types.AclCompletedDocument,
    "\n  query AclAlerts { alertRules { name state } alerts(first: 5) { edges { node { state } } } }\n": types.AclAlertsDocument,
    "\n  query KindRules {\n    alertRules { name kind state value threshold }\n  }\n": types.KindRulesDocument,
    "\n  subscription FollowAlerts {\n    alerts { id rule kind state value threshold }\n  }\n": types.FollowAlertsDocument,
    "\n  query AlertRules {\n    alertRules { name kind state value threshold since }\n  }\n": types.AlertRulesDocument,
    "\n  query AlertLog($first: Int, $after: String) {\n    alerts(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id rule kind state at value threshold startedAt } }\n    }\n  }\n": types.AlertLogDocument,
    "\n  query AwaitOne($id: ID!, $timeoutSeconds: Int!) {\n    awaitTask(id: $id, timeoutSeconds: $timeoutSeconds) { timedOut waitedMs task { id state result } }\n  }\n": types.AwaitOneDocument,
    "\n  query AwaitMany($ids: [ID!]!, $timeoutSeconds: Int!, $mode: AwaitMode) {\n    awaitTasks(ids: $ids, timeoutSeconds: $timeoutSeconds, mode: $mode) { timedOut waitedMs tasks { id state } }\n  }\n": types.AwaitManyDocument,
    "\n  subscription CompletedWithin($id: ID!, $timeoutSeconds: Int) {\n    taskCompleted(id: $id, timeoutSeconds: $timeoutSeconds) { id state rawState }\n  }\n": types.CompletedWithinDocument,
    "\n  query Celery57Task($id: ID!) { task(id: $id) { state status statusReason timeline { type } } }\n": types.Celery57TaskDocument,
    "\n  query Celery57Chord($id: ID!) { group(id: $id) { size completed membersKnown } }\n": types.Celery57ChordDocument,
    "\n  subscription CohortWatch($id: ID!) {\n    task(id: $id, untilReady: false) { id rawState meta }\n  }\n": types.CohortWatchDocument,
    "\n  subscription CohortWatchIncluded($id: ID!) {\n    watched: task(id: $id, untilReady: false) @include(if: true) { id rawState }\n  }\n": types.CohortWatchIncludedDocument,
    "\n  subscription CohortResume($id: ID!, $after: String) {\n    task(id: $id, untilReady: false, after: $after) { id rawState }\n  }\n": types.CohortResumeDocument,
    "\n  mutation OnceSend($name: String!, $args: JSON, $kwargs: JSON, $queue: String, $countdown: Int, $id: ID) {\n    sendTask(name: $name, args: $args, kwargs: $kwargs, queue: $queue, countdown: $countdown, id: $id) { id }\n  }\n": types.OnceSendDocument,
    "\n  mutation OnceResend($id: ID!, $queue: String) { resendTask(id: $id, queue: $queue) { id } }\n": types.OnceResendDocument,
    "\n  query OnceStatus($id: ID!) { task(id: $id) { status } }\n": types.OnceStatusDocument,
    "\n  subscription DecodedWatch($id: ID!) {\n    task(id: $id, untilReady: false) { id rawState }\n  }\n": types.DecodedWatchDocument,
    "\n  mutation KeysCreate($key: ID!, $metadata: JSON) { createGoal(key: $key, metadata: $metadata) { key status metadata attempts { id } } }\n": types.KeysCreateDocument,
    "\n  mutation KeysAttach($key: ID!, $taskId: ID!) { attachTask(key: $key, taskId: $taskId) { key attempts { id } } }\n": types.KeysAttachDocument,
    "\n  mutation KeysUpdate($key: ID!) { updateGoalStatus(key: $key, status: FAILED) { key status } }\n": types.KeysUpdateDocument,
    "\n  query KeysRead($key: ID!) { goal(key: $key) { key status metadata attempts { id } createdAt updatedAt } }\n": types.KeysReadDocument,
    "\n  mutation Create($key: ID!, $metadata: JSON) {\n    createGoal(key: $key, metadata: $metadata) { key status metadata attempts { id } currentTask { id } createdAt updatedAt }\n  }\n": types.CreateDocument,
    "\n  mutation Update($key: ID!, $status: GoalStatus!, $metadata: JSON) {\n    updateGoalStatus(key: $key, status: $status, metadata: $metadata) { key status metadata }\n  }\n": types.UpdateDocument,
    "\n  mutation Attach($key: ID!, $taskId: ID!) {\n    attachTask(key: $key, taskId: $taskId) { key attempts { id } currentTask { id state } }\n  }\n": types.AttachDocument,
    "\n  query ReadGoal($key: ID!) {\n    goal(key: $key) { key status metadata attempts { id status } currentTask { id state } }\n  }\n": types.ReadGoalDocument,
    "\n  subscription WatchGoal($key: ID!) {\n    goal(key: $key) { status currentTask { id state } }\n  }\n": types.WatchGoalDocument,
    "\n  query PagedAttempts($key: ID!, $offset: Int, $limit: Int) {\n    goal(key: $key) { status attempts(offset: $offset, limit: $limit) { id } currentTask { id } }\n  }\n": types.PagedAttemptsDocument,
    "\n  subscription BigGraph($rootId: ID!) {\n    taskGraph(rootId: $rootId) { ready nodes { id task { state } } }\n  }\n": types.BigGraphDocument,
    "\n  query Graph($rootId: ID!, $maxDepth: Int! = 10) {\n    taskGraph(rootId: $rootId, maxDepth: $maxDepth) {\n      rootId truncated ready\n      nodes { id kind depth task { state exists } group { id size } }\n      edges { from to kind }\n    }\n  }\n": types.GraphDocument,
    "\n  query Links($id: ID!) {\n    task(id: $id) {\n      id\n      parent { id }\n      root { id }\n      children { id state }\n      group { id saved membersKnown size completed failed ready successful tasks { id } }\n      chordHeader { id }\n    }\n  }\n": types.LinksDocument,
    "\n  query SavedGroup($id: ID!) {\n    group(id: $id) { id saved membersKnown size completed failed ready successful tasks { id state } }\n  }\n": types.SavedGroupDocument,
    "\n  query Header($id: ID!) {\n    group(id: $id) { membersKnown tasks { id } chordCallback { id } }\n  }\n": types.HeaderDocument,
    "\n  subscription GraphUpdates($rootId: ID!) {\n    taskGraph(rootId: $rootId) { ready nodes { id task { state } } edges { from to kind } }\n  }\n": types.GraphUpdatesDocument,
    "\n  query HealState($name: String!) {\n    taskStats(by: NAME) { groups { key total byStatus { status count } } }\n    searchTasks(filter: { name: $name }, first: 500) { edges { node { id status } } }\n  }\n": types.HealStateDocument,
    "\n  query Newer($id: ID!) {\n    task(id: $id) { state exists status statusReason dateDone startedAt worker name timeline { type } }\n  }\n": types.NewerDocument,
    "\n  query Secret($id: ID!) {\n    task(id: $id) { state result args kwargs }\n  }\n": types.SecretDocument,
    "\n  subscription WatchForMetrics($id: ID!) {\n    task(id: $id, untilReady: false) { state }\n  }\n": types.WatchForMetricsDocument,
    "\n  query StateQuery($id: ID!) {\n    task(id: $id) { id state }\n  }\n": types.StateQueryDocument,
    "\n  query CursorSearch($filter: TaskFilter, $first: Int, $after: String) {\n    searchTasks(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { id } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n": types.CursorSearchDocument,
    "\n  query CursorFailures($first: Int, $after: String) {\n    failures(first: $first, after: $after) {\n      edges { cursor node { name } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n": types.CursorFailuresDocument,
    "\n  query CursorChildren($id: ID!, $offset: Int, $limit: Int) {\n    task(id: $id) { children(offset: $offset, limit: $limit) { id } }\n  }\n": types.CursorChildrenDocument,
    "\n  query GroupCounts($id: ID!) {\n    group(id: $id) { size progress { total queued running succeeded failed revoked expired unknown lost ready percent } }\n  }\n": types.GroupCountsDocument,
    "\n  query GraphCounts($rootId: ID!) {\n    taskGraph(rootId: $rootId) { progress { total running succeeded failed ready percent } }\n  }\n": types.GraphCountsDocument,
    "\n  subscription FollowGroup($id: ID!) {\n    groupProgress(id: $id) { total queued running succeeded failed lost unknown ready percent }\n  }\n": types.FollowGroupDocument,
    "\n  subscription FollowWorkflow($rootId: ID!) {\n    workflowProgress(rootId: $rootId) { total running succeeded ready }\n  }\n": types.FollowWorkflowDocument,
    "\n  subscription FollowTaskStatus($id: ID!) {\n    task(id: $id) { rawState status }\n  }\n": types.FollowTaskStatusDocument,
    "\n  query LostStatus($id: ID!) {\n    task(id: $id) { status statusReason }\n  }\n": types.LostStatusDocument,
    "query HeardWorkers { workers { hostname } }": types.HeardWorkersDocument,
    "\n  query RollupStats($since: DateTime, $until: DateTime, $key: String, $interval: TaskStatsInterval) {\n    taskStats(since: $since, until: $until, by: NAME, key: $key, interval: $interval) {\n      groups {\n        key total byStatus { status count } failureRate\n        runtime { count p50 p95 p99 max }\n        wait { count p50 p95 p99 max }\n      }\n      buckets { start succeeded failed started retried revoked runtime { count p50 } wait { count p99 } }\n    }\n  }\n": types.RollupStatsDocument,
    "\n  query IndexSearch($filter: TaskFilter, $first: Int, $after: String, $order: TaskOrder) {\n    searchTasks(filter: $filter, first: $first, after: $after, order: $order) {\n      edges { cursor node { id state status name worker queue kwargs } }\n      pageInfo { hasNextPage endCursor }\n      totalCount totalCountCapped\n    }\n  }\n": types.IndexSearchDocument,
    "\n  query IndexStats($since: DateTime, $until: DateTime, $by: TaskStatsBy) {\n    taskStats(since: $since, until: $until, by: $by) {\n      since until\n      groups { key total byStatus { status count } failureRate runtime { count p50 p95 max } }\n      perMinute { minute succeeded failed }\n    }\n  }\n": types.IndexStatsDocument,
    "\n  query IndexFailures($first: Int, $after: String) {\n    failures(first: $first, after: $after) {\n      edges { cursor node { name exceptionType count firstSeen lastSeen example { id state } } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n": types.IndexFailuresDocument,
    "\n  subscription IndexLive($filter: TaskFilter) {\n    taskEvents(filter: $filter) { id state status name }\n  }\n": types.IndexLiveDocument,
    "\n  query ViaSentinel($id: ID!) {\n    task(id: $id) { state result }\n  }\n": types.ViaSentinelDocument,
    "\n  subscription TaskCompleted($id: ID!) {\n    taskCompleted(id: $id) { id state result error { type message } }\n  }\n": types.TaskCompletedDocument,
    "\n  query Status($id: ID!) {\n    task(id: $id) {\n      state exists status statusReason\n      sentAt receivedAt startedAt finishedAt runtime\n      timeline { type at hostname retries }\n      lastOutcome { state dateDone errorType errorMessage }\n      children { id }\n    }\n  }\n": types.StatusDocument,
    "\n  query Workers {\n    workers { hostname online active processed }\n  }\n": types.WorkersDocument,
    "\n  query StoreApartRead($id: ID!, $goal: ID!) {\n    task(id: $id) { state status timeline { type } lastOutcome { state } }\n    goal(key: $goal) { status currentTask { id } }\n    searchTasks(filter: { name: \"store.apart\" }, first: 10) { edges { node { id status } } }\n  }\n": types.StoreApartReadDocument,
    "\n  mutation StoreApartGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n": types.StoreApartGoalDocument,
    "\n  query StoreApartGoalRead($key: ID!) { goal(key: $key) { status } }\n": types.StoreApartGoalReadDocument,
    "\n  query ClusterEverything($id: ID!, $goal: ID!) {\n    task(id: $id) { state timeline { type } lastOutcome { state } }\n    goal(key: $goal) { status attempts { id } currentTask { id } }\n    searchTasks(filter: { name: \"cluster.job\" }, first: 100) { edges { node { id status } } }\n    failures(first: 10) { edges { node { name exceptionType count } } }\n    taskStats(by: NAME) { groups { key total } }\n  }\n": types.ClusterEverythingDocument,
    "\n  mutation ClusterGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n": types.ClusterGoalDocument,
    "\n  subscription ClusterLive { taskEvents(filter: { name: \"cluster.live\" }) { id status } }\n": types.ClusterLiveDocument,
    "\n  query KillCount { taskStats(by: NAME) { groups { key total byStatus { status count } } } }\n": types.KillCountDocument,
    "\n  query KillSearch { searchTasks(filter: { name: \"kill.job\" }, first: 1) { edges { node { id status } } } }\n": types.KillSearchDocument,
    "\n  query FailoverCount { taskStats(by: NAME) { groups { key total byStatus { status count } } } }\n": types.FailoverCountDocument,
    "\n  query StoreGoal($key: ID!) { goal(key: $key) { key status attempts { id } } }\n": types.StoreGoalDocument,
    "\n  mutation StoreCreate($key: ID!) { createGoal(key: $key) { key } }\n": types.StoreCreateDocument,
    "\n  mutation StoreUpdate($key: ID!) { updateGoalStatus(key: $key, status: RUNNING) { key } }\n": types.StoreUpdateDocument,
    "\n  mutation StoreAttach($key: ID!, $taskId: ID!) { attachTask(key: $key, taskId: $taskId) { key } }\n": types.StoreAttachDocument,
    "\n  subscription StoreWatch($key: ID!) { goal(key: $key) { status } }\n": types.StoreWatchDocument,
    "\n  query StoreHistory($id: ID!) { task(id: $id) { id timeline { type } } }\n": types.StoreHistoryDocument,
    "\n  query StoreOutcome($id: ID!) { task(id: $id) { id lastOutcome { state } } }\n": types.StoreOutcomeDocument,
    "\n  query StoreHistories($ids: [ID!]!) { tasks(ids: $ids) { id timeline { type } lastOutcome { state } } }\n": types.StoreHistoriesDocument,
    "\n  query StoreStatus($id: ID!) { task(id: $id) { id status } }\n": types.StoreStatusDocument,
    "\n  query StoreMembers($id: ID!) { group(id: $id) { id membersKnown } }\n": types.StoreMembersDocument,
    "\n  subscription WatchTask($id: ID!, $untilReady: Boolean! = true) {\n    task(id: $id, untilReady: $untilReady) { id state rawState meta result ttlSeconds }\n  }\n": types.WatchTaskDocument,
    "\n  subscription WatchTasks($ids: [ID!]!) {\n    tasks(ids: $ids) { id state result }\n  }\n": types.WatchTasksDocument,
    "\n  subscription FailedEvents($filter: TaskFilter) {\n    taskEvents(filter: $filter) { id status state finishedAt lastHeardAt error { type } }\n  }\n": types.FailedEventsDocument,
    "\n  query QueuedNames($id: ID!, $name: String!) {\n    task(id: $id) { name status lastHeardAt }\n    searchTasks(filter: { name: $name }) { edges { node { id name } } }\n    taskGraph(rootId: $id) { nodes { id task { name status } } }\n  }\n": types.QueuedNamesDocument,
    "\n  query HeardAt($id: ID!) { task(id: $id) { lastHeardAt } }\n": types.HeardAtDocument,
    "\n  query ListedTimes($prefix: String!) {\n    searchTasks(filter: { namePrefix: $prefix }) { edges { node { id name lastHeardAt } } }\n  }\n": types.ListedTimesDocument,
    "\n  subscription LiveTtl($id: ID!) {\n    task(id: $id, untilReady: false) { rawState ttlSeconds expiresAt }\n  }\n": types.LiveTtlDocument,
    "\n  subscription LiveTtls($ids: [ID!]!) {\n    tasks(ids: $ids, untilReady: false) { id rawState ttlSeconds expiresAt }\n  }\n": types.LiveTtlsDocument,
    "\n  subscription LiveTimes($id: ID!) {\n    task(id: $id, untilReady: false) { rawState status startedAt finishedAt runtime }\n  }\n": types.LiveTimesDocument,
    "\n  subscription LiveTimesMany($ids: [ID!]!) {\n    tasks(ids: $ids, untilReady: false) { id rawState status startedAt finishedAt runtime }\n  }\n": types.LiveTimesManyDocument,
    "\n  subscription LiveStates($id: ID!) {\n    task(id: $id, untilReady: false) { rawState result }\n  }\n": types.LiveStatesDocument,
    "\n  query TaskQuery($id: ID!) {\n    task(id: $id) {\n      id exists state rawState ready successful failed\n      result meta\n      error { type message module args traceback }\n      name args kwargs worker queue retries\n      dateDone expiresAt ttlSeconds parentId groupId\n    }\n  }\n": types.TaskQueryDocument,
    "\n  query TasksQuery($ids: [ID!]!) {\n    tasks(ids: $ids) { id state exists }\n  }\n": types.TasksQueryDocument,
    "\n  query TasksWithTtlQuery($ids: [ID!]!) {\n    tasks(ids: $ids) { id exists ...Expiry }\n  }\n  fragment Expiry on Task { ttlSeconds }\n": types.TasksWithTtlQueryDocument,
    "\n  query StatsBuckets($since: DateTime, $until: DateTime, $interval: TaskStatsInterval) {\n    taskStats(since: $since, until: $until, interval: $interval) {\n      since until interval\n      buckets { start succeeded failed }\n    }\n  }\n": types.StatsBucketsDocument,
    "\n  query OverTls($id: ID!) {\n    task(id: $id) { state result }\n  }\n": types.OverTlsDocument,
    "\n  query AmqpLook($id: ID!) {\n    task(id: $id) { state status statusReason name timeline { type } }\n  }\n": types.AmqpLookDocument,
    "\n  query AmqpOverview($prefix: String!) {\n    workers { hostname online }\n    queues { name length }\n    searchTasks(filter: { namePrefix: $prefix }) { totalCount }\n  }\n": types.AmqpOverviewDocument,
    "\n  mutation AmqpSend($name: String!, $args: JSON, $queue: String) {\n    sendTask(name: $name, args: $args, queue: $queue) { id status }\n  }\n": types.AmqpSendDocument,
    "\n  mutation AmqpRevoke($id: ID!) { revokeTask(id: $id) { id } }\n": types.AmqpRevokeDocument,
    "\n  query AmqpQueueLengths {\n    queues { name length oldestTaskId oldestAgeSeconds }\n  }\n": types.AmqpQueueLengthsDocument,
    "\n  query AmqpQueuedTimeline($id: ID!) {\n    task(id: $id) { sentAt timeline { type } }\n  }\n": types.AmqpQueuedTimelineDocument,
    "\n  query AmqpWorkerInspect($hostname: String!) {\n    worker(hostname: $hostname) { activeTasks { id } registered queues pool { maxConcurrency processes } }\n  }\n": types.AmqpWorkerInspectDocument,
    "\n  query AmqpWorkerNames { workers { hostname online } }\n": types.AmqpWorkerNamesDocument,
    "\n  mutation AmqpWorkerGrow($hostname: String!) { growPool(hostname: $hostname) { hostname ok message } }\n": types.AmqpWorkerGrowDocument,
    "\n  mutation AmqpWorkerAdd($hostname: String!, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n": types.AmqpWorkerAddDocument,
    "\n  mutation AmqpWorkerShutdown($hostname: String!) { shutdownWorker(hostname: $hostname) { ok } }\n": types.AmqpWorkerShutdownDocument,
    "\n  mutation BulkCancel($id: ID!) { cancelBulkAction(id: $id) { id state done } }\n": types.BulkCancelDocument,
    "\n  query BulkList($first: Int, $after: String) { bulkActions(first: $first, after: $after) { edges { cursor node { id kind } } pageInfo { hasNextPage endCursor } } }\n": types.BulkListDocument,
    "\n  subscription BulkFollow($id: ID!) { bulkAction(id: $id) { id state done matched } }\n": types.BulkFollowDocument,
    "\n  mutation ControlSend($name: String!, $args: JSON, $kwargs: JSON, $queue: String, $countdown: Int, $eta: DateTime, $expires: DateTime, $priority: Int, $id: ID) {\n    sendTask(name: $name, args: $args, kwargs: $kwargs, queue: $queue, countdown: $countdown, eta: $eta, expires: $expires, priority: $priority, id: $id) { id status }\n  }\n": types.ControlSendDocument,
    "\n  mutation ControlRevoke($id: ID!, $terminate: Boolean! = false, $signal: String! = \"SIGTERM\") {\n    revokeTask(id: $id, terminate: $terminate, signal: $signal) { id }\n  }\n": types.ControlRevokeDocument,
    "\n  mutation ControlRevokeMany($ids: [ID!]!) { revokeTasks(ids: $ids) { id } }\n": types.ControlRevokeManyDocument,
    "\n  mutation ControlResend($id: ID!) { resendTask(id: $id) { id resentFrom { id } } }\n": types.ControlResendDocument,
    "\n  query ControlLook($id: ID!) {\n    task(id: $id) { id state status result dateDone name args kwargs error { type } timeline { type at } resentAs { id } resentFrom { id } }\n  }\n": types.ControlLookDocument,
    "\n  query WorkflowGraph($rootId: ID!) {\n    taskGraph(rootId: $rootId) {\n      ready\n      nodes { id kind task { state } }\n      edges { from to kind }\n    }\n  }\n": types.WorkflowGraphDocument,
    "\n  query WorkflowTask($id: ID!) {\n    task(id: $id) {\n      state\n      parent { id }\n      root { id }\n      children { id }\n      group { id membersKnown tasks { id } }\n      chordHeader { id }\n    }\n  }\n": types.WorkflowTaskDocument,
    "\n  query WorkflowGroup($id: ID!) {\n    group(id: $id) { saved size completed ready successful tasks { id } }\n  }\n": types.WorkflowGroupDocument,
    "\n  query ChordHeader($id: ID!) {\n    group(id: $id) { saved membersKnown tasks { id } chordCallback { id result } }\n  }\n": types.ChordHeaderDocument,
    "\n  query InteropSearch($filter: TaskFilter, $after: String) {\n    searchTasks(filter: $filter, first: 7, after: $after) {\n      edges { node { id state name } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n": types.InteropSearchDocument,
    "\n  subscription InteropEnds {\n    taskEvents(filter: { status: [SUCCEEDED, FAILED] }) { id status finishedAt runtime }\n  }\n": types.InteropEndsDocument,
    "\n  query InteropStats($since: DateTime) {\n    taskStats(since: $since, by: NAME) { groups { key total byStatus { status count } } }\n  }\n": types.InteropStatsDocument,
    "\n  query Lost($id: ID!) {\n    task(id: $id) { state rawState status statusReason }\n    workers { hostname online }\n  }\n": types.LostDocument,
    "\n  subscription ChordProgress($id: ID!) {\n    groupProgress(id: $id) { total queued running succeeded failed revoked expired unknown lost ready percent }\n  }\n": types.ChordProgressDocument,
    "\n  query Queues {\n    queues {\n      name length oldestTaskId oldestAgeSeconds wrongTypeKeys\n      byPriority { priority length oldestTaskId oldestAgeSeconds }\n    }\n  }\n": types.QueuesDocument,
    "\n  query QueuedWhy($id: ID!) { task(id: $id) { status statusReason } }\n": types.QueuedWhyDocument,
    "\n  query RollupTiming($id: ID!) {\n    task(id: $id) { id status sentAt startedAt runtime }\n  }\n": types.RollupTimingDocument,
    "\n  query RollupPerName($since: DateTime, $by: TaskStatsBy, $key: String) {\n    taskStats(since: $since, by: $by, key: $key) {\n      groups {\n        key total\n        runtime { count p50 p95 p99 }\n        wait { count p50 p95 p99 }\n      }\n    }\n  }\n": types.RollupPerNameDocument,
    "\n  query Why($id: ID!) {\n    task(id: $id) {\n      state exists status statusReason\n      sentAt receivedAt startedAt finishedAt\n      timeline { type retries }\n      lastOutcome { state errorType }\n    }\n  }\n": types.WhyDocument,
    "\n  subscription Follow($id: ID!) {\n    task(id: $id) { rawState status retries }\n  }\n": types.FollowDocument,
    "\n  subscription InteropCompleted($id: ID!) {\n    taskCompleted(id: $id) { id state result }\n  }\n": types.InteropCompletedDocument,
    "\n  subscription InteropWatch($id: ID!) {\n    task(id: $id) { id rawState meta result }\n  }\n": types.InteropWatchDocument,
    "\n  query InteropStates($ids: [ID!]!) {\n    tasks(ids: $ids) { id state }\n  }\n": types.InteropStatesDocument,
    "\n  query InteropTask($ids: [ID!]!) {\n    tasks(ids: $ids) {\n      id exists state rawState ready successful failed\n      result meta\n      error { type message module args traceback }\n      name args kwargs worker queue retries\n      dateDone parentId groupId\n      parent { id }\n      children { id }\n    }\n  }\n": types.InteropTaskDocument,
    "\n  query WorkerInspect($hostname: String!) {\n    worker(hostname: $hostname) {\n      hostname online inspectedAt\n      activeTasks { id } reservedTasks { id } scheduledTasks { id }\n      registered queues stats conf\n      pool { implementation maxConcurrency processes }\n    }\n  }\n": types.WorkerInspectDocument,
    "\n  query WorkerHostnames { workers { hostname online } }\n": types.WorkerHostnamesDocument,
    "\n  query WorkerActive($hostname: String!) { worker(hostname: $hostname) { activeTasks { id name } } }\n": types.WorkerActiveDocument,
    "\n  query WorkerPool($hostname: String!) { worker(hostname: $hostname) { pool { processes } queues } }\n": types.WorkerPoolDocument,
    "\n  mutation WorkerGrow($hostname: String, $n: Int! = 1) { growPool(hostname: $hostname, n: $n) { hostname ok message } }\n": types.WorkerGrowDocument,
    "\n  mutation WorkerShrink($hostname: String) { shrinkPool(hostname: $hostname) { hostname ok message } }\n": types.WorkerShrinkDocument,
    "\n  mutation WorkerAddConsumer($hostname: String, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n": types.WorkerAddConsumerDocument,
    "\n  mutation WorkerCancelConsumer($hostname: String, $queue: String!) { cancelConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n": types.WorkerCancelConsumerDocument,
    "\n  mutation WorkerRateLimit($taskName: String!, $rateLimit: String!, $hostname: String) { setRateLimit(taskName: $taskName, rateLimit: $rateLimit, hostname: $hostname) { hostname ok message } }\n": types.WorkerRateLimitDocument,
    "\n  mutation WorkerTimeLimit($taskName: String!, $soft: Float, $hard: Float, $hostname: String) { setTimeLimit(taskName: $taskName, soft: $soft, hard: $hard, hostname: $hostname) { hostname ok message } }\n": types.WorkerTimeLimitDocument,
    "\n  mutation WorkerAutoscale($hostname: String, $max: Int!, $min: Int!) { autoscale(hostname: $hostname, max: $max, min: $min) { hostname ok message } }\n": types.WorkerAutoscaleDocument,
    "\n  mutation WorkerRestartPool($hostname: String) { restartPool(hostname: $hostname) { hostname ok message } }\n": types.WorkerRestartPoolDocument,
    "\n  mutation WorkerShutdown($hostname: String!) { shutdownWorker(hostname: $hostname) { hostname ok message } }\n": types.WorkerShutdownDocument,
    "\n  query WorkerFields {\n    workers {\n      hostname online lastSeen lastHeartbeat heartbeatExpires heartbeatIntervalSeconds\n      active processed loadAverage software\n    }\n  }\n": types.WorkerFieldsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendForBulkPage($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n"): (typeof documents)["\n  mutation SendForBulkPage($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BulkPageStates($ids: [ID!]!) { tasks(ids: $ids) { id status resentAs { id } } }\n"): (typeof documents)["\n  query BulkPageStates($ids: [ID!]!) { tasks(ids: $ids) { id status resentAs { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendForPage($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n"): (typeof documents)["\n  mutation SendForPage($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ResentFrom($id: ID!) { task(id: $id) { resentFrom { id } } }\n"): (typeof documents)["\n  query ResentFrom($id: ID!) { task(id: $id) { resentFrom { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BulkSend($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n"): (typeof documents)["\n  mutation BulkSend($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BulkRevokeMatching($filter: TaskFilter!, $dryRun: Boolean! = false, $max: Int) {\n    revokeTasksMatching(filter: $filter, dryRun: $dryRun, max: $max) { id kind state matched done failed dryRun startedAt finishedAt filter }\n  }\n"): (typeof documents)["\n  mutation BulkRevokeMatching($filter: TaskFilter!, $dryRun: Boolean! = false, $max: Int) {\n    revokeTasksMatching(filter: $filter, dryRun: $dryRun, max: $max) { id kind state matched done failed dryRun startedAt finishedAt filter }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BulkResendMatching($filter: TaskFilter!) {\n    resendTasksMatching(filter: $filter) { id kind state matched done failed }\n  }\n"): (typeof documents)["\n  mutation BulkResendMatching($filter: TaskFilter!) {\n    resendTasksMatching(filter: $filter) { id kind state matched done failed }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BulkLook($id: ID!) { bulkAction(id: $id) { id state matched done failed finishedAt error } }\n"): (typeof documents)["\n  query BulkLook($id: ID!) { bulkAction(id: $id) { id state matched done failed finishedAt error } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BulkCount($filter: TaskFilter) { searchTasks(filter: $filter, first: 0) { totalCount } }\n"): (typeof documents)["\n  query BulkCount($filter: TaskFilter) { searchTasks(filter: $filter, first: 0) { totalCount } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BulkRevokeOne($id: ID!) { revokeTask(id: $id, terminate: true, signal: \"SIGKILL\") { id } }\n"): (typeof documents)["\n  mutation BulkRevokeOne($id: ID!) { revokeTask(id: $id, terminate: true, signal: \"SIGKILL\") { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BulkTasks($ids: [ID!]!) { tasks(ids: $ids) { id state timeline { type } resentAs { id } resentFrom { id } } }\n"): (typeof documents)["\n  query BulkTasks($ids: [ID!]!) { tasks(ids: $ids) { id state timeline { type } resentAs { id } resentFrom { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AclEverything($id: ID!, $parent: ID!, $goal: ID!) {\n    task(id: $id) { state status result timeline { type } lastOutcome { state } parent { id } children { id } group { id tasks { id } } }\n    taskGraph(rootId: $parent) { nodes { id } }\n    goal(key: $goal) { status currentTask { id } }\n    backend { up }\n    queues { name length byPriority { priority length } }\n  }\n"): (typeof documents)["\n  query AclEverything($id: ID!, $parent: ID!, $goal: ID!) {\n    task(id: $id) { state status result timeline { type } lastOutcome { state } parent { id } children { id } group { id tasks { id } } }\n    taskGraph(rootId: $parent) { nodes { id } }\n    goal(key: $goal) { status currentTask { id } }\n    backend { up }\n    queues { name length byPriority { priority length } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AclGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n"): (typeof documents)["\n  mutation AclGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AclCompleted($id: ID!) { taskCompleted(id: $id) { state } }\n"): (typeof documents)["\n  subscription AclCompleted($id: ID!) { taskCompleted(id: $id) { state } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AclAlerts { alertRules { name state } alerts(first: 5) { edges { node { state } } } }\n"): (typeof documents)["\n  query AclAlerts { alertRules { name state } alerts(first: 5) { edges { node { state } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KindRules {\n    alertRules { name kind state value threshold }\n  }\n"): (typeof documents)["\n  query KindRules {\n    alertRules { name kind state value threshold }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FollowAlerts {\n    alerts { id rule kind state value threshold }\n  }\n"): (typeof documents)["\n  subscription FollowAlerts {\n    alerts { id rule kind state value threshold }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertRules {\n    alertRules { name kind state value threshold since }\n  }\n"): (typeof documents)["\n  query AlertRules {\n    alertRules { name kind state value threshold since }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertLog($first: Int, $after: String) {\n    alerts(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id rule kind state at value threshold startedAt } }\n    }\n  }\n"): (typeof documents)["\n  query AlertLog($first: Int, $after: String) {\n    alerts(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id rule kind state at value threshold startedAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AwaitOne($id: ID!, $timeoutSeconds: Int!) {\n    awaitTask(id: $id, timeoutSeconds: $timeoutSeconds) { timedOut waitedMs task { id state result } }\n  }\n"): (typeof documents)["\n  query AwaitOne($id: ID!, $timeoutSeconds: Int!) {\n    awaitTask(id: $id, timeoutSeconds: $timeoutSeconds) { timedOut waitedMs task { id state result } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AwaitMany($ids: [ID!]!, $timeoutSeconds: Int!, $mode: AwaitMode) {\n    awaitTasks(ids: $ids, timeoutSeconds: $timeoutSeconds, mode: $mode) { timedOut waitedMs tasks { id state } }\n  }\n"): (typeof documents)["\n  query AwaitMany($ids: [ID!]!, $timeoutSeconds: Int!, $mode: AwaitMode) {\n    awaitTasks(ids: $ids, timeoutSeconds: $timeoutSeconds, mode: $mode) { timedOut waitedMs tasks { id state } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CompletedWithin($id: ID!, $timeoutSeconds: Int) {\n    taskCompleted(id: $id, timeoutSeconds: $timeoutSeconds) { id state rawState }\n  }\n"): (typeof documents)["\n  subscription CompletedWithin($id: ID!, $timeoutSeconds: Int) {\n    taskCompleted(id: $id, timeoutSeconds: $timeoutSeconds) { id state rawState }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Celery57Task($id: ID!) { task(id: $id) { state status statusReason timeline { type } } }\n"): (typeof documents)["\n  query Celery57Task($id: ID!) { task(id: $id) { state status statusReason timeline { type } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Celery57Chord($id: ID!) { group(id: $id) { size completed membersKnown } }\n"): (typeof documents)["\n  query Celery57Chord($id: ID!) { group(id: $id) { size completed membersKnown } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CohortWatch($id: ID!) {\n    task(id: $id, untilReady: false) { id rawState meta }\n  }\n"): (typeof documents)["\n  subscription CohortWatch($id: ID!) {\n    task(id: $id, untilReady: false) { id rawState meta }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CohortWatchIncluded($id: ID!) {\n    watched: task(id: $id, untilReady: false) @include(if: true) { id rawState }\n  }\n"): (typeof documents)["\n  subscription CohortWatchIncluded($id: ID!) {\n    watched: task(id: $id, untilReady: false) @include(if: true) { id rawState }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CohortResume($id: ID!, $after: String) {\n    task(id: $id, untilReady: false, after: $after) { id rawState }\n  }\n"): (typeof documents)["\n  subscription CohortResume($id: ID!, $after: String) {\n    task(id: $id, untilReady: false, after: $after) { id rawState }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OnceSend($name: String!, $args: JSON, $kwargs: JSON, $queue: String, $countdown: Int, $id: ID) {\n    sendTask(name: $name, args: $args, kwargs: $kwargs, queue: $queue, countdown: $countdown, id: $id) { id }\n  }\n"): (typeof documents)["\n  mutation OnceSend($name: String!, $args: JSON, $kwargs: JSON, $queue: String, $countdown: Int, $id: ID) {\n    sendTask(name: $name, args: $args, kwargs: $kwargs, queue: $queue, countdown: $countdown, id: $id) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OnceResend($id: ID!, $queue: String) { resendTask(id: $id, queue: $queue) { id } }\n"): (typeof documents)["\n  mutation OnceResend($id: ID!, $queue: String) { resendTask(id: $id, queue: $queue) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OnceStatus($id: ID!) { task(id: $id) { status } }\n"): (typeof documents)["\n  query OnceStatus($id: ID!) { task(id: $id) { status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DecodedWatch($id: ID!) {\n    task(id: $id, untilReady: false) { id rawState }\n  }\n"): (typeof documents)["\n  subscription DecodedWatch($id: ID!) {\n    task(id: $id, untilReady: false) { id rawState }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation KeysCreate($key: ID!, $metadata: JSON) { createGoal(key: $key, metadata: $metadata) { key status metadata attempts { id } } }\n"): (typeof documents)["\n  mutation KeysCreate($key: ID!, $metadata: JSON) { createGoal(key: $key, metadata: $metadata) { key status metadata attempts { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation KeysAttach($key: ID!, $taskId: ID!) { attachTask(key: $key, taskId: $taskId) { key attempts { id } } }\n"): (typeof documents)["\n  mutation KeysAttach($key: ID!, $taskId: ID!) { attachTask(key: $key, taskId: $taskId) { key attempts { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation KeysUpdate($key: ID!) { updateGoalStatus(key: $key, status: FAILED) { key status } }\n"): (typeof documents)["\n  mutation KeysUpdate($key: ID!) { updateGoalStatus(key: $key, status: FAILED) { key status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeysRead($key: ID!) { goal(key: $key) { key status metadata attempts { id } createdAt updatedAt } }\n"): (typeof documents)["\n  query KeysRead($key: ID!) { goal(key: $key) { key status metadata attempts { id } createdAt updatedAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Create($key: ID!, $metadata: JSON) {\n    createGoal(key: $key, metadata: $metadata) { key status metadata attempts { id } currentTask { id } createdAt updatedAt }\n  }\n"): (typeof documents)["\n  mutation Create($key: ID!, $metadata: JSON) {\n    createGoal(key: $key, metadata: $metadata) { key status metadata attempts { id } currentTask { id } createdAt updatedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Update($key: ID!, $status: GoalStatus!, $metadata: JSON) {\n    updateGoalStatus(key: $key, status: $status, metadata: $metadata) { key status metadata }\n  }\n"): (typeof documents)["\n  mutation Update($key: ID!, $status: GoalStatus!, $metadata: JSON) {\n    updateGoalStatus(key: $key, status: $status, metadata: $metadata) { key status metadata }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Attach($key: ID!, $taskId: ID!) {\n    attachTask(key: $key, taskId: $taskId) { key attempts { id } currentTask { id state } }\n  }\n"): (typeof documents)["\n  mutation Attach($key: ID!, $taskId: ID!) {\n    attachTask(key: $key, taskId: $taskId) { key attempts { id } currentTask { id state } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReadGoal($key: ID!) {\n    goal(key: $key) { key status metadata attempts { id status } currentTask { id state } }\n  }\n"): (typeof documents)["\n  query ReadGoal($key: ID!) {\n    goal(key: $key) { key status metadata attempts { id status } currentTask { id state } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchGoal($key: ID!) {\n    goal(key: $key) { status currentTask { id state } }\n  }\n"): (typeof documents)["\n  subscription WatchGoal($key: ID!) {\n    goal(key: $key) { status currentTask { id state } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PagedAttempts($key: ID!, $offset: Int, $limit: Int) {\n    goal(key: $key) { status attempts(offset: $offset, limit: $limit) { id } currentTask { id } }\n  }\n"): (typeof documents)["\n  query PagedAttempts($key: ID!, $offset: Int, $limit: Int) {\n    goal(key: $key) { status attempts(offset: $offset, limit: $limit) { id } currentTask { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BigGraph($rootId: ID!) {\n    taskGraph(rootId: $rootId) { ready nodes { id task { state } } }\n  }\n"): (typeof documents)["\n  subscription BigGraph($rootId: ID!) {\n    taskGraph(rootId: $rootId) { ready nodes { id task { state } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Graph($rootId: ID!, $maxDepth: Int! = 10) {\n    taskGraph(rootId: $rootId, maxDepth: $maxDepth) {\n      rootId truncated ready\n      nodes { id kind depth task { state exists } group { id size } }\n      edges { from to kind }\n    }\n  }\n"): (typeof documents)["\n  query Graph($rootId: ID!, $maxDepth: Int! = 10) {\n    taskGraph(rootId: $rootId, maxDepth: $maxDepth) {\n      rootId truncated ready\n      nodes { id kind depth task { state exists } group { id size } }\n      edges { from to kind }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Links($id: ID!) {\n    task(id: $id) {\n      id\n      parent { id }\n      root { id }\n      children { id state }\n      group { id saved membersKnown size completed failed ready successful tasks { id } }\n      chordHeader { id }\n    }\n  }\n"): (typeof documents)["\n  query Links($id: ID!) {\n    task(id: $id) {\n      id\n      parent { id }\n      root { id }\n      children { id state }\n      group { id saved membersKnown size completed failed ready successful tasks { id } }\n      chordHeader { id }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SavedGroup($id: ID!) {\n    group(id: $id) { id saved membersKnown size completed failed ready successful tasks { id state } }\n  }\n"): (typeof documents)["\n  query SavedGroup($id: ID!) {\n    group(id: $id) { id saved membersKnown size completed failed ready successful tasks { id state } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Header($id: ID!) {\n    group(id: $id) { membersKnown tasks { id } chordCallback { id } }\n  }\n"): (typeof documents)["\n  query Header($id: ID!) {\n    group(id: $id) { membersKnown tasks { id } chordCallback { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription GraphUpdates($rootId: ID!) {\n    taskGraph(rootId: $rootId) { ready nodes { id task { state } } edges { from to kind } }\n  }\n"): (typeof documents)["\n  subscription GraphUpdates($rootId: ID!) {\n    taskGraph(rootId: $rootId) { ready nodes { id task { state } } edges { from to kind } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HealState($name: String!) {\n    taskStats(by: NAME) { groups { key total byStatus { status count } } }\n    searchTasks(filter: { name: $name }, first: 500) { edges { node { id status } } }\n  }\n"): (typeof documents)["\n  query HealState($name: String!) {\n    taskStats(by: NAME) { groups { key total byStatus { status count } } }\n    searchTasks(filter: { name: $name }, first: 500) { edges { node { id status } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Newer($id: ID!) {\n    task(id: $id) { state exists status statusReason dateDone startedAt worker name timeline { type } }\n  }\n"): (typeof documents)["\n  query Newer($id: ID!) {\n    task(id: $id) { state exists status statusReason dateDone startedAt worker name timeline { type } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Secret($id: ID!) {\n    task(id: $id) { state result args kwargs }\n  }\n"): (typeof documents)["\n  query Secret($id: ID!) {\n    task(id: $id) { state result args kwargs }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchForMetrics($id: ID!) {\n    task(id: $id, untilReady: false) { state }\n  }\n"): (typeof documents)["\n  subscription WatchForMetrics($id: ID!) {\n    task(id: $id, untilReady: false) { state }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StateQuery($id: ID!) {\n    task(id: $id) { id state }\n  }\n"): (typeof documents)["\n  query StateQuery($id: ID!) {\n    task(id: $id) { id state }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CursorSearch($filter: TaskFilter, $first: Int, $after: String) {\n    searchTasks(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { id } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query CursorSearch($filter: TaskFilter, $first: Int, $after: String) {\n    searchTasks(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { id } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CursorFailures($first: Int, $after: String) {\n    failures(first: $first, after: $after) {\n      edges { cursor node { name } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query CursorFailures($first: Int, $after: String) {\n    failures(first: $first, after: $after) {\n      edges { cursor node { name } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CursorChildren($id: ID!, $offset: Int, $limit: Int) {\n    task(id: $id) { children(offset: $offset, limit: $limit) { id } }\n  }\n"): (typeof documents)["\n  query CursorChildren($id: ID!, $offset: Int, $limit: Int) {\n    task(id: $id) { children(offset: $offset, limit: $limit) { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GroupCounts($id: ID!) {\n    group(id: $id) { size progress { total queued running succeeded failed revoked expired unknown lost ready percent } }\n  }\n"): (typeof documents)["\n  query GroupCounts($id: ID!) {\n    group(id: $id) { size progress { total queued running succeeded failed revoked expired unknown lost ready percent } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GraphCounts($rootId: ID!) {\n    taskGraph(rootId: $rootId) { progress { total running succeeded failed ready percent } }\n  }\n"): (typeof documents)["\n  query GraphCounts($rootId: ID!) {\n    taskGraph(rootId: $rootId) { progress { total running succeeded failed ready percent } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FollowGroup($id: ID!) {\n    groupProgress(id: $id) { total queued running succeeded failed lost unknown ready percent }\n  }\n"): (typeof documents)["\n  subscription FollowGroup($id: ID!) {\n    groupProgress(id: $id) { total queued running succeeded failed lost unknown ready percent }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FollowWorkflow($rootId: ID!) {\n    workflowProgress(rootId: $rootId) { total running succeeded ready }\n  }\n"): (typeof documents)["\n  subscription FollowWorkflow($rootId: ID!) {\n    workflowProgress(rootId: $rootId) { total running succeeded ready }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FollowTaskStatus($id: ID!) {\n    task(id: $id) { rawState status }\n  }\n"): (typeof documents)["\n  subscription FollowTaskStatus($id: ID!) {\n    task(id: $id) { rawState status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LostStatus($id: ID!) {\n    task(id: $id) { status statusReason }\n  }\n"): (typeof documents)["\n  query LostStatus($id: ID!) {\n    task(id: $id) { status statusReason }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query HeardWorkers { workers { hostname } }"): (typeof documents)["query HeardWorkers { workers { hostname } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RollupStats($since: DateTime, $until: DateTime, $key: String, $interval: TaskStatsInterval) {\n    taskStats(since: $since, until: $until, by: NAME, key: $key, interval: $interval) {\n      groups {\n        key total byStatus { status count } failureRate\n        runtime { count p50 p95 p99 max }\n        wait { count p50 p95 p99 max }\n      }\n      buckets { start succeeded failed started retried revoked runtime { count p50 } wait { count p99 } }\n    }\n  }\n"): (typeof documents)["\n  query RollupStats($since: DateTime, $until: DateTime, $key: String, $interval: TaskStatsInterval) {\n    taskStats(since: $since, until: $until, by: NAME, key: $key, interval: $interval) {\n      groups {\n        key total byStatus { status count } failureRate\n        runtime { count p50 p95 p99 max }\n        wait { count p50 p95 p99 max }\n      }\n      buckets { start succeeded failed started retried revoked runtime { count p50 } wait { count p99 } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IndexSearch($filter: TaskFilter, $first: Int, $after: String, $order: TaskOrder) {\n    searchTasks(filter: $filter, first: $first, after: $after, order: $order) {\n      edges { cursor node { id state status name worker queue kwargs } }\n      pageInfo { hasNextPage endCursor }\n      totalCount totalCountCapped\n    }\n  }\n"): (typeof documents)["\n  query IndexSearch($filter: TaskFilter, $first: Int, $after: String, $order: TaskOrder) {\n    searchTasks(filter: $filter, first: $first, after: $after, order: $order) {\n      edges { cursor node { id state status name worker queue kwargs } }\n      pageInfo { hasNextPage endCursor }\n      totalCount totalCountCapped\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IndexStats($since: DateTime, $until: DateTime, $by: TaskStatsBy) {\n    taskStats(since: $since, until: $until, by: $by) {\n      since until\n      groups { key total byStatus { status count } failureRate runtime { count p50 p95 max } }\n      perMinute { minute succeeded failed }\n    }\n  }\n"): (typeof documents)["\n  query IndexStats($since: DateTime, $until: DateTime, $by: TaskStatsBy) {\n    taskStats(since: $since, until: $until, by: $by) {\n      since until\n      groups { key total byStatus { status count } failureRate runtime { count p50 p95 max } }\n      perMinute { minute succeeded failed }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IndexFailures($first: Int, $after: String) {\n    failures(first: $first, after: $after) {\n      edges { cursor node { name exceptionType count firstSeen lastSeen example { id state } } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query IndexFailures($first: Int, $after: String) {\n    failures(first: $first, after: $after) {\n      edges { cursor node { name exceptionType count firstSeen lastSeen example { id state } } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription IndexLive($filter: TaskFilter) {\n    taskEvents(filter: $filter) { id state status name }\n  }\n"): (typeof documents)["\n  subscription IndexLive($filter: TaskFilter) {\n    taskEvents(filter: $filter) { id state status name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ViaSentinel($id: ID!) {\n    task(id: $id) { state result }\n  }\n"): (typeof documents)["\n  query ViaSentinel($id: ID!) {\n    task(id: $id) { state result }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TaskCompleted($id: ID!) {\n    taskCompleted(id: $id) { id state result error { type message } }\n  }\n"): (typeof documents)["\n  subscription TaskCompleted($id: ID!) {\n    taskCompleted(id: $id) { id state result error { type message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Status($id: ID!) {\n    task(id: $id) {\n      state exists status statusReason\n      sentAt receivedAt startedAt finishedAt runtime\n      timeline { type at hostname retries }\n      lastOutcome { state dateDone errorType errorMessage }\n      children { id }\n    }\n  }\n"): (typeof documents)["\n  query Status($id: ID!) {\n    task(id: $id) {\n      state exists status statusReason\n      sentAt receivedAt startedAt finishedAt runtime\n      timeline { type at hostname retries }\n      lastOutcome { state dateDone errorType errorMessage }\n      children { id }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Workers {\n    workers { hostname online active processed }\n  }\n"): (typeof documents)["\n  query Workers {\n    workers { hostname online active processed }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreApartRead($id: ID!, $goal: ID!) {\n    task(id: $id) { state status timeline { type } lastOutcome { state } }\n    goal(key: $goal) { status currentTask { id } }\n    searchTasks(filter: { name: \"store.apart\" }, first: 10) { edges { node { id status } } }\n  }\n"): (typeof documents)["\n  query StoreApartRead($id: ID!, $goal: ID!) {\n    task(id: $id) { state status timeline { type } lastOutcome { state } }\n    goal(key: $goal) { status currentTask { id } }\n    searchTasks(filter: { name: \"store.apart\" }, first: 10) { edges { node { id status } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StoreApartGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n"): (typeof documents)["\n  mutation StoreApartGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreApartGoalRead($key: ID!) { goal(key: $key) { status } }\n"): (typeof documents)["\n  query StoreApartGoalRead($key: ID!) { goal(key: $key) { status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClusterEverything($id: ID!, $goal: ID!) {\n    task(id: $id) { state timeline { type } lastOutcome { state } }\n    goal(key: $goal) { status attempts { id } currentTask { id } }\n    searchTasks(filter: { name: \"cluster.job\" }, first: 100) { edges { node { id status } } }\n    failures(first: 10) { edges { node { name exceptionType count } } }\n    taskStats(by: NAME) { groups { key total } }\n  }\n"): (typeof documents)["\n  query ClusterEverything($id: ID!, $goal: ID!) {\n    task(id: $id) { state timeline { type } lastOutcome { state } }\n    goal(key: $goal) { status attempts { id } currentTask { id } }\n    searchTasks(filter: { name: \"cluster.job\" }, first: 100) { edges { node { id status } } }\n    failures(first: 10) { edges { node { name exceptionType count } } }\n    taskStats(by: NAME) { groups { key total } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClusterGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n"): (typeof documents)["\n  mutation ClusterGoal($key: ID!, $taskId: ID!) {\n    createGoal(key: $key) { key }\n    attachTask(key: $key, taskId: $taskId) { key }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClusterLive { taskEvents(filter: { name: \"cluster.live\" }) { id status } }\n"): (typeof documents)["\n  subscription ClusterLive { taskEvents(filter: { name: \"cluster.live\" }) { id status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KillCount { taskStats(by: NAME) { groups { key total byStatus { status count } } } }\n"): (typeof documents)["\n  query KillCount { taskStats(by: NAME) { groups { key total byStatus { status count } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KillSearch { searchTasks(filter: { name: \"kill.job\" }, first: 1) { edges { node { id status } } } }\n"): (typeof documents)["\n  query KillSearch { searchTasks(filter: { name: \"kill.job\" }, first: 1) { edges { node { id status } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FailoverCount { taskStats(by: NAME) { groups { key total byStatus { status count } } } }\n"): (typeof documents)["\n  query FailoverCount { taskStats(by: NAME) { groups { key total byStatus { status count } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreGoal($key: ID!) { goal(key: $key) { key status attempts { id } } }\n"): (typeof documents)["\n  query StoreGoal($key: ID!) { goal(key: $key) { key status attempts { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StoreCreate($key: ID!) { createGoal(key: $key) { key } }\n"): (typeof documents)["\n  mutation StoreCreate($key: ID!) { createGoal(key: $key) { key } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StoreUpdate($key: ID!) { updateGoalStatus(key: $key, status: RUNNING) { key } }\n"): (typeof documents)["\n  mutation StoreUpdate($key: ID!) { updateGoalStatus(key: $key, status: RUNNING) { key } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StoreAttach($key: ID!, $taskId: ID!) { attachTask(key: $key, taskId: $taskId) { key } }\n"): (typeof documents)["\n  mutation StoreAttach($key: ID!, $taskId: ID!) { attachTask(key: $key, taskId: $taskId) { key } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription StoreWatch($key: ID!) { goal(key: $key) { status } }\n"): (typeof documents)["\n  subscription StoreWatch($key: ID!) { goal(key: $key) { status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreHistory($id: ID!) { task(id: $id) { id timeline { type } } }\n"): (typeof documents)["\n  query StoreHistory($id: ID!) { task(id: $id) { id timeline { type } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreOutcome($id: ID!) { task(id: $id) { id lastOutcome { state } } }\n"): (typeof documents)["\n  query StoreOutcome($id: ID!) { task(id: $id) { id lastOutcome { state } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreHistories($ids: [ID!]!) { tasks(ids: $ids) { id timeline { type } lastOutcome { state } } }\n"): (typeof documents)["\n  query StoreHistories($ids: [ID!]!) { tasks(ids: $ids) { id timeline { type } lastOutcome { state } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreStatus($id: ID!) { task(id: $id) { id status } }\n"): (typeof documents)["\n  query StoreStatus($id: ID!) { task(id: $id) { id status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreMembers($id: ID!) { group(id: $id) { id membersKnown } }\n"): (typeof documents)["\n  query StoreMembers($id: ID!) { group(id: $id) { id membersKnown } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchTask($id: ID!, $untilReady: Boolean! = true) {\n    task(id: $id, untilReady: $untilReady) { id state rawState meta result ttlSeconds }\n  }\n"): (typeof documents)["\n  subscription WatchTask($id: ID!, $untilReady: Boolean! = true) {\n    task(id: $id, untilReady: $untilReady) { id state rawState meta result ttlSeconds }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchTasks($ids: [ID!]!) {\n    tasks(ids: $ids) { id state result }\n  }\n"): (typeof documents)["\n  subscription WatchTasks($ids: [ID!]!) {\n    tasks(ids: $ids) { id state result }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FailedEvents($filter: TaskFilter) {\n    taskEvents(filter: $filter) { id status state finishedAt lastHeardAt error { type } }\n  }\n"): (typeof documents)["\n  subscription FailedEvents($filter: TaskFilter) {\n    taskEvents(filter: $filter) { id status state finishedAt lastHeardAt error { type } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QueuedNames($id: ID!, $name: String!) {\n    task(id: $id) { name status lastHeardAt }\n    searchTasks(filter: { name: $name }) { edges { node { id name } } }\n    taskGraph(rootId: $id) { nodes { id task { name status } } }\n  }\n"): (typeof documents)["\n  query QueuedNames($id: ID!, $name: String!) {\n    task(id: $id) { name status lastHeardAt }\n    searchTasks(filter: { name: $name }) { edges { node { id name } } }\n    taskGraph(rootId: $id) { nodes { id task { name status } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HeardAt($id: ID!) { task(id: $id) { lastHeardAt } }\n"): (typeof documents)["\n  query HeardAt($id: ID!) { task(id: $id) { lastHeardAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListedTimes($prefix: String!) {\n    searchTasks(filter: { namePrefix: $prefix }) { edges { node { id name lastHeardAt } } }\n  }\n"): (typeof documents)["\n  query ListedTimes($prefix: String!) {\n    searchTasks(filter: { namePrefix: $prefix }) { edges { node { id name lastHeardAt } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveTtl($id: ID!) {\n    task(id: $id, untilReady: false) { rawState ttlSeconds expiresAt }\n  }\n"): (typeof documents)["\n  subscription LiveTtl($id: ID!) {\n    task(id: $id, untilReady: false) { rawState ttlSeconds expiresAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveTtls($ids: [ID!]!) {\n    tasks(ids: $ids, untilReady: false) { id rawState ttlSeconds expiresAt }\n  }\n"): (typeof documents)["\n  subscription LiveTtls($ids: [ID!]!) {\n    tasks(ids: $ids, untilReady: false) { id rawState ttlSeconds expiresAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveTimes($id: ID!) {\n    task(id: $id, untilReady: false) { rawState status startedAt finishedAt runtime }\n  }\n"): (typeof documents)["\n  subscription LiveTimes($id: ID!) {\n    task(id: $id, untilReady: false) { rawState status startedAt finishedAt runtime }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveTimesMany($ids: [ID!]!) {\n    tasks(ids: $ids, untilReady: false) { id rawState status startedAt finishedAt runtime }\n  }\n"): (typeof documents)["\n  subscription LiveTimesMany($ids: [ID!]!) {\n    tasks(ids: $ids, untilReady: false) { id rawState status startedAt finishedAt runtime }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveStates($id: ID!) {\n    task(id: $id, untilReady: false) { rawState result }\n  }\n"): (typeof documents)["\n  subscription LiveStates($id: ID!) {\n    task(id: $id, untilReady: false) { rawState result }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TaskQuery($id: ID!) {\n    task(id: $id) {\n      id exists state rawState ready successful failed\n      result meta\n      error { type message module args traceback }\n      name args kwargs worker queue retries\n      dateDone expiresAt ttlSeconds parentId groupId\n    }\n  }\n"): (typeof documents)["\n  query TaskQuery($id: ID!) {\n    task(id: $id) {\n      id exists state rawState ready successful failed\n      result meta\n      error { type message module args traceback }\n      name args kwargs worker queue retries\n      dateDone expiresAt ttlSeconds parentId groupId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TasksQuery($ids: [ID!]!) {\n    tasks(ids: $ids) { id state exists }\n  }\n"): (typeof documents)["\n  query TasksQuery($ids: [ID!]!) {\n    tasks(ids: $ids) { id state exists }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TasksWithTtlQuery($ids: [ID!]!) {\n    tasks(ids: $ids) { id exists ...Expiry }\n  }\n  fragment Expiry on Task { ttlSeconds }\n"): (typeof documents)["\n  query TasksWithTtlQuery($ids: [ID!]!) {\n    tasks(ids: $ids) { id exists ...Expiry }\n  }\n  fragment Expiry on Task { ttlSeconds }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StatsBuckets($since: DateTime, $until: DateTime, $interval: TaskStatsInterval) {\n    taskStats(since: $since, until: $until, interval: $interval) {\n      since until interval\n      buckets { start succeeded failed }\n    }\n  }\n"): (typeof documents)["\n  query StatsBuckets($since: DateTime, $until: DateTime, $interval: TaskStatsInterval) {\n    taskStats(since: $since, until: $until, interval: $interval) {\n      since until interval\n      buckets { start succeeded failed }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OverTls($id: ID!) {\n    task(id: $id) { state result }\n  }\n"): (typeof documents)["\n  query OverTls($id: ID!) {\n    task(id: $id) { state result }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AmqpLook($id: ID!) {\n    task(id: $id) { state status statusReason name timeline { type } }\n  }\n"): (typeof documents)["\n  query AmqpLook($id: ID!) {\n    task(id: $id) { state status statusReason name timeline { type } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AmqpOverview($prefix: String!) {\n    workers { hostname online }\n    queues { name length }\n    searchTasks(filter: { namePrefix: $prefix }) { totalCount }\n  }\n"): (typeof documents)["\n  query AmqpOverview($prefix: String!) {\n    workers { hostname online }\n    queues { name length }\n    searchTasks(filter: { namePrefix: $prefix }) { totalCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AmqpSend($name: String!, $args: JSON, $queue: String) {\n    sendTask(name: $name, args: $args, queue: $queue) { id status }\n  }\n"): (typeof documents)["\n  mutation AmqpSend($name: String!, $args: JSON, $queue: String) {\n    sendTask(name: $name, args: $args, queue: $queue) { id status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AmqpRevoke($id: ID!) { revokeTask(id: $id) { id } }\n"): (typeof documents)["\n  mutation AmqpRevoke($id: ID!) { revokeTask(id: $id) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AmqpQueueLengths {\n    queues { name length oldestTaskId oldestAgeSeconds }\n  }\n"): (typeof documents)["\n  query AmqpQueueLengths {\n    queues { name length oldestTaskId oldestAgeSeconds }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AmqpQueuedTimeline($id: ID!) {\n    task(id: $id) { sentAt timeline { type } }\n  }\n"): (typeof documents)["\n  query AmqpQueuedTimeline($id: ID!) {\n    task(id: $id) { sentAt timeline { type } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AmqpWorkerInspect($hostname: String!) {\n    worker(hostname: $hostname) { activeTasks { id } registered queues pool { maxConcurrency processes } }\n  }\n"): (typeof documents)["\n  query AmqpWorkerInspect($hostname: String!) {\n    worker(hostname: $hostname) { activeTasks { id } registered queues pool { maxConcurrency processes } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AmqpWorkerNames { workers { hostname online } }\n"): (typeof documents)["\n  query AmqpWorkerNames { workers { hostname online } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AmqpWorkerGrow($hostname: String!) { growPool(hostname: $hostname) { hostname ok message } }\n"): (typeof documents)["\n  mutation AmqpWorkerGrow($hostname: String!) { growPool(hostname: $hostname) { hostname ok message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AmqpWorkerAdd($hostname: String!, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n"): (typeof documents)["\n  mutation AmqpWorkerAdd($hostname: String!, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AmqpWorkerShutdown($hostname: String!) { shutdownWorker(hostname: $hostname) { ok } }\n"): (typeof documents)["\n  mutation AmqpWorkerShutdown($hostname: String!) { shutdownWorker(hostname: $hostname) { ok } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BulkCancel($id: ID!) { cancelBulkAction(id: $id) { id state done } }\n"): (typeof documents)["\n  mutation BulkCancel($id: ID!) { cancelBulkAction(id: $id) { id state done } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BulkList($first: Int, $after: String) { bulkActions(first: $first, after: $after) { edges { cursor node { id kind } } pageInfo { hasNextPage endCursor } } }\n"): (typeof documents)["\n  query BulkList($first: Int, $after: String) { bulkActions(first: $first, after: $after) { edges { cursor node { id kind } } pageInfo { hasNextPage endCursor } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BulkFollow($id: ID!) { bulkAction(id: $id) { id state done matched } }\n"): (typeof documents)["\n  subscription BulkFollow($id: ID!) { bulkAction(id: $id) { id state done matched } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ControlSend($name: String!, $args: JSON, $kwargs: JSON, $queue: String, $countdown: Int, $eta: DateTime, $expires: DateTime, $priority: Int, $id: ID) {\n    sendTask(name: $name, args: $args, kwargs: $kwargs, queue: $queue, countdown: $countdown, eta: $eta, expires: $expires, priority: $priority, id: $id) { id status }\n  }\n"): (typeof documents)["\n  mutation ControlSend($name: String!, $args: JSON, $kwargs: JSON, $queue: String, $countdown: Int, $eta: DateTime, $expires: DateTime, $priority: Int, $id: ID) {\n    sendTask(name: $name, args: $args, kwargs: $kwargs, queue: $queue, countdown: $countdown, eta: $eta, expires: $expires, priority: $priority, id: $id) { id status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ControlRevoke($id: ID!, $terminate: Boolean! = false, $signal: String! = \"SIGTERM\") {\n    revokeTask(id: $id, terminate: $terminate, signal: $signal) { id }\n  }\n"): (typeof documents)["\n  mutation ControlRevoke($id: ID!, $terminate: Boolean! = false, $signal: String! = \"SIGTERM\") {\n    revokeTask(id: $id, terminate: $terminate, signal: $signal) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ControlRevokeMany($ids: [ID!]!) { revokeTasks(ids: $ids) { id } }\n"): (typeof documents)["\n  mutation ControlRevokeMany($ids: [ID!]!) { revokeTasks(ids: $ids) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ControlResend($id: ID!) { resendTask(id: $id) { id resentFrom { id } } }\n"): (typeof documents)["\n  mutation ControlResend($id: ID!) { resendTask(id: $id) { id resentFrom { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ControlLook($id: ID!) {\n    task(id: $id) { id state status result dateDone name args kwargs error { type } timeline { type at } resentAs { id } resentFrom { id } }\n  }\n"): (typeof documents)["\n  query ControlLook($id: ID!) {\n    task(id: $id) { id state status result dateDone name args kwargs error { type } timeline { type at } resentAs { id } resentFrom { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowGraph($rootId: ID!) {\n    taskGraph(rootId: $rootId) {\n      ready\n      nodes { id kind task { state } }\n      edges { from to kind }\n    }\n  }\n"): (typeof documents)["\n  query WorkflowGraph($rootId: ID!) {\n    taskGraph(rootId: $rootId) {\n      ready\n      nodes { id kind task { state } }\n      edges { from to kind }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowTask($id: ID!) {\n    task(id: $id) {\n      state\n      parent { id }\n      root { id }\n      children { id }\n      group { id membersKnown tasks { id } }\n      chordHeader { id }\n    }\n  }\n"): (typeof documents)["\n  query WorkflowTask($id: ID!) {\n    task(id: $id) {\n      state\n      parent { id }\n      root { id }\n      children { id }\n      group { id membersKnown tasks { id } }\n      chordHeader { id }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowGroup($id: ID!) {\n    group(id: $id) { saved size completed ready successful tasks { id } }\n  }\n"): (typeof documents)["\n  query WorkflowGroup($id: ID!) {\n    group(id: $id) { saved size completed ready successful tasks { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ChordHeader($id: ID!) {\n    group(id: $id) { saved membersKnown tasks { id } chordCallback { id result } }\n  }\n"): (typeof documents)["\n  query ChordHeader($id: ID!) {\n    group(id: $id) { saved membersKnown tasks { id } chordCallback { id result } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InteropSearch($filter: TaskFilter, $after: String) {\n    searchTasks(filter: $filter, first: 7, after: $after) {\n      edges { node { id state name } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query InteropSearch($filter: TaskFilter, $after: String) {\n    searchTasks(filter: $filter, first: 7, after: $after) {\n      edges { node { id state name } }\n      pageInfo { hasNextPage endCursor }\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription InteropEnds {\n    taskEvents(filter: { status: [SUCCEEDED, FAILED] }) { id status finishedAt runtime }\n  }\n"): (typeof documents)["\n  subscription InteropEnds {\n    taskEvents(filter: { status: [SUCCEEDED, FAILED] }) { id status finishedAt runtime }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InteropStats($since: DateTime) {\n    taskStats(since: $since, by: NAME) { groups { key total byStatus { status count } } }\n  }\n"): (typeof documents)["\n  query InteropStats($since: DateTime) {\n    taskStats(since: $since, by: NAME) { groups { key total byStatus { status count } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Lost($id: ID!) {\n    task(id: $id) { state rawState status statusReason }\n    workers { hostname online }\n  }\n"): (typeof documents)["\n  query Lost($id: ID!) {\n    task(id: $id) { state rawState status statusReason }\n    workers { hostname online }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ChordProgress($id: ID!) {\n    groupProgress(id: $id) { total queued running succeeded failed revoked expired unknown lost ready percent }\n  }\n"): (typeof documents)["\n  subscription ChordProgress($id: ID!) {\n    groupProgress(id: $id) { total queued running succeeded failed revoked expired unknown lost ready percent }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Queues {\n    queues {\n      name length oldestTaskId oldestAgeSeconds wrongTypeKeys\n      byPriority { priority length oldestTaskId oldestAgeSeconds }\n    }\n  }\n"): (typeof documents)["\n  query Queues {\n    queues {\n      name length oldestTaskId oldestAgeSeconds wrongTypeKeys\n      byPriority { priority length oldestTaskId oldestAgeSeconds }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QueuedWhy($id: ID!) { task(id: $id) { status statusReason } }\n"): (typeof documents)["\n  query QueuedWhy($id: ID!) { task(id: $id) { status statusReason } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RollupTiming($id: ID!) {\n    task(id: $id) { id status sentAt startedAt runtime }\n  }\n"): (typeof documents)["\n  query RollupTiming($id: ID!) {\n    task(id: $id) { id status sentAt startedAt runtime }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RollupPerName($since: DateTime, $by: TaskStatsBy, $key: String) {\n    taskStats(since: $since, by: $by, key: $key) {\n      groups {\n        key total\n        runtime { count p50 p95 p99 }\n        wait { count p50 p95 p99 }\n      }\n    }\n  }\n"): (typeof documents)["\n  query RollupPerName($since: DateTime, $by: TaskStatsBy, $key: String) {\n    taskStats(since: $since, by: $by, key: $key) {\n      groups {\n        key total\n        runtime { count p50 p95 p99 }\n        wait { count p50 p95 p99 }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Why($id: ID!) {\n    task(id: $id) {\n      state exists status statusReason\n      sentAt receivedAt startedAt finishedAt\n      timeline { type retries }\n      lastOutcome { state errorType }\n    }\n  }\n"): (typeof documents)["\n  query Why($id: ID!) {\n    task(id: $id) {\n      state exists status statusReason\n      sentAt receivedAt startedAt finishedAt\n      timeline { type retries }\n      lastOutcome { state errorType }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Follow($id: ID!) {\n    task(id: $id) { rawState status retries }\n  }\n"): (typeof documents)["\n  subscription Follow($id: ID!) {\n    task(id: $id) { rawState status retries }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription InteropCompleted($id: ID!) {\n    taskCompleted(id: $id) { id state result }\n  }\n"): (typeof documents)["\n  subscription InteropCompleted($id: ID!) {\n    taskCompleted(id: $id) { id state result }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription InteropWatch($id: ID!) {\n    task(id: $id) { id rawState meta result }\n  }\n"): (typeof documents)["\n  subscription InteropWatch($id: ID!) {\n    task(id: $id) { id rawState meta result }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InteropStates($ids: [ID!]!) {\n    tasks(ids: $ids) { id state }\n  }\n"): (typeof documents)["\n  query InteropStates($ids: [ID!]!) {\n    tasks(ids: $ids) { id state }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InteropTask($ids: [ID!]!) {\n    tasks(ids: $ids) {\n      id exists state rawState ready successful failed\n      result meta\n      error { type message module args traceback }\n      name args kwargs worker queue retries\n      dateDone parentId groupId\n      parent { id }\n      children { id }\n    }\n  }\n"): (typeof documents)["\n  query InteropTask($ids: [ID!]!) {\n    tasks(ids: $ids) {\n      id exists state rawState ready successful failed\n      result meta\n      error { type message module args traceback }\n      name args kwargs worker queue retries\n      dateDone parentId groupId\n      parent { id }\n      children { id }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkerInspect($hostname: String!) {\n    worker(hostname: $hostname) {\n      hostname online inspectedAt\n      activeTasks { id } reservedTasks { id } scheduledTasks { id }\n      registered queues stats conf\n      pool { implementation maxConcurrency processes }\n    }\n  }\n"): (typeof documents)["\n  query WorkerInspect($hostname: String!) {\n    worker(hostname: $hostname) {\n      hostname online inspectedAt\n      activeTasks { id } reservedTasks { id } scheduledTasks { id }\n      registered queues stats conf\n      pool { implementation maxConcurrency processes }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkerHostnames { workers { hostname online } }\n"): (typeof documents)["\n  query WorkerHostnames { workers { hostname online } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkerActive($hostname: String!) { worker(hostname: $hostname) { activeTasks { id name } } }\n"): (typeof documents)["\n  query WorkerActive($hostname: String!) { worker(hostname: $hostname) { activeTasks { id name } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkerPool($hostname: String!) { worker(hostname: $hostname) { pool { processes } queues } }\n"): (typeof documents)["\n  query WorkerPool($hostname: String!) { worker(hostname: $hostname) { pool { processes } queues } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkerGrow($hostname: String, $n: Int! = 1) { growPool(hostname: $hostname, n: $n) { hostname ok message } }\n"): (typeof documents)["\n  mutation WorkerGrow($hostname: String, $n: Int! = 1) { growPool(hostname: $hostname, n: $n) { hostname ok message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkerShrink($hostname: String) { shrinkPool(hostname: $hostname) { hostname ok message } }\n"): (typeof documents)["\n  mutation WorkerShrink($hostname: String) { shrinkPool(hostname: $hostname) { hostname ok message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkerAddConsumer($hostname: String, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n"): (typeof documents)["\n  mutation WorkerAddConsumer($hostname: String, $queue: String!) { addConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkerCancelConsumer($hostname: String, $queue: String!) { cancelConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n"): (typeof documents)["\n  mutation WorkerCancelConsumer($hostname: String, $queue: String!) { cancelConsumer(hostname: $hostname, queue: $queue) { hostname ok message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkerRateLimit($taskName: String!, $rateLimit: String!, $hostname: String) { setRateLimit(taskName: $taskName, rateLimit: $rateLimit, hostname: $hostname) { hostname ok message } }\n"): (typeof documents)["\n  mutation WorkerRateLimit($taskName: String!, $rateLimit: String!, $hostname: String) { setRateLimit(taskName: $taskName, rateLimit: $rateLimit, hostname: $hostname) { hostname ok message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkerTimeLimit($taskName: String!, $soft: Float, $hard: Float, $hostname: String) { setTimeLimit(taskName: $taskName, soft: $soft, hard: $hard, hostname: $hostname) { hostname ok message } }\n"): (typeof documents)["\n  mutation WorkerTimeLimit($taskName: String!, $soft: Float, $hard: Float, $hostname: String) { setTimeLimit(taskName: $taskName, soft: $soft, hard: $hard, hostname: $hostname) { hostname ok message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkerAutoscale($hostname: String, $max: Int!, $min: Int!) { autoscale(hostname: $hostname, max: $max, min: $min) { hostname ok message } }\n"): (typeof documents)["\n  mutation WorkerAutoscale($hostname: String, $max: Int!, $min: Int!) { autoscale(hostname: $hostname, max: $max, min: $min) { hostname ok message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkerRestartPool($hostname: String) { restartPool(hostname: $hostname) { hostname ok message } }\n"): (typeof documents)["\n  mutation WorkerRestartPool($hostname: String) { restartPool(hostname: $hostname) { hostname ok message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkerShutdown($hostname: String!) { shutdownWorker(hostname: $hostname) { hostname ok message } }\n"): (typeof documents)["\n  mutation WorkerShutdown($hostname: String!) { shutdownWorker(hostname: $hostname) { hostname ok message } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkerFields {\n    workers {\n      hostname online lastSeen lastHeartbeat heartbeatExpires heartbeatIntervalSeconds\n      active processed loadAverage software\n    }\n  }\n"): (typeof documents)["\n  query WorkerFields {\n    workers {\n      hostname online lastSeen lastHeartbeat heartbeatExpires heartbeatIntervalSeconds\n      active processed loadAverage software\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;