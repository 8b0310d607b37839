/**
 * What a bulk action (revokeTasksMatching, resendTasksMatching) is, as kept
 * in celery-lens' own keys: shapes only, so that store.ts names them without
 * the Redis implementation (src/bulk/bulk-store.ts).
 */
import type { IndexEntry, IndexFilter } from './index/index-types.ts';

export const BulkKinds = ['REVOKE', 'RESEND'] as const;
export type BulkKind = (typeof BulkKinds)[number];

export const BulkStates = ['RUNNING', 'DONE', 'CANCELLED', 'FAILED'] as const;
export type BulkState = (typeof BulkStates)[number];

/** What the action does to each task it matches. */
export interface BulkOptions {
  /** REVOKE: kill a running task too (prefork). */
  readonly terminate: boolean;
  /** REVOKE: the signal `terminate` sends. */
  readonly signal: string;
  /** RESEND: the queue to send to; null: each task's own. */
  readonly queue: string | null;
  /** Most tasks acted on; null: every match. */
  readonly max: number | null;
}

/** What a new action starts with. */
export interface NewBulkAction {
  readonly kind: BulkKind;
  /** The filter as given, `until` included when the caller set one. */
  readonly filter: IndexFilter;
  readonly options: BulkOptions;
  readonly dryRun: boolean;
  /** Who started it (the principal's id), for the audit log. */
  readonly by: string;
  /** Tasks matching when it started (at most `max`); once it ends, those it found. */
  readonly matched: number;
}

export interface BulkAction extends NewBulkAction {
  readonly id: string;
  /** Tasks acted on (revoke broadcast, or re-sent). */
  readonly done: number;
  /** Tasks it could not act on (a re-send of one without a stored call). */
  readonly failed: number;
  /** Tasks claimed so far (done, failed and the batch in flight). */
  readonly claimed: number;
  readonly state: BulkState;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  /** Why it FAILED. */
  readonly error: string | null;
  /** Where the walk of the index goes on from (newest first); null: from the start. */
  readonly cursor: IndexEntry | null;
  /** Claimed, not yet committed: [task id, the id its re-send takes ('' for a revoke)]. */
  readonly inflight: readonly (readonly [string, string])[];
}

/** What a claim answered: 'ok', or why nothing was claimed (the lease is another's, the action stopped, a batch is in flight). */
export type ClaimStatus = 'ok' | 'lease' | 'stopped' | 'inflight';

/** One batch's outcome, committed with its counts. */
export interface BulkBatchResult {
  readonly done: number;
  readonly failed: number;
  /** Ends the action in this state (with finishedAt); null: it goes on. */
  readonly finish: Exclude<BulkState, 'RUNNING'> | null;
  readonly error?: string | null;
}
