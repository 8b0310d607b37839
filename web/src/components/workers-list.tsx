import type { MouseEvent } from 'react';
import { formatDuration, formatTime, ms } from '../format.ts';
import { Workers } from '../graphql/documents.ts';
import { navigate, workerPath } from '../router.ts';
import { useNow } from '../use-now.ts';
import { usePolled } from '../use-polled.ts';

const REFRESH_MS = 3000;

/** Opens a worker's page in place (a modified click still opens a tab). */
const follow = (to: string) => (event: MouseEvent<HTMLAnchorElement>) => {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(to);
};

/** Workers celery-lens heard from, online or not by Celery's rule (the `workers` query, polled). */
export function WorkersList() {
  const { result } = usePolled(Workers, {}, REFRESH_MS);
  const now = useNow(1000);
  const workers = result?.data?.workers ?? [];
  return (
    <section className="panel workers" aria-label="Workers" data-testid="workers">
      <h2>Workers</h2>
      {result?.errors.length ? <p className="error-text">{result.errors[0]?.message}</p> : null}
      {result === null ? <p className="muted">Loading…</p> : null}
      {/* Only from an answer: a failed query heard nothing either way. */}
      {workers.length === 0 ? (
        result?.data ? (
          <p className="muted">None heard from yet (workers need -E / worker_send_task_events).</p>
        ) : null
      ) : (
        <ul>
          {workers.map((worker) => {
            const beat = ms(worker.lastHeartbeat);
            return (
              <li
                key={worker.hostname}
                data-testid="worker"
                data-hostname={worker.hostname}
                data-online={worker.online}
              >
                <span className={worker.online ? 'online' : 'offline'}>
                  <span aria-hidden="true">{worker.online ? '●' : '○'}</span> {worker.online ? 'online' : 'offline'}
                </span>{' '}
                <a
                  href={workerPath(worker.hostname)}
                  onClick={follow(workerPath(worker.hostname))}
                  data-testid="worker-link"
                >
                  <code>{worker.hostname}</code>
                </a>
                <span className="muted">
                  {' '}
                  · {worker.active ?? 0} active · {worker.processed ?? 0} processed
                  {worker.loadAverage ? ` · load ${worker.loadAverage.map((load) => load.toFixed(2)).join(' ')}` : ''}
                  {' · '}
                  {beat === null ? (
                    `seen ${formatTime(worker.lastSeen)}`
                  ) : (
                    <span title={formatTime(worker.lastHeartbeat)}>
                      heartbeat {formatDuration(Math.max(0, now - beat))} ago
                    </span>
                  )}
                  {worker.heartbeatIntervalSeconds ? ` (every ${worker.heartbeatIntervalSeconds} s)` : ''}
                  {worker.software ? ` · ${worker.software}` : ''}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
