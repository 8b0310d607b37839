import { formatElapsed, formatTime } from '../format.ts';
import { useNow } from '../use-now.ts';

/** How long a running task has run so far, ticking every second. */
export function RunningFor({ since }: { since: number }) {
  const now = useNow(1000);
  return (
    <span data-testid="task-elapsed" title={`started ${formatTime(new Date(since).toISOString())}`}>
      Running for {formatElapsed(now - since)}
    </span>
  );
}
