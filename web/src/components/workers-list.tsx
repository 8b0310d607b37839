import { useEffect, useState } from 'react';
import { type GqlResult, query } from '../client.ts';
import { formatTime } from '../format.ts';
import { Workers } from '../graphql/documents.ts';
import type { WorkersQuery } from '../graphql/generated/graphql.ts';

const REFRESH_MS = 5000;

/** Workers celery-lens heard from, online or not (the `workers` query, refreshed). */
export function WorkersList() {
  const [result, setResult] = useState<GqlResult<WorkersQuery> | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const load = async () => {
      try {
        const next = await query(Workers, {});
        if (!stopped) setResult(next);
      } catch {
        // The backend banner says the server is unreachable; keep the last list.
      }
      if (!stopped) timer = setTimeout(() => load().catch(() => {}), REFRESH_MS);
    };
    load().catch(() => {});
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  const workers = result?.data?.workers ?? [];
  return (
    <section className="workers" aria-label="Workers" data-testid="workers">
      <h2>Workers</h2>
      {result?.errors.length ? <p className="error-text">{result.errors[0]?.message}</p> : null}
      {workers.length === 0 ? (
        <p className="muted">None heard from yet (workers need -E / worker_send_task_events).</p>
      ) : (
        <ul>
          {workers.map((worker) => (
            <li key={worker.hostname} data-online={worker.online}>
              <span className={worker.online ? 'online' : 'offline'}>
                <span aria-hidden="true">{worker.online ? '●' : '○'}</span> {worker.online ? 'online' : 'offline'}
              </span>{' '}
              <code>{worker.hostname}</code>
              <span className="muted">
                {' '}
                · {worker.active ?? 0} active · {worker.processed ?? 0} processed · seen {formatTime(worker.lastSeen)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
