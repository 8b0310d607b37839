import { useEffect, useMemo } from 'react';
import { AlertStateBadge } from '../components/alert-state-badge.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { ListHead, LoadMore } from '../components/list-head.tsx';
import { formatTime } from '../format.ts';
import { AlertHistory, AlertRulesView, AlertTransitions } from '../graphql/documents.ts';
import type { AlertKind } from '../graphql/generated/graphql.ts';
import { usePaged } from '../use-paged.ts';
import { usePolled } from '../use-polled.ts';

const PAGE_SIZE = 50;
/** Rules' values change between transitions (a queue grows): asked again this often too. */
const RULES_EVERY_MS = 5000;

/** The unit of a rule's value and threshold. */
const unitOf = (kind: AlertKind) => (kind === 'QUEUE_AGE' || kind === 'NO_EVENTS' ? ' s' : '');
const KIND_LABEL: Readonly<Record<AlertKind, string>> = {
  FAILURES: 'failures in window',
  LOST: 'tasks lost in window',
  QUEUE_LENGTH: 'queue length',
  QUEUE_AGE: 'oldest message age',
  WORKER_OFFLINE: 'workers offline',
  NO_EVENTS: 'silence',
};
const amount = (value: number | null, kind: AlertKind) =>
  value === null ? '—' : `${(Math.round(value * 100) / 100).toLocaleString()}${unitOf(kind)}`;

/** `/alerts`: each rule of --alert-rules with its state, and the history of transitions, live (the alerts subscription). */
export function AlertsRoute({ params }: { params: URLSearchParams }) {
  const rules = usePolled(AlertRulesView, {}, RULES_EVERY_MS);
  const focus = params.get('rule');
  const events = useMemo(
    () => ({
      document: AlertTransitions,
      variables: {},
      // A transition: the rules' states changed too; the history's first page is asked again.
      apply: () => {
        rules.refresh();
        return null;
      },
    }),
    [rules.refresh],
  );
  const history = usePaged(AlertHistory, { first: PAGE_SIZE }, (data) => data.alerts, events);
  useEffect(() => {
    document.title = 'Alerts · celery-lens';
  }, []);
  const ruleList = rules.result?.data?.alertRules ?? null;

  return (
    <main className="list-page">
      <h1>Alerts</h1>
      <section className="panel" aria-labelledby="alert-rules-title">
        <h2 id="alert-rules-title">Rules</h2>
        <ErrorMessage errors={rules.result?.errors ?? []} retrying={false} />
        {ruleList === null ? (
          <p className="muted">Loading…</p>
        ) : ruleList.length === 0 ? (
          <p className="muted" data-testid="no-alert-rules">
            No alert rules: start celery-lens with --alert-rules (see docs/alerts.md).
          </p>
        ) : (
          <div className="table-scroll">
            <table className="list" data-testid="alert-rules">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">State</th>
                  <th scope="col">Measures</th>
                  <th scope="col" className="num">
                    Value
                  </th>
                  <th scope="col" className="num">
                    Threshold
                  </th>
                  <th scope="col">Since</th>
                </tr>
              </thead>
              <tbody>
                {ruleList.map((rule) => (
                  <tr
                    key={rule.name}
                    data-testid="alert-rule"
                    data-name={rule.name}
                    data-state={rule.state}
                    aria-current={rule.name === focus ? 'true' : undefined}
                  >
                    <th scope="row">{rule.name}</th>
                    <td>
                      <AlertStateBadge state={rule.state} />
                    </td>
                    <td>{KIND_LABEL[rule.kind]}</td>
                    <td className="num">{amount(rule.value, rule.kind)}</td>
                    <td className="num">{amount(rule.threshold, rule.kind)}</td>
                    <td className="muted">{formatTime(rule.since)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="alert-history-title">
        <h2 id="alert-history-title">History</h2>
        <ListHead
          testId="alert-total"
          count={history.first?.totalCount ?? null}
          text={
            history.first
              ? `${history.first.totalCount.toLocaleString()} ${history.first.totalCount === 1 ? 'transition' : 'transitions'}`
              : 'Loading…'
          }
          live={history.live}
          onBackToLive={history.backToLive}
        />
        <ErrorMessage errors={history.errors} retrying={false} />
        {history.nodes.length > 0 ? (
          <div className="table-scroll">
            <table className="list" data-testid="alert-history">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Transition</th>
                  <th scope="col" className="num">
                    Value
                  </th>
                  <th scope="col">Firing since</th>
                </tr>
              </thead>
              <tbody>
                {history.nodes.map((alert) => (
                  <tr key={alert.id} data-testid="alert-transition" data-rule={alert.rule} data-state={alert.state}>
                    <td>{formatTime(alert.at)}</td>
                    <th scope="row">{alert.rule}</th>
                    <td>
                      <AlertStateBadge state={alert.state} />
                    </td>
                    <td className="num">
                      {amount(alert.value, alert.kind)} / {amount(alert.threshold, alert.kind)}
                    </td>
                    <td className="muted">{formatTime(alert.startedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : history.first ? (
          <p className="muted">No rule has fired yet.</p>
        ) : null}
        <LoadMore list={history} pageSize={PAGE_SIZE} />
      </section>
    </main>
  );
}
