import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './task/task.ts';
import './task/task-links.ts';
import './task/task-history.ts';
import './task/task-last-heard.ts';
import './group.ts';
import './task/task-graph.ts';
import './goal.ts';
import './control.ts';
import './bulk/bulk-action.ts';
import './bulk/bulk-mutations.ts';
import './viewer.ts';
import './worker/worker.ts';
import './worker/worker-inspect.ts';
import './worker/worker-control.ts';
import './queue.ts';
import './task/task-subscriptions.ts';
import './progress.ts';
import './await.ts';
import './read-token.ts';
import './backend-health.ts';
import './search.ts';
import './task/task-stats.ts';
import './failures.ts';
import './task/task-events.ts';
import './alert/alert-rule.ts';
import './alert/alert.ts';

export const schema = builder.toSchema();

let unguarded: GraphQLSchema | null = null;
/**
 * The same schema without Pothos' scope-auth wrappers, built on first use:
 * compiled operations run on it for callers whose scopes the document's
 * fields are decided to allow (src/plugins/use-compiled-operations.ts).
 */
export function schemaWithoutScopeAuth(): GraphQLSchema {
  unguarded ??= builder.toSchema({ disableScopeAuth: true });
  return unguarded;
}
