/**
 * Acting on one claimed batch of a bulk action: one revoke broadcast for the
 * whole batch, or each task re-sent under the id the claim recorded for it.
 *
 * A batch is claimed (bulk-store.ts' claim script) before it is acted on and
 * committed after. A process that dies in between leaves it in flight: the
 * process that takes over acts on that batch again. A re-send then finds
 * its recorded id reserved (TASK_EXISTS: the message was sent, or may have
 * been) and only completes the link, so no task is re-sent twice; a revoke
 * is broadcast again, which Celery's workers take as the same revoke (the
 * ids are already in their revoked set).
 */
import type { TaskControl } from '../broker/task-control.ts';
import type { TaskCall } from '../celery/outgoing-messages.ts';
import { LensError } from '../errors/lens-error.ts';
import type { BulkAction } from '../store/bulk-types.ts';

/** The call re-sending a finished task: its stored name, args and kwargs, to `queue` or its own. Coded errors when there is none. */
export type ResendCall = (id: string, queue: string | null) => Promise<TaskCall>;

export interface BatchDeps {
  readonly control: TaskControl;
  readonly resendCall: ResendCall;
}

/** Re-sends `from` as `to`; false when it cannot be (a coded error other than an outage). */
async function resendOne(deps: BatchDeps, from: string, to: string, queue: string | null): Promise<boolean> {
  let call: TaskCall;
  try {
    call = { ...(await deps.resendCall(from, queue)), id: to };
  } catch (error) {
    if (error instanceof LensError && error.code !== 'BACKEND_UNAVAILABLE' && error.code !== 'STORE_UNAVAILABLE')
      return false;
    throw error;
  }
  try {
    await deps.control.send(call);
  } catch (error) {
    // Reserved already: this batch was acted on before a takeover. Sent once; the link may be missing.
    if (!(error instanceof LensError && error.code === 'TASK_EXISTS')) throw error;
  }
  if ((await deps.control.resentFrom(to)) === null) await deps.control.linkResend(from, to);
  return true;
}

/**
 * Acts on a claimed batch; resolves with its counts. Throws (the batch stays
 * in flight, to be acted on again) when the broker or Redis fails.
 * `keepAlive` is called between re-sends, to renew the lease of a long batch.
 */
export async function actOnBatch(
  deps: BatchDeps,
  action: BulkAction,
  batch: readonly (readonly [string, string])[],
  keepAlive: () => Promise<void>,
): Promise<{ done: number; failed: number }> {
  if (batch.length === 0) return { done: 0, failed: 0 };
  const ids = batch.map(([id]) => id);
  const { terminate, signal, queue } = action.options;
  if (action.kind === 'REVOKE') {
    await deps.control.revoke(ids, terminate, signal);
    report(deps, terminate ? 'bulk-terminate' : 'bulk-revoke', ids, action.by);
    return { done: ids.length, failed: 0 };
  }
  let [done, failed] = [0, 0];
  for (const [index, [from, to]] of batch.entries()) {
    if ((await resendOne(deps, from, to, queue)) === true) done += 1;
    else failed += 1;
    if (index % 10 === 9) await keepAlive();
  }
  report(deps, 'bulk-resend', ids, action.by);
  return { done, failed };
}

/** One audit line per batch, as task control logs and counts its actions (app.ts). */
function report(deps: BatchDeps, action: string, taskIds: readonly string[], by: string): void {
  deps.control.onAction?.({ action, taskIds, by, outcome: 'ok' });
}
