/**
 * How each TaskStatus looks, everywhere on the page: a colour AND an icon AND
 * a label, so no state is told by colour alone (colour-blind readers, greyscale
 * screenshots) and QUEUED never looks like SUCCEEDED. Each text colour keeps a
 * contrast of at least 4.5:1 on its own background.
 *
 * Icons are SVG drawn by the page (components/status-icon.tsx), never font
 * glyphs: ⏸ and ⌛ were empty boxes on a machine without a font that has them.
 */
import type { TaskStatus } from './graphql/generated/graphql.ts';

/** A 16×16 icon: one path, stroked in the status colour (or filled, for solid shapes). */
export interface StatusIconShape {
  readonly path: string;
  readonly filled?: boolean;
}

export interface StatusLook {
  readonly label: string;
  readonly icon: StatusIconShape;
  /** Text and border colour. */
  readonly color: string;
  /** Fill behind the text. */
  readonly background: string;
}

const CIRCLE = 'M8 2a6 6 0 1 0 0 12a6 6 0 1 0 0-12Z';

export const STATUS: Readonly<Record<TaskStatus, StatusLook>> = {
  // A clock: waiting.
  QUEUED: { label: 'Queued', icon: { path: `${CIRCLE}M8 4.5V8l2.5 1.5` }, color: '#475569', background: '#f1f5f9' },
  RUNNING: {
    label: 'Running',
    icon: { path: 'M4.5 2.5v11l9-5.5Z', filled: true },
    color: '#1d4ed8',
    background: '#dbeafe',
  },
  RETRYING: {
    label: 'Retrying',
    icon: { path: 'M13 8.5a5 5 0 1 1-1.6-4.2M12 1.5v3h-3' },
    color: '#b45309',
    background: '#fef3c7',
  },
  SUCCEEDED: { label: 'Succeeded', icon: { path: 'M2.5 8.5l3.5 3.5l7.5-8' }, color: '#15803d', background: '#dcfce7' },
  FAILED: { label: 'Failed', icon: { path: 'M3.5 3.5l9 9M12.5 3.5l-9 9' }, color: '#b91c1c', background: '#fee2e2' },
  REVOKED: { label: 'Revoked', icon: { path: `${CIRCLE}M3.8 12.2l8.4-8.4` }, color: '#7e22ce', background: '#f3e8ff' },
  // An hourglass.
  EXPIRED: {
    label: 'Expired',
    icon: { path: 'M3.5 1.5h9M3.5 14.5h9M4.5 1.5v2.5L8 8l-3.5 4v2.5M11.5 1.5v2.5L8 8l3.5 4v2.5' },
    color: '#78350f',
    background: '#f5f5f4',
  },
  UNKNOWN: {
    label: 'Unknown',
    icon: { path: 'M5.5 6a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .8-1 1.5v.7M8 13.2v.3' },
    color: '#4b5563',
    background: '#ffffff',
  },
  // Its worker is gone: as alarming as a failure, told apart by its icon and label.
  // Still running, for longer than expected: a hint, drawn as running with a warning.
  STALLED: { label: 'Stalled', icon: { path: 'M5.5 3v10M10.5 3v10' }, color: '#1e3a8a', background: '#e0e7ff' },
  LOST: {
    label: 'Lost',
    icon: { path: 'M8 1.8l6.5 11.7h-13ZM8 6.5v3M8 11.8v.2' },
    color: '#9a3412',
    background: '#ffedd5',
  },
};

/** The SVG attributes of an icon, for the element (status-icon.tsx) and for the CSS image (statusIconImage). */
export function iconAttributes(shape: StatusIconShape) {
  return shape.filled
    ? { fill: 'currentColor', stroke: 'none' }
    : ({
        fill: 'none',
        stroke: 'currentColor',
        strokeWidth: 1.8,
        strokeLinecap: 'round',
        strokeLinejoin: 'round',
      } as const);
}

const images = new Map<TaskStatus, string>();
/**
 * The icon as a CSS image (`url(data:image/svg+xml,…)`), for a mask painted in
 * the text colour: where one element more per node counts (the graph's task
 * nodes, a thousand at a time), the icon costs none.
 */
export function statusIconImage(status: TaskStatus): string {
  let image = images.get(status);
  if (image === undefined) {
    const shape = STATUS[status].icon;
    // A mask takes only the shape's alpha: currentColor (unknown in an image) is any opaque colour.
    const paint = Object.entries(iconAttributes(shape))
      .map(
        ([name, value]) =>
          `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${value === 'currentColor' ? 'black' : value}"`,
      )
      .join(' ');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path ${paint} d="${shape.path}"/></svg>`;
    image = `url("data:image/svg+xml,${encodeURIComponent(svg)}")`;
    images.set(status, image);
  }
  return image;
}

/** Display order: what needs attention first. */
export const STATUS_ORDER: readonly TaskStatus[] = [
  'FAILED',
  'LOST',
  'RETRYING',
  'STALLED',
  'RUNNING',
  'QUEUED',
  'SUCCEEDED',
  'REVOKED',
  'EXPIRED',
  'UNKNOWN',
];

export function countByStatus(statuses: Iterable<TaskStatus>): Map<TaskStatus, number> {
  const counts = new Map<TaskStatus, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return counts;
}

/** How an alert rule's state (the Alerts view) looks: as a task status of the same gravity, icon included. */
export type AlertLookState = 'FIRING' | 'OK' | 'UNKNOWN' | 'RESOLVED';
export const ALERT_STATE: Readonly<Record<AlertLookState, StatusLook>> = {
  FIRING: { ...STATUS.FAILED, label: 'Firing', icon: { path: 'M8 1.8l6.5 11.7h-13ZM8 6.5v3M8 11.8v.2' } },
  OK: { ...STATUS.SUCCEEDED, label: 'OK' },
  RESOLVED: { ...STATUS.SUCCEEDED, label: 'Resolved' },
  UNKNOWN: { ...STATUS.UNKNOWN, label: 'Not evaluated' },
};
