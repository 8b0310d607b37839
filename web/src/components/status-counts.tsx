import type { TaskStatus } from '../graphql/generated/graphql.ts';
import { STATUS_ORDER } from '../status.ts';
import { StatusBadge } from './status-badge.tsx';

/** How many tasks are in each status. */
export function StatusCounts({ counts }: { counts: ReadonlyMap<TaskStatus, number> }) {
  return (
    <ul className="counts" data-testid="status-counts" aria-label="Tasks per status">
      {STATUS_ORDER.filter((status) => counts.has(status)).map((status) => (
        <li key={status} data-status={status} data-count={counts.get(status)}>
          <StatusBadge status={status} count={counts.get(status) ?? 0} />
        </li>
      ))}
    </ul>
  );
}
