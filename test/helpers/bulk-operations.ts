/**
 * The operations the bulk-action tests send (test/interop/bulk.test.ts and
 * amqp-bulk.test.ts, one per broker), and reads over an app's own handler
 * that fail the test on any GraphQL error.
 */
import { type DocumentNode, print } from 'graphql';
import { expect } from 'vitest';
import { graphql } from '../gql/index.js';
import type { startApp } from './app.ts';
import { until } from './until.ts';

export const Send = graphql(`
  mutation BulkSend($name: String!, $args: JSON, $queue: String) { sendTask(name: $name, args: $args, queue: $queue) { id } }
`);
export const RevokeMatching = graphql(`
  mutation BulkRevokeMatching($filter: TaskFilter!, $dryRun: Boolean! = false, $max: Int) {
    revokeTasksMatching(filter: $filter, dryRun: $dryRun, max: $max) { id kind state matched done failed dryRun startedAt finishedAt filter }
  }
`);
export const ResendMatching = graphql(`
  mutation BulkResendMatching($filter: TaskFilter!) {
    resendTasksMatching(filter: $filter) { id kind state matched done failed }
  }
`);
export const Look = graphql(`
  query BulkLook($id: ID!) { bulkAction(id: $id) { id state matched done failed finishedAt error } }
`);
export const Count = graphql(`
  query BulkCount($filter: TaskFilter) { searchTasks(filter: $filter, first: 0) { totalCount } }
`);
export const Revoke = graphql(`
  mutation BulkRevokeOne($id: ID!) { revokeTask(id: $id, terminate: true, signal: "SIGKILL") { id } }
`);
export const Tasks = graphql(`
  query BulkTasks($ids: [ID!]!) { tasks(ids: $ids) { id state timeline { type } resentAs { id } resentFrom { id } } }
`);

export type App = Awaited<ReturnType<typeof startApp>>;
export type Action = { state: string; matched: number; done: number; failed: number };
export type TaskRow = {
  id: string;
  state: string;
  timeline: { type: string }[];
  resentAs: { id: string }[];
  resentFrom: { id: string } | null;
};

/** The data of `document` on `target`, asserting it answered no error. */
export async function ok<T>(target: App, document: DocumentNode, variables: object): Promise<T> {
  const response = await target.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const { data, errors } = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(errors).toBeUndefined();
  return data as T;
}

/** Reads and sends on the app `current()` gives (set in a beforeAll). */
export function bulkOperations(current: () => App) {
  const look = async (id: string, target = current()) =>
    (await ok<{ bulkAction: Action | null }>(target, Look, { id })).bulkAction;
  return {
    async sendMany(count: number, name: string, queue: string, args: (index: number) => unknown[]) {
      const ids: string[] = [];
      for (let index = 0; index < count; index += 1)
        ids.push(
          (await ok<{ sendTask: { id: string } }>(current(), Send, { name, args: args(index), queue })).sendTask.id,
        );
      return ids;
    },
    total: async (filter: object) =>
      (await ok<{ searchTasks: { totalCount: number } }>(current(), Count, { filter })).searchTasks.totalCount,
    look,
    tasks: async (ids: string[]) => (await ok<{ tasks: TaskRow[] }>(current(), Tasks, { ids })).tasks,
    /** The action once it is no longer RUNNING. */
    async ended(id: string, timeout = 30_000): Promise<Action> {
      await until(async () => (await look(id))?.state !== 'RUNNING', timeout);
      return (await look(id)) as Action;
    },
  };
}
