import type { TaskStatus } from '../graphql/generated/graphql.ts';
import { STATUS, iconAttributes } from '../status.ts';

/** A status' icon, inline SVG in the text colour, one line high; hidden from screen readers (the label beside it says it). */
export function StatusIcon({ status }: { status: TaskStatus }) {
  const { icon } = STATUS[status];
  return (
    <svg
      className="status-icon"
      data-icon={status}
      viewBox="0 0 16 16"
      width="1em"
      height="1em"
      aria-hidden="true"
      focusable="false"
      {...iconAttributes(icon)}
    >
      <path d={icon.path} />
    </svg>
  );
}
