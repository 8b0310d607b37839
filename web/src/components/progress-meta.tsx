import { JsonView } from './json-view.tsx';

/** Celery's usual PROGRESS shape: `update_state(meta={'current': i, 'total': n})`. */
function progressOf(meta: unknown): { current: number; total: number } | null {
  if (typeof meta !== 'object' || meta === null) return null;
  const { current, total } = meta as Record<string, unknown>;
  if (typeof current !== 'number' || typeof total !== 'number' || total <= 0) return null;
  return { current, total };
}

/** A progress bar when `meta` holds current/total, the meta as JSON otherwise. */
export function ProgressMeta({ meta }: { meta: unknown }) {
  const progress = progressOf(meta);
  if (!progress) return <JsonView value={meta} />;
  const percent = Math.max(0, Math.min(100, (100 * progress.current) / progress.total));
  return (
    <div className="progress" data-testid="task-progress">
      <progress max={progress.total} value={Math.min(progress.current, progress.total)} aria-label="Progress" />
      <span>
        {progress.current} / {progress.total} ({percent.toFixed(0)} %)
      </span>
    </div>
  );
}
