import type { TaskStatus } from '../graphql/generated/graphql.ts';
import { STATUS } from '../status.ts';
import { StatusIcon } from './status-icon.tsx';

/** A status as icon + label on its colour: readable without the colour. */
export function StatusBadge({ status, count }: { status: TaskStatus; count?: number }) {
  const look = STATUS[status];
  return (
    <span
      className="badge"
      data-status={status}
      style={{ color: look.color, background: look.background, borderColor: look.color }}
    >
      <StatusIcon status={status} /> {look.label}
      {count === undefined ? null : <strong> {count}</strong>}
    </span>
  );
}
