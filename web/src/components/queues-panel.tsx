import { formatDuration } from '../format.ts';
import { Queues } from '../graphql/documents.ts';
import { navigate, taskPath } from '../router.ts';
import { usePolled } from '../use-polled.ts';

const REFRESH_MS = 3000;

/** Shows a key with kombu's separator (\x06\x16, invisible) readable. */
const printable = (key: string) =>
  key.replace(/[\x00-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** Messages waiting in each broker queue of --queues, priority sub-queues summed (the `queues` query, polled). */
export function QueuesPanel() {
  const { result } = usePolled(Queues, {}, REFRESH_MS);
  const queues = result?.data?.queues ?? [];
  return (
    <section className="panel queues" aria-label="Broker queues" data-testid="queues">
      <h2>Queues</h2>
      {result?.errors.length ? <p className="error-text">{result.errors[0]?.message}</p> : null}
      {result === null ? <p className="muted">Loading…</p> : null}
      {result?.data && queues.length === 0 ? <p className="muted">No queue configured (--queues).</p> : null}
      {queues.length > 0 ? (
        <div className="table-scroll">
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col" className="num">
                  Waiting
                </th>
                <th scope="col">By priority</th>
                <th scope="col">Oldest</th>
              </tr>
            </thead>
            <tbody>
              {queues.map((queue) => (
                <tr key={queue.name} data-queue={queue.name} data-length={queue.length}>
                  <th scope="row">
                    <code>{queue.name}</code>
                  </th>
                  <td className="num" data-testid="queue-length">
                    {queue.length}
                  </td>
                  <td className="muted">
                    {queue.byPriority
                      .filter((list) => list.length > 0)
                      .map((list) => `${list.priority}: ${list.length}`)
                      .join(' · ') || '—'}
                    {queue.wrongTypeKeys.length > 0 ? (
                      <span className="error-text inline" data-testid="queue-wrong-type">
                        {' '}
                        not a list, not counted: {queue.wrongTypeKeys.map(printable).join(', ')}
                      </span>
                    ) : null}
                  </td>
                  <td>
                    {queue.oldestTaskId ? (
                      <a
                        href={taskPath(queue.oldestTaskId)}
                        data-task-id={queue.oldestTaskId}
                        onClick={(event) => {
                          event.preventDefault();
                          navigate(taskPath(queue.oldestTaskId as string));
                        }}
                      >
                        {queue.oldestAgeSeconds === null
                          ? 'oldest task'
                          : `waiting ${formatDuration(queue.oldestAgeSeconds * 1000)}`}
                      </a>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
