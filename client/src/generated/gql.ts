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
    "\n  fragment LensTaskFields on Task {\n    id\n    state\n    rawState\n    status\n    statusReason\n    exists\n    ready\n    successful\n    failed\n    name\n    worker\n    queue\n    retries\n    parentId\n    groupId\n    sentAt\n    receivedAt\n    startedAt\n    dateDone\n    finishedAt\n    runtime\n    result @include(if: $payload)\n    meta @include(if: $payload)\n    error {\n      type\n      module\n      message @include(if: $payload)\n      traceback @include(if: $payload)\n    }\n  }\n": typeof types.LensTaskFieldsFragmentDoc,
    "\n  subscription LensWatchTask($id: ID!, $untilReady: Boolean!, $payload: Boolean!, $after: String) {\n    task(id: $id, untilReady: $untilReady, after: $after) {\n      ...LensTaskFields\n    }\n  }\n": typeof types.LensWatchTaskDocument,
    "\n  subscription LensWatchTasks($ids: [ID!]!, $untilReady: Boolean!, $payload: Boolean!, $after: String) {\n    tasks(ids: $ids, untilReady: $untilReady, after: $after) {\n      ...LensTaskFields\n    }\n  }\n": typeof types.LensWatchTasksDocument,
    "\n  subscription LensWatchGraph($rootId: ID!, $maxDepth: Int!, $after: String) {\n    taskGraph(rootId: $rootId, maxDepth: $maxDepth, after: $after) {\n      rootId\n      ready\n      truncated\n      nodes {\n        id\n        kind\n        depth\n        task { id state rawState status ready name dateDone }\n        group { id size completed failed ready }\n      }\n      edges { from to kind }\n    }\n  }\n": typeof types.LensWatchGraphDocument,
};
const documents: Documents = {
    "\n  fragment LensTaskFields on Task {\n    id\n    state\n    rawState\n    status\n    statusReason\n    exists\n    ready\n    successful\n    failed\n    name\n    worker\n    queue\n    retries\n    parentId\n    groupId\n    sentAt\n    receivedAt\n    startedAt\n    dateDone\n    finishedAt\n    runtime\n    result @include(if: $payload)\n    meta @include(if: $payload)\n    error {\n      type\n      module\n      message @include(if: $payload)\n      traceback @include(if: $payload)\n    }\n  }\n": types.LensTaskFieldsFragmentDoc,
    "\n  subscription LensWatchTask($id: ID!, $untilReady: Boolean!, $payload: Boolean!, $after: String) {\n    task(id: $id, untilReady: $untilReady, after: $after) {\n      ...LensTaskFields\n    }\n  }\n": types.LensWatchTaskDocument,
    "\n  subscription LensWatchTasks($ids: [ID!]!, $untilReady: Boolean!, $payload: Boolean!, $after: String) {\n    tasks(ids: $ids, untilReady: $untilReady, after: $after) {\n      ...LensTaskFields\n    }\n  }\n": types.LensWatchTasksDocument,
    "\n  subscription LensWatchGraph($rootId: ID!, $maxDepth: Int!, $after: String) {\n    taskGraph(rootId: $rootId, maxDepth: $maxDepth, after: $after) {\n      rootId\n      ready\n      truncated\n      nodes {\n        id\n        kind\n        depth\n        task { id state rawState status ready name dateDone }\n        group { id size completed failed ready }\n      }\n      edges { from to kind }\n    }\n  }\n": types.LensWatchGraphDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LensTaskFields on Task {\n    id\n    state\n    rawState\n    status\n    statusReason\n    exists\n    ready\n    successful\n    failed\n    name\n    worker\n    queue\n    retries\n    parentId\n    groupId\n    sentAt\n    receivedAt\n    startedAt\n    dateDone\n    finishedAt\n    runtime\n    result @include(if: $payload)\n    meta @include(if: $payload)\n    error {\n      type\n      module\n      message @include(if: $payload)\n      traceback @include(if: $payload)\n    }\n  }\n"): typeof import('./graphql.js').LensTaskFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LensWatchTask($id: ID!, $untilReady: Boolean!, $payload: Boolean!, $after: String) {\n    task(id: $id, untilReady: $untilReady, after: $after) {\n      ...LensTaskFields\n    }\n  }\n"): typeof import('./graphql.js').LensWatchTaskDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LensWatchTasks($ids: [ID!]!, $untilReady: Boolean!, $payload: Boolean!, $after: String) {\n    tasks(ids: $ids, untilReady: $untilReady, after: $after) {\n      ...LensTaskFields\n    }\n  }\n"): typeof import('./graphql.js').LensWatchTasksDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LensWatchGraph($rootId: ID!, $maxDepth: Int!, $after: String) {\n    taskGraph(rootId: $rootId, maxDepth: $maxDepth, after: $after) {\n      rootId\n      ready\n      truncated\n      nodes {\n        id\n        kind\n        depth\n        task { id state rawState status ready name dateDone }\n        group { id size completed failed ready }\n      }\n      edges { from to kind }\n    }\n  }\n"): typeof import('./graphql.js').LensWatchGraphDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
