/**
 * The operations GraphiQL opens with: something useful on the first click.
 * The id is a default value in the operation itself, not in the variables
 * pane: the bundled GraphiQL (5.x) ignores a tab's variables.
 */
const EXAMPLE_ID = '00000000-0000-0000-0000-000000000000';

export const GRAPHIQL_EXAMPLE = /* GraphQL */ `# celery-lens: Celery task state straight from the Redis result backend.
# Replace the id (AsyncResult.id / task.delay().id), or pass {"id": "…"} as variables.

query TaskStatus($id: ID! = "${EXAMPLE_ID}") {
  task(id: $id) {
    id
    exists      # false: Celery would say PENDING (queued, unknown or expired)
    state
    status      # PENDING disambiguated: QUEUED, UNKNOWN, EXPIRED, …
    rawState    # custom states such as PROGRESS keep their name here
    meta        # update_state(meta=...) of a custom state
    result
    error { type message traceback }
    name args kwargs worker queue retries
    dateDone
    expiresAt
    ttlSeconds
    parentId
    groupId
  }
  backend { up latencyMs url }
}
`;

export const GRAPHIQL_SUBSCRIPTION_EXAMPLE = /* GraphQL */ `# Every change of one task as it happens (each PROGRESS step), over graphql-ws.

subscription TaskUpdates($id: ID! = "${EXAMPLE_ID}") {
  task(id: $id, untilReady: false) {
    id
    state
    status
    rawState
    meta
    result
    error { type message }
  }
}
`;
