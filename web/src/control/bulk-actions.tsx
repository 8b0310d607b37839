import { useEffect, useState } from 'react';
import { ErrorMessage } from '../components/error-message.tsx';
import type { BulkProgressFragment, TaskFilter } from '../graphql/generated/graphql.ts';
import { type GqlError, query, subscribe } from '../lens.ts';
import { CancelBulk, FollowBulk, ResendMatching, RevokeMatching } from './documents.ts';
import { useCanControl } from './task-actions.tsx';

type Kind = 'revoke' | 'resend';

const label = (kind: Kind, count: number) =>
  kind === 'revoke'
    ? `Revoke all ${count.toLocaleString()}`
    : `Re-send all ${count.toLocaleString()} ${count === 1 ? 'failure' : 'failures'}`;

/** Runs the bulk mutation of `kind`: a dry run (only counts) or the real one. */
async function start(kind: Kind, filter: TaskFilter, dryRun: boolean) {
  if (kind === 'revoke') {
    const result = await query(RevokeMatching, { filter, dryRun });
    return { action: result.data?.revokeTasksMatching ?? null, errors: result.errors };
  }
  const result = await query(ResendMatching, { filter, dryRun });
  return { action: result.data?.resendTasksMatching ?? null, errors: result.errors };
}

/** Follows a running action through the bulkAction subscription until it ends. */
function useFollowed(initial: BulkProgressFragment | null): BulkProgressFragment | null {
  const [action, setAction] = useState(initial);
  const id = initial?.dryRun === false ? initial.id : null;
  useEffect(() => {
    setAction(initial);
    if (id === null) return;
    return subscribe(
      FollowBulk,
      { id },
      {
        next: (data) => {
          if (data.bulkAction) setAction(data.bulkAction);
        },
        failed: () => {},
      },
      (data) => data.bulkAction?.state !== 'RUNNING',
    );
  }, [id, initial]);
  return action;
}

/**
 * "Revoke all N" / "Re-send all N failures" for the tasks a view's filter
 * matches, for a key with the control scope. A click counts the matches (a
 * dry run) and asks to confirm that count; the action then runs on the
 * server, shown by a progress bar until it ends, with a button to cancel it.
 */
export function BulkActions({ kind, filter, count }: { kind: Kind; filter: TaskFilter; count: number | null }) {
  const can = useCanControl();
  const [confirming, setConfirming] = useState<number | null>(null);
  const [started, setStarted] = useState<BulkProgressFragment | null>(null);
  const [errors, setErrors] = useState<readonly GqlError[]>([]);
  const [busy, setBusy] = useState(false);
  const action = useFollowed(started);
  // Once known, an empty marker says so (tests and other tools wait for it rather than for nothing).
  if (can === false) return <div data-testid={`bulk-${kind}`} data-can-control="false" hidden />;
  if (can === null || count === null || (count === 0 && action === null)) return null;
  const ask = async () => {
    setBusy(true);
    const { action: dry, errors: failed } = await start(kind, filter, true);
    setBusy(false);
    setErrors(failed);
    if (dry) setConfirming(dry.matched);
  };
  const confirm = async () => {
    setConfirming(null);
    setBusy(true);
    const { action: run, errors: failed } = await start(kind, filter, false);
    setBusy(false);
    setErrors(failed);
    setStarted(run);
  };
  const cancel = async () => {
    if (!action) return;
    const result = await query(CancelBulk, { id: action.id });
    setErrors(result.errors);
  };
  const running = action?.state === 'RUNNING';
  return (
    <div className="task-actions bulk-actions" data-testid={`bulk-${kind}`} data-can-control="true">
      <button
        type="button"
        data-action={kind}
        disabled={busy || running}
        onClick={() => ask().catch(() => setBusy(false))}
      >
        {label(kind, count)}
      </button>
      {confirming !== null ? (
        <div role="dialog" aria-modal="true" aria-label="Confirm bulk action" className="bulk-confirm">
          <p>
            {kind === 'revoke' ? 'Revoke' : 'Re-send'} <strong data-testid="bulk-confirm-count">{confirming}</strong>{' '}
            {confirming === 1 ? 'task' : 'tasks'} matching this filter?
          </p>
          <button
            type="button"
            className="armed"
            data-action={kind}
            onClick={() => confirm().catch(() => setBusy(false))}
          >
            {kind === 'revoke' ? `Revoke ${confirming}` : `Re-send ${confirming}`}
          </button>
          <button type="button" className="secondary" onClick={() => setConfirming(null)}>
            Keep them
          </button>
        </div>
      ) : null}
      {action ? (
        <div className="bulk-progress" data-testid="bulk-progress" data-state={action.state}>
          <progress value={action.done + action.failed} max={Math.max(action.matched, 1)} />
          <span role="status">
            {action.done.toLocaleString()} of {action.matched.toLocaleString()}
            {action.failed > 0 ? ` (${action.failed} failed)` : ''} · {action.state.toLowerCase()}
            {action.error ? `: ${action.error}` : ''}
          </span>
          {running ? (
            <button type="button" className="secondary" data-action="cancel" onClick={() => cancel().catch(() => {})}>
              Cancel
            </button>
          ) : null}
        </div>
      ) : null}
      <ErrorMessage errors={errors} retrying={false} />
    </div>
  );
}
