import { useEffect, useState } from 'react';
import { type GqlError, lens, query } from '../lens.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { navigate, taskPath } from '../router.ts';
import { useStore } from '../store.ts';
import { ResendTask, RevokeTask, Viewer } from './documents.ts';

type Action = 'revoke' | 'terminate' | 'resend';
const LABEL: Record<Action, string> = { revoke: 'Revoke', terminate: 'Terminate', resend: 'Re-send' };

/** Whether this tab's credential may act on tasks (`viewer.canControl`; null until known); asked again when the key changes. */
export function useCanControl(): boolean | null {
  const client = useStore(lens);
  const [can, setCan] = useState<boolean | null>(null);
  useEffect(() => {
    let current = true;
    query(Viewer, {}).then(
      (result) => current && setCan(result.data?.viewer.canControl === true),
      () => current && setCan(false),
    );
    return () => {
      current = false;
    };
  }, [client]);
  return can;
}

/**
 * Revoke / terminate / re-send buttons on the task card, shown only to a key
 * that may act (the server refuses the others anyway). Each asks for a second
 * click to confirm; a re-send opens the new task.
 */
export function TaskActions({ id, status, ready }: { id: string; status: string; ready: boolean }) {
  const can = useCanControl();
  const [armed, setArmed] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<readonly GqlError[]>([]);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    setArmed(null);
    setErrors([]);
    setDone(null);
  }, [id]);
  // Once known, an empty marker says so (tests and other tools wait for it rather than for nothing).
  if (can !== true) return can === null ? null : <div data-testid="task-actions" data-can-control="false" hidden />;
  const actions: Action[] = ready ? ['resend'] : status === 'RUNNING' ? ['revoke', 'terminate'] : ['revoke'];
  const run = async (action: Action) => {
    setBusy(true);
    setArmed(null);
    const result =
      action === 'resend'
        ? await query(ResendTask, { id })
        : await query(RevokeTask, { id, terminate: action === 'terminate' });
    setBusy(false);
    setErrors(result.errors);
    if (result.errors.length > 0) return;
    if (action === 'resend' && result.data && 'resendTask' in result.data)
      navigate(taskPath(result.data.resendTask.id));
    else setDone(`${LABEL[action]} sent to the workers`);
  };
  return (
    <div className="task-actions" data-testid="task-actions" data-can-control="true">
      {actions.map((action) => (
        <button
          key={action}
          type="button"
          disabled={busy}
          data-action={action}
          className={armed === action ? 'armed' : undefined}
          onClick={() => (armed === action ? void run(action) : setArmed(action))}
        >
          {armed === action ? `Confirm ${LABEL[action].toLowerCase()}` : LABEL[action]}
        </button>
      ))}
      {done ? (
        <span className="muted" role="status">
          {done}
        </span>
      ) : null}
      <ErrorMessage errors={errors} retrying={false} />
    </div>
  );
}
