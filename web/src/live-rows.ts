/**
 * The Tasks view's first page, kept live by taskEvents: what to subscribe to
 * for a filter, and what one event does to the rows shown.
 */
import type {
  SearchTasksQuery,
  TaskFilter,
  TaskOrder,
  TaskRowFragment,
  TaskStatus,
} from './graphql/generated/graphql.ts';

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

/** Whether row `a` comes before row `b` in the list's order: searchTasks' (lastHeardAt, then id). */
function before(a: TaskRowFragment, b: TaskRowFragment, order: TaskOrder): boolean {
  const [ta, tb] = [Date.parse(a.lastHeardAt ?? ''), Date.parse(b.lastHeardAt ?? '')];
  const newer = ta !== tb ? ta > tb : a.id > b.id;
  return order === 'NEWEST_FIRST' ? newer : !newer;
}

/**
 * A task's change, applied to the first page: its row takes the new state
 * (and leaves or joins the count as it leaves or meets the statuses) and
 * moves to where the order puts its new lastHeardAt (newest first: to the
 * top), so the list stays sorted by the time it shows; a task not shown that
 * matches is new to the list. A row whose place is past the last row shown
 * while a next page exists belongs to a later page: it leaves this one. The
 * next page's cursor is left as it was, so "Next" continues after the rows
 * first loaded.
 */
export function applyRow(page: TaskPage, row: TaskRowFragment, filter: TaskFilter, order: TaskOrder): TaskPage {
  const count = (delta: number) => (page.totalCountCapped ? page.totalCount : page.totalCount + delta);
  const at = page.edges.findIndex((edge) => edge.node.id === row.id);
  const shown = at >= 0 ? page.edges[at]!.node : null;
  if (!shown && !wanted(filter, row.status)) return page;
  const delta = Number(wanted(filter, row.status)) - (shown ? Number(wanted(filter, shown.status)) : 0);
  const rest = page.edges.filter((_, n) => n !== at);
  // A time the page cannot compare (none in the index) keeps the row where it was; a new one goes first newest first, last oldest first.
  const timed = row.lastHeardAt !== null && !Number.isNaN(Date.parse(row.lastHeardAt));
  const untimedPlace = shown ? at : order === 'NEWEST_FIRST' ? 0 : rest.length;
  let place = timed ? rest.findIndex((edge) => before(row, edge.node, order)) : untimedPlace;
  if (place < 0) place = rest.length;
  if (place === rest.length && page.pageInfo.hasNextPage && (timed || !shown))
    return { ...page, totalCount: count(delta), edges: rest };
  return { ...page, totalCount: count(delta), edges: [...rest.slice(0, place), { node: row }, ...rest.slice(place)] };
}
