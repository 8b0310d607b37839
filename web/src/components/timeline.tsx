import { formatDuration, ms } from '../format.ts';
import type { GraphData, GraphTimes } from '../graph/model.ts';
import { navigate, taskPath } from '../router.ts';
import { STATUS } from '../status.ts';
import { StatusIcon } from './status-icon.tsx';
import { useNow } from '../use-now.ts';

/** Rows drawn at most: the rest are counted, not drawn. */
const MAX_ROWS = 200;

interface Row {
  readonly id: string;
  readonly name: string;
  readonly status: NonNullable<GraphData['nodes'][number]['task']>['status'];
  readonly sent: number | null;
  readonly started: number | null;
  readonly done: number | null;
}

/**
 * A Gantt of the workflow's tasks: waiting (sent → started) then running
 * (started → done), growing while it runs. Statuses and names come from the
 * graph, event times from `times` (a subscription of their own).
 */
export function Timeline({ graph, times }: { graph: GraphData; times: GraphTimes }) {
  const now = useNow(1000, !graph.ready);
  const timesOf = new Map(times.nodes.map((node) => [node.id, node.task]));
  const rows: Row[] = graph.nodes.flatMap((node) => {
    const task = node.task;
    if (node.kind !== 'TASK' || !task) return [];
    const seen = timesOf.get(node.id);
    const sent = ms(seen?.sentAt) ?? ms(seen?.receivedAt);
    const started = ms(seen?.startedAt);
    const done = ms(seen?.dateDone) ?? ms(seen?.finishedAt);
    if (sent === null && started === null && done === null) return [];
    return [{ id: node.id, name: task.name ?? node.id.slice(0, 8), status: task.status, sent, started, done }];
  });
  rows.sort((a, b) => (a.sent ?? a.started ?? a.done ?? 0) - (b.sent ?? b.started ?? b.done ?? 0));
  if (rows.length === 0) {
    return (
      <section className="timeline-panel" aria-label="Timeline">
        <h2>Timeline</h2>
        <p className="muted">
          No times yet (Celery sends them with task events: worker_send_task_events, task_send_sent_event).
        </p>
      </section>
    );
  }
  const start = Math.min(...rows.map((r) => r.sent ?? r.started ?? r.done ?? now));
  const end = Math.max(start + 1, ...rows.map((r) => r.done ?? (graph.ready ? (r.started ?? r.sent ?? start) : now)));
  const x = (t: number) => `${(100 * (t - start)) / (end - start)}%`;
  const w = (from: number, to: number) => `${Math.max(0.3, (100 * (to - from)) / (end - start))}%`;
  return (
    <section className="timeline-panel" aria-label="Timeline">
      <h2>
        Timeline <span className="muted">({formatDuration(end - start)})</span>
      </h2>
      <ol className="timeline" data-testid="timeline">
        {rows.slice(0, MAX_ROWS).map((row) => {
          const look = STATUS[row.status];
          const runStart = row.started ?? row.done;
          const runEnd = row.done ?? now;
          return (
            <li key={row.id} data-task-id={row.id} data-status={row.status}>
              <a
                className="timeline-label"
                href={taskPath(row.id)}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(taskPath(row.id));
                }}
              >
                <span style={{ color: look.color }}>
                  <StatusIcon status={row.status} />
                </span>
                {row.name}
              </a>
              <span className="timeline-track">
                {row.sent !== null && runStart !== null && runStart > row.sent ? (
                  <span
                    className="bar waiting"
                    style={{ left: x(row.sent), width: w(row.sent, runStart) }}
                    title="waiting"
                  />
                ) : null}
                {runStart !== null ? (
                  <span
                    className="bar running"
                    style={{ left: x(runStart), width: w(runStart, runEnd), background: look.color }}
                    title={`${look.label}, ${formatDuration(runEnd - runStart)}`}
                  />
                ) : null}
              </span>
            </li>
          );
        })}
      </ol>
      {rows.length > MAX_ROWS ? <p className="muted">{rows.length - MAX_ROWS} more tasks not drawn.</p> : null}
    </section>
  );
}
