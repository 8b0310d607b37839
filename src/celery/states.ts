/**
 * Celery's task states and their order (celery/states.py).
 * See docs/celery-wire-format.md, "States".
 */

export const CeleryStates = {
  PENDING: 'PENDING',
  RECEIVED: 'RECEIVED',
  STARTED: 'STARTED',
  SUCCESS: 'SUCCESS',
  FAILURE: 'FAILURE',
  REVOKED: 'REVOKED',
  REJECTED: 'REJECTED',
  RETRY: 'RETRY',
  IGNORED: 'IGNORED',
} as const;

export type CeleryState = (typeof CeleryStates)[keyof typeof CeleryStates];

export const READY_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);
export const UNREADY_STATES: ReadonlySet<string> = new Set(['PENDING', 'RECEIVED', 'STARTED', 'REJECTED', 'RETRY']);
export const EXCEPTION_STATES: ReadonlySet<string> = new Set(['RETRY', 'FAILURE', 'REVOKED']);
export const PROPAGATE_STATES: ReadonlySet<string> = new Set(['FAILURE', 'REVOKED']);

/**
 * Most to least final; `null` stands for every state Celery does not know
 * (custom states such as PROGRESS, and IGNORED, which is not listed).
 */
const PRECEDENCE: readonly (string | null)[] = [
  'SUCCESS',
  'FAILURE',
  null,
  'REVOKED',
  'STARTED',
  'RECEIVED',
  'REJECTED',
  'RETRY',
  'PENDING',
];
const CUSTOM_PRECEDENCE = PRECEDENCE.indexOf(null);

/** Celery's `states.precedence`: a lower number is a more final state. */
export function precedence(state: string): number {
  const index = PRECEDENCE.indexOf(state);
  return index === -1 ? CUSTOM_PRECEDENCE : index;
}

const KNOWN: ReadonlySet<string> = new Set(Object.values(CeleryStates));

/** True for Celery's built-in states; false for custom ones like PROGRESS. */
export function isBuiltinState(state: string): state is CeleryState {
  return KNOWN.has(state);
}
