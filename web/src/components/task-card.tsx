import { Fragment, type ReactNode } from 'react';
import type { GqlError } from '../lens.ts';
import { formatDuration, formatTime, ms } from '../format.ts';
import type { TaskLiveSubscription } from '../graphql/generated/graphql.ts';
import { ExpiryCountdown } from './expiry-countdown.tsx';
import { HiddenField } from './hidden-field.tsx';
import { JsonView } from './json-view.tsx';
import { ProgressMeta } from './progress-meta.tsx';
import { RunningFor } from './running-for.tsx';
import { StatusBadge } from './status-badge.tsx';
import { TaskLink } from './task-link.tsx';
import { TaskActions } from '../control/task-actions.tsx';

export type LiveTask = TaskLiveSubscription['task'];

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </>
  );
}

/** The live task card: everything the server says about one task. */
export function TaskCard({ task, errors }: { task: LiveTask; errors: readonly GqlError[] }) {
  // Fields refused for lack of the payload scope come back null with a FORBIDDEN error at their path.
  const hidden = new Set(
    errors.filter((e) => e.extensions?.code === 'FORBIDDEN').map((e) => String(e.path?.[1] ?? '')),
  );
  const show = (field: string, value: ReactNode) => (hidden.has(field) ? <HiddenField /> : value);
  const done = task.dateDone ?? task.finishedAt;
  const started = ms(task.startedAt);
  const runtime =
    task.runtime !== null && task.runtime !== undefined
      ? task.runtime * 1000
      : started !== null && ms(done) !== null
        ? ms(done)! - started
        : null;
  // Started, not done: how long so far, ticking (the runtime comes with its end).
  const runningSince =
    !task.ready && started !== null && ms(done) === null && (task.status === 'RUNNING' || task.status === 'STALLED')
      ? started
      : null;
  const resentAs = task.resentAs.filter((resent) => resent !== null);
  return (
    <article
      className="card"
      data-testid="task-card"
      data-task-id={task.id}
      data-status={task.status}
      aria-label={`Task ${task.id}`}
    >
      <header className="card-head">
        <StatusBadge status={task.status} />
        <h2>{task.name ?? <span className="muted">unnamed task</span>}</h2>
        <code className="task-id">{task.id}</code>
      </header>
      <p className="reason" data-testid="task-status-reason">
        {task.statusReason}
      </p>
      <TaskActions id={task.id} status={task.status} ready={task.ready} />
      <dl className="fields">
        <Row label="State">
          {task.state}
          {task.rawState !== task.state ? <span className="muted"> (raw: {task.rawState})</span> : null}
          {task.exists ? null : <span className="muted"> · no result key</span>}
        </Row>
        {task.meta !== null || hidden.has('meta') ? (
          <Row label="Progress" testId="task-meta">
            {show('meta', <ProgressMeta meta={task.meta} />)}
          </Row>
        ) : null}
        <Row label="Sent" testId="task-sent-at">
          {formatTime(task.sentAt)}
        </Row>
        <Row label="Received" testId="task-received-at">
          {formatTime(task.receivedAt)}
        </Row>
        <Row label="Started" testId="task-started-at">
          {formatTime(task.startedAt)}
        </Row>
        <Row label="Done" testId="task-done-at">
          {formatTime(done)}
        </Row>
        <Row label="Runtime" testId="task-runtime">
          {runningSince !== null ? (
            <RunningFor since={runningSince} />
          ) : runtime === null ? (
            '—'
          ) : (
            formatDuration(runtime)
          )}
        </Row>
        {task.status === 'SUCCEEDED' || hidden.has('result') ? (
          <Row label="Result" testId="task-result">
            {show('result', <JsonView value={task.result} />)}
          </Row>
        ) : null}
        {task.errorType || hidden.has('errorDetail') ? (
          <Row label="Error" testId="task-error">
            {task.errorType ? <strong>{task.errorType.type}</strong> : null}
            {hidden.has('errorDetail') ? (
              <>
                {' '}
                <HiddenField />
              </>
            ) : task.errorDetail ? (
              <>
                {': '}
                {task.errorDetail.message}
                {task.errorDetail.traceback ? (
                  <details className="traceback" data-testid="task-traceback">
                    <summary>Traceback</summary>
                    <pre>{task.errorDetail.traceback}</pre>
                  </details>
                ) : null}
              </>
            ) : null}
          </Row>
        ) : null}
        <Row label="Args">{show('args', <JsonView value={task.args} />)}</Row>
        <Row label="Kwargs">{show('kwargs', <JsonView value={task.kwargs} />)}</Row>
        <Row label="Worker">{task.worker ?? '—'}</Row>
        <Row label="Queue">{task.queue ?? '—'}</Row>
        <Row label="Retries">{task.retries ?? '—'}</Row>
        <Row label="Result expires">
          <ExpiryCountdown expiresAt={task.expiresAt} />
        </Row>
        {task.parentId ? (
          <Row label="Parent">
            <TaskLink id={task.parentId} />
          </Row>
        ) : null}
        {task.root && task.root.id !== task.id ? (
          <Row label="Workflow root">
            <TaskLink id={task.root.id} />
          </Row>
        ) : null}
        {task.groupId ? (
          <Row label="Group">
            <code>{task.groupId}</code>
          </Row>
        ) : null}
        {task.resentFrom ? (
          <Row label="Re-sent from" testId="task-resent-from">
            <TaskLink id={task.resentFrom.id} />
          </Row>
        ) : null}
        {resentAs.length > 0 ? (
          <Row label="Re-sent as" testId="task-resent-as">
            {resentAs.map((resent, index) => (
              <Fragment key={resent.id}>
                {index > 0 ? ', ' : null}
                <TaskLink id={resent.id} />
              </Fragment>
            ))}
          </Row>
        ) : null}
        {task.lastOutcome ? (
          <Row label="Last outcome" testId="task-last-outcome">
            {task.lastOutcome.state} at {formatTime(task.lastOutcome.dateDone ?? task.lastOutcome.recordedAt)}
            {task.lastOutcome.errorType ? ` · ${task.lastOutcome.errorType}` : ''}
            {task.lastOutcome.errorMessage ? `: ${task.lastOutcome.errorMessage}` : ''}
          </Row>
        ) : null}
      </dl>
    </article>
  );
}
