import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { ListHead, LoadMore } from '../components/list-head.tsx';
import { BulkActions } from '../control/bulk-actions.tsx';
import { BulkCount } from '../control/documents.ts';
import { usePolled } from '../use-polled.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TaskLink } from '../components/task-link.tsx';
import { formatTime } from '../format.ts';
import { FailureEvents, Failures } from '../graphql/documents.ts';
import { navigate, withParams } from '../router.ts';
import { fromLocalInput, paramsFromFilter, toLocalInput } from '../task-filter.ts';
import { usePaged } from '../use-paged.ts';
import { TimeInput } from '../components/time-input.tsx';

const PAGE_SIZE = 50;
/** Any failure in the window regroups the list: the first page is asked again. */
const regroup = () => null;

const iso = (value: string | null) =>
  value && !Number.isNaN(new Date(value).getTime()) ? new Date(value).toISOString() : null;

/** `/failures?since&until`: failed tasks grouped by name and exception type, the latest failure first, live (taskEvents of failures). */
export function FailuresRoute({ params }: { params: URLSearchParams }) {
  const since = iso(params.get('since'));
  const until = iso(params.get('until'));
  const variables = useMemo(() => ({ since, until, first: PAGE_SIZE }), [since, until]);
  const events = useMemo(
    () => ({
      document: FailureEvents,
      variables: { filter: { status: ['FAILED' as const], since, until } },
      apply: regroup,
    }),
    [since, until],
  );
  const list = usePaged(Failures, variables, (data) => data.failures, events);
  const failed = useMemo(() => ({ status: ['FAILED' as const], since, until }), [since, until]);
  // How many failures the window holds (the list counts groups), asked again every 10 s.
  const failures = usePolled(BulkCount, { filter: failed }, 10_000).result?.data?.searchTasks.totalCount ?? null;
  useEffect(() => {
    document.title = 'Failures · celery-lens';
  }, []);

  return (
    <main className="list-page">
      <h1>Failures</h1>
      <WindowForm key={`${since}|${until}`} since={since} until={until} />
      <section className="panel" aria-label="Failure groups">
        <ListHead
          testId="failure-total"
          count={list.first?.totalCount ?? null}
          text={
            list.first
              ? `${list.first.totalCount.toLocaleString()} ${list.first.totalCount === 1 ? 'group' : 'groups'}`
              : 'Loading…'
          }
          live={list.live}
          onBackToLive={list.backToLive}
        />
        <ErrorMessage errors={list.errors} retrying={false} />
        <BulkActions kind="resend" filter={failed} count={failures} />
        {list.nodes.length > 0 ? (
          <div className="table-scroll">
            <table className="list" data-testid="failure-list">
              <thead>
                <tr>
                  <th scope="col">Task name</th>
                  <th scope="col">Exception</th>
                  <th scope="col" className="num">
                    Count
                  </th>
                  <th scope="col">First · last seen</th>
                  <th scope="col">Latest</th>
                </tr>
              </thead>
              <tbody>
                {list.nodes.map((group) => {
                  const all = paramsFromFilter({
                    filter: {
                      status: ['FAILED'],
                      ...(group.name ? { name: group.name } : {}),
                      ...(since ? { since } : {}),
                      ...(until ? { until } : {}),
                    },
                    order: 'NEWEST_FIRST',
                  });
                  return (
                    <tr
                      key={`${group.name}\u0000${group.exceptionType}`}
                      data-testid="failure-group"
                      data-name={group.name}
                      data-exception-type={group.exceptionType}
                      data-count={group.count}
                    >
                      <th scope="row">
                        {group.name || <span className="muted">(no name)</span>}
                        <a
                          className="small-link"
                          href={withParams('/tasks', all)}
                          onClick={(event) => {
                            event.preventDefault();
                            navigate(withParams('/tasks', all));
                          }}
                        >
                          failed tasks of this name
                        </a>
                      </th>
                      <td>
                        <code>{group.exceptionType || '(not known)'}</code>
                      </td>
                      <td className="num">{group.count.toLocaleString()}</td>
                      <td className="muted">
                        {formatTime(group.firstSeen)}
                        <br />
                        {formatTime(group.lastSeen)}
                      </td>
                      <td>
                        <TaskLink id={group.example.id}>
                          <StatusBadge status={group.example.status} />
                          <span className="visually-hidden"> latest failed task {group.example.id}</span>
                        </TaskLink>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : list.first ? (
          <p className="muted">No failure in the index{since || until ? ' in this window' : ''}.</p>
        ) : null}
        <LoadMore list={list} pageSize={PAGE_SIZE} />
      </section>
    </main>
  );
}

/** The window of failures shown, applied on submit. */
function WindowForm({ since, until }: { since: string | null; until: string | null }) {
  const [from, setFrom] = useState(toLocalInput(since));
  const [to, setTo] = useState(toLocalInput(until));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const params = new URLSearchParams();
    const [a, b] = [fromLocalInput(from), fromLocalInput(to)];
    if (a) params.set('since', a);
    if (b) params.set('until', b);
    navigate(withParams('/failures', params));
  };
  const lastHour = () =>
    navigate(withParams('/failures', new URLSearchParams({ since: new Date(Date.now() - 3_600_000).toISOString() })));
  return (
    <form className="panel filter-form" data-testid="failure-window" onSubmit={submit} aria-label="Failures window">
      <div className="filter-fields">
        <TimeInput label="Failed since" name="since" value={from} onChange={setFrom} />
        <TimeInput label="until" name="until" value={to} onChange={setTo} />
      </div>
      <div className="filter-actions">
        <button type="submit">Apply</button>
        <button type="button" className="secondary" onClick={lastHour}>
          Last hour
        </button>
        <button type="button" className="secondary" onClick={() => navigate('/failures')}>
          Everything
        </button>
      </div>
    </form>
  );
}
