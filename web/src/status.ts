/**
 * How each TaskStatus looks, everywhere on the page: a colour AND an icon AND
 * a label, so no state is told by colour alone (colour-blind readers, greyscale
 * screenshots) and QUEUED never looks like SUCCEEDED. Each text colour keeps a
 * contrast of at least 4.5:1 on its own background.
 */
import type { TaskStatus } from './graphql/generated/graphql.ts';

export interface StatusLook {
  readonly label: string;
  /** A text glyph (no icon font: nothing to load). */
  readonly icon: string;
  /** Text and border colour. */
  readonly color: string;
  /** Fill behind the text. */
  readonly background: string;
}

export const STATUS: Readonly<Record<TaskStatus, StatusLook>> = {
  QUEUED: { label: 'Queued', icon: '◷', color: '#475569', background: '#f1f5f9' },
  RUNNING: { label: 'Running', icon: '▶', color: '#1d4ed8', background: '#dbeafe' },
  RETRYING: { label: 'Retrying', icon: '↻', color: '#b45309', background: '#fef3c7' },
  SUCCEEDED: { label: 'Succeeded', icon: '✓', color: '#15803d', background: '#dcfce7' },
  FAILED: { label: 'Failed', icon: '✕', color: '#b91c1c', background: '#fee2e2' },
  REVOKED: { label: 'Revoked', icon: '⊘', color: '#7e22ce', background: '#f3e8ff' },
  EXPIRED: { label: 'Expired', icon: '⌛', color: '#78350f', background: '#f5f5f4' },
  UNKNOWN: { label: 'Unknown', icon: '?', color: '#4b5563', background: '#ffffff' },
  // Its worker is gone: as alarming as a failure, told apart by its icon and label.
  // Still running, for longer than expected: a hint, drawn as running with a warning.
  STALLED: { label: 'Stalled', icon: '⏸', color: '#1e3a8a', background: '#e0e7ff' },
  LOST: { label: 'Lost', icon: '⚠', color: '#9a3412', background: '#ffedd5' },
};

/** Display order: what needs attention first. */
export const STATUS_ORDER: readonly TaskStatus[] = ['FAILED', 'LOST', 'RETRYING', 'STALLED', 'RUNNING', 'QUEUED', 'SUCCEEDED', 'REVOKED', 'EXPIRED', 'UNKNOWN'];

export function countByStatus(statuses: Iterable<TaskStatus>): Map<TaskStatus, number> {
  const counts = new Map<TaskStatus, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return counts;
}
