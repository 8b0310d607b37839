/**
 * The Tasks view's first page, kept live by taskEvents: what to subscribe to
 * for a filter, and what one event does to the rows shown.
 */
import type { SearchTasksQuery, TaskFilter, TaskOrder, TaskRowFragment, TaskStatus } from './graphql/generated/graphql.ts';

export type TaskPage = SearchTasksQuery['searchTasks'];

/** Statuses a task moves on from: a row shown under one of them must still hear its next change. */
const PASSING: ReadonlySet<TaskStatus> = new Set(['QUEUED', 'RUNNING', 'RETRYING', 'STALLED', 'LOST']);

/**
 * The filter taskEvents is asked with. The server drops every change that
 * does not match, so a row shown as RUNNING under "Running" would never hear
 * that it finished: with a status a task leaves, the statuses are checked
 * here instead (`applyRow`). Final statuses stay on the server, so "Failed"
 * hears only failures.
 */
export function eventFilter(filter: TaskFilter): TaskFilter {
  if (!filter.status?.some((status) => PASSING.has(status))) return filter;
  const { status: _checkedHere, ...rest } = filter;
  return rest;
}

const wanted = (filter: TaskFilter, status: TaskStatus) => !filter.status?.length || filter.status.includes(status);

/**
 * A shown row takes the task's new state in place (and leaves or joins the
 * count as it leaves or meets the statuses); a task not shown that matches is
 * new to the list: on top, newest first (its latest state is the newest), at
 * the end oldest first when no later page exists. The next page's cursor is
 * left as it was, so "Next" continues after the rows first loaded.
 */
export function applyRow(page: TaskPage, row: TaskRowFragment, filter: TaskFilter, order: TaskOrder): TaskPage {
  const count = (delta: number) => (page.totalCountCapped ? page.totalCount : page.totalCount + delta);
  const at = page.edges.findIndex((edge) => edge.node.id === row.id);
  if (at >= 0) {
    const before = page.edges[at]!.node;
    const delta = Number(wanted(filter, row.status)) - Number(wanted(filter, before.status));
    return { ...page, totalCount: count(delta), edges: page.edges.map((edge, n) => (n === at ? { ...edge, node: row } : edge)) };
  }
  if (!wanted(filter, row.status)) return page;
  if (order === 'OLDEST_FIRST' && page.pageInfo.hasNextPage) return { ...page, totalCount: count(1) };
  const edge = { node: row };
  return { ...page, totalCount: count(1), edges: order === 'NEWEST_FIRST' ? [edge, ...page.edges] : [...page.edges, edge] };
}
