import { useEffect, useMemo } from 'react';
import { ListHead, LoadMore } from '../components/list-head.tsx';
import { BulkActions } from '../control/bulk-actions.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { StatsChartsPanel } from '../components/stats-charts.tsx';
import { TaskFilterForm, isKwargsError } from '../components/task-filter-form.tsx';
import { TaskLink } from '../components/task-link.tsx';
import { formatDuration, formatTime } from '../format.ts';
import { IndexedKwargs, SearchTasks, TaskRowEvents } from '../graphql/documents.ts';
import type { TaskRowFragment } from '../graphql/generated/graphql.ts';
import { type TaskPage, applyRow, eventFilter } from '../live-rows.ts';
import { navigate, withParams } from '../router.ts';
import { filterFromParams, paramsFromFilter } from '../task-filter.ts';
import { usePaged } from '../use-paged.ts';
import { usePolled } from '../use-polled.ts';

const PAGE_SIZE = 50;

type Row = TaskRowFragment;

/** A filter of failed tasks alone: its tasks may be re-sent. */
const onlyFailed = (status: readonly string[] | string | null | undefined) =>
  Array.isArray(status) ? status.length === 1 && status[0] === 'FAILED' : status === 'FAILED';

/** `/tasks?…`: the index searched by the filters in the address, newest first, live while on the first page. */
export function TasksRoute({ params }: { params: URLSearchParams }) {
  const paramsKey = params.toString();
  const current = useMemo(() => filterFromParams(new URLSearchParams(paramsKey)), [paramsKey]);
  const variables = useMemo(() => ({ filter: current.filter, order: current.order, first: PAGE_SIZE }), [current]);
  const events = useMemo(
    () => ({
      document: TaskRowEvents,
      variables: { filter: eventFilter(current.filter) },
      apply: (page: TaskPage, event: { taskEvents: Row }) =>
        applyRow(page, event.taskEvents, current.filter, current.order),
    }),
    [current],
  );
  const list = usePaged(SearchTasks, variables, (data) => data.searchTasks, events);
  // Which kwargs keys this key may filter on: null (FORBIDDEN) without the payload scope.
  const kwargKeys = usePolled(IndexedKwargs, {}, 0).result;
  useEffect(() => {
    document.title = 'Tasks · celery-lens';
  }, []);
  const total = list.first
    ? `${list.first.totalCount.toLocaleString()}${list.first.totalCountCapped ? '+' : ''}`
    : null;

  return (
    <main className="list-page">
      <h1>Tasks</h1>
      <TaskFilterForm
        key={paramsKey}
        initial={current}
        kwargKeys={kwargKeys?.data?.viewer.indexedKwargs ?? null}
        errors={list.errors}
        onApply={(next) => navigate(withParams('/tasks', paramsFromFilter(next)))}
      />
      {/* A task name's page: the list filtered on one name, with its trends. */}
      {current.filter.name ? <StatsChartsPanel name={current.filter.name} /> : null}
      <section className="panel" aria-label="Matching tasks">
        <ListHead
          testId="task-total"
          count={list.first?.totalCount ?? null}
          text={total === null ? 'Loading…' : `${total} ${list.first?.totalCount === 1 ? 'task' : 'tasks'}`}
          live={list.live}
          onBackToLive={list.backToLive}
        />
        <ErrorMessage errors={list.errors.filter((error) => !isKwargsError(error))} retrying={false} />
        <BulkActions kind="revoke" filter={current.filter} count={list.first?.totalCount ?? null} />
        {onlyFailed(current.filter.status) ? (
          <BulkActions kind="resend" filter={current.filter} count={list.first?.totalCount ?? null} />
        ) : null}
        {list.nodes.length > 0 ? (
          <div className="table-scroll">
            <table className="list" data-testid="task-list">
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">Task</th>
                  <th scope="col">Worker · queue</th>
                  <th scope="col">Last heard</th>
                  <th scope="col" className="num">
                    Runtime
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.nodes.map((row) => (
                  <tr key={row.id} data-testid="task-row" data-task-id={row.id} data-status={row.status}>
                    <td>
                      <StatusBadge status={row.status} />
                    </td>
                    <td className="task-cell">
                      <TaskLink id={row.id}>{row.name ?? <span className="muted">(no name)</span>}</TaskLink>
                      <code className="muted id-line">{row.id}</code>
                    </td>
                    <td className="muted">
                      {row.worker ?? '—'}
                      {row.queue ? ` · ${row.queue}` : ''}
                      {row.retries ? ` · retry ${row.retries}` : ''}
                    </td>
                    <td>
                      {/* The time the list is ordered by, so the column reads sorted. */}
                      <time data-testid="last-heard" dateTime={row.lastHeardAt ?? undefined}>
                        {formatTime(row.lastHeardAt)}
                      </time>
                    </td>
                    <td className="num">{row.runtime === null ? '—' : formatDuration(row.runtime * 1000)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : list.first ? (
          <p className="muted">
            No task matches (only tasks a celery-lens consumer saw, or backfilled, are in the index).
          </p>
        ) : null}
        <LoadMore list={list} pageSize={PAGE_SIZE} />
      </section>
    </main>
  );
}
