import { formatDuration, formatTime, ms } from '../format.ts';
import { useNow } from '../use-now.ts';

/** When Redis drops the result (Celery's result_expires), counting down. */
export function ExpiryCountdown({ expiresAt }: { expiresAt: string | null | undefined }) {
  const at = ms(expiresAt);
  const now = useNow(1000, at !== null);
  if (at === null) return <span className="muted">never (or no result stored)</span>;
  const left = at - now;
  return (
    <span data-testid="task-expiry" title={formatTime(expiresAt)}>
      {left > 0 ? `in ${formatDuration(left)}` : 'expired'}
    </span>
  );
}
