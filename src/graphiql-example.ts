/** The operation GraphiQL opens with: something useful on the first click. */
export const GRAPHIQL_EXAMPLE = /* GraphQL */ `# celery-lens: Celery task state straight from the Redis result backend.
# Put a task id (from AsyncResult.id / task.delay().id) in the variables below.

query TaskStatus($id: ID!) {
  task(id: $id) {
    id
    exists      # false: Celery would say PENDING (queued, unknown or expired)
    state
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

export const GRAPHIQL_VARIABLES = JSON.stringify({ id: '00000000-0000-0000-0000-000000000000' }, null, 2);
