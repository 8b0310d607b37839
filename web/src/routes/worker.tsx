import type { ReactNode } from 'react';
import { ErrorMessage } from '../components/error-message.tsx';
import { RunningFor } from '../components/running-for.tsx';
import { TaskLink } from '../components/task-link.tsx';
import { WorkerActions } from '../control/worker-actions.tsx';
import { formatDuration, formatTime, ms } from '../format.ts';
import { WorkerPage } from '../graphql/documents.ts';
import { navigate, withParams } from '../router.ts';
import { useNow } from '../use-now.ts';
import { usePolled } from '../use-polled.ts';

const REFRESH_MS = 3000;

/** A link to the Tasks view filtered on this worker and a status. */
function TasksLink({ hostname, status, children }: { hostname: string; status: string; children: ReactNode }) {
  const to = withParams('/tasks', new URLSearchParams({ worker: hostname, status }));
  return (
    <a
      href={to}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

function TaskList({
  label,
  tasks,
  testId,
}: {
  label: string;
  tasks: readonly { id: string; name?: string | null }[] | null | undefined;
  testId: string;
}) {
  return (
    <section className="panel" aria-label={label} data-testid={testId}>
      <h2>
        {label} {tasks ? <span className="muted">({tasks.length})</span> : null}
      </h2>
      {tasks === null || tasks === undefined ? (
        <p className="muted">Not answered.</p>
      ) : tasks.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {tasks.map((task) => (
            <li key={task.id}>
              <TaskLink id={task.id} /> {task.name ? <span className="muted">{task.name}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** `/workers/<hostname>`: one worker as its events describe it and as it answers when asked, with its control buttons. */
export function WorkerRoute({ hostname }: { hostname: string }) {
  const { result, refresh } = usePolled(
    WorkerPage,
    {
      hostname,
      succeeded: { worker: hostname, status: ['SUCCEEDED'] },
      failed: { worker: hostname, status: ['FAILED'] },
    },
    REFRESH_MS,
  );
  const now = useNow(1000);
  const worker = result?.data?.worker ?? null;
  const count = (found: { totalCount: number; totalCountCapped: boolean } | null | undefined) =>
    found ? `${found.totalCount}${found.totalCountCapped ? '+' : ''}` : '—';
  if (result === null)
    return (
      <main className="worker-page">
        <p className="muted">Loading…</p>
      </main>
    );
  if (!worker) {
    return (
      <main className="worker-page" data-testid="worker-page" data-found="false">
        <h1>
          <code>{hostname}</code>
        </h1>
        <ErrorMessage errors={result.errors} retrying={false} />
        <p className="muted">No worker of this name heard from (workers need -E / worker_send_task_events).</p>
      </main>
    );
  }
  const beat = ms(worker.lastHeartbeat);
  const inspectErrors = result.errors.filter((error) => error.path?.[0] === 'worker');
  return (
    <main className="worker-page" data-testid="worker-page" data-found="true" data-online={worker.online}>
      <h1>
        <span className={worker.online ? 'online' : 'offline'} data-testid="worker-state">
          <span aria-hidden="true">{worker.online ? '●' : '○'}</span> {worker.online ? 'online' : 'offline'}
        </span>{' '}
        <code>{worker.hostname}</code>
      </h1>
      <p className="muted">
        {worker.software ?? 'Celery'} · {worker.active ?? 0} active · {worker.processed ?? 0} processed ·{' '}
        {beat === null
          ? `seen ${formatTime(worker.lastSeen)}`
          : `heartbeat ${formatDuration(Math.max(0, now - beat))} ago`}
        {worker.loadAverage ? ` · load ${worker.loadAverage.map((load) => load.toFixed(2)).join(' ')}` : ''}
      </p>
      <p data-testid="worker-counts">
        <TasksLink hostname={worker.hostname} status="SUCCEEDED">
          {count(result.data?.succeeded)} succeeded
        </TasksLink>{' '}
        ·{' '}
        <TasksLink hostname={worker.hostname} status="FAILED">
          {count(result.data?.failed)} failed
        </TasksLink>
      </p>
      <ErrorMessage errors={inspectErrors} retrying={false} />
      {worker.inspectedAt ? (
        <p className="muted" data-testid="inspected-at">
          Asked {formatDuration(Math.max(0, now - (ms(worker.inspectedAt) ?? now)))} ago
        </p>
      ) : null}
      <div className="home-panels">
        <section className="panel" aria-label="Pool" data-testid="worker-pool">
          <h2>Pool</h2>
          {worker.pool ? (
            <p>
              {/* Celery before 5.3 does not name its pool class in stats. */}
              {worker.pool.implementation ? `${worker.pool.implementation} · ` : ''}max concurrency{' '}
              {worker.pool.maxConcurrency ?? '?'}
              {' · '}
              <span data-testid="pool-processes">{worker.pool.processes.length}</span> processes
            </p>
          ) : (
            <p className="muted">Not answered.</p>
          )}
          <h2>Queues</h2>
          {worker.queues ? (
            <ul data-testid="worker-queues">
              {worker.queues.map((queue) => (
                <li key={queue}>
                  <code>{queue}</code>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Not answered.</p>
          )}
        </section>
        <section className="panel" aria-label="Active tasks" data-testid="worker-active">
          <h2>Active {worker.activeTasks ? <span className="muted">({worker.activeTasks.length})</span> : null}</h2>
          {!worker.activeTasks ? (
            <p className="muted">Not answered.</p>
          ) : worker.activeTasks.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul>
              {worker.activeTasks.map((task) => {
                const since = ms(task.startedAt);
                return (
                  <li key={task.id}>
                    <TaskLink id={task.id} /> {task.name ? <span className="muted">{task.name}</span> : null}{' '}
                    {since === null ? null : <RunningFor since={since} />}
                  </li>
                );
              })}
            </ul>
          )}
        </section>
        <TaskList label="Reserved" tasks={worker.reservedTasks} testId="worker-reserved" />
        <TaskList label="Scheduled" tasks={worker.scheduledTasks} testId="worker-scheduled" />
        <section className="panel" aria-label="Registered tasks" data-testid="worker-registered">
          <h2>Registered</h2>
          {worker.registered ? (
            <ul>
              {worker.registered.map((name) => (
                <li key={name}>
                  <code>{name}</code>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Not answered.</p>
          )}
        </section>
      </div>
      <WorkerActions
        hostname={worker.hostname}
        queues={worker.queues ?? []}
        registered={worker.registered ?? []}
        changed={refresh}
      />
    </main>
  );
}
