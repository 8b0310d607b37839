/**
 * Whether an app listens to tasks' published states now: a write from then on
 * reaches its subscribers. A consuming app hears every state on the consumer's
 * pattern and watches a task from the moment a subscription asks for it; one
 * that does not consume subscribes the task's channel (see taskSubscribers in
 * celery-meta.ts for that).
 */
import type { TaskWatcher } from '../../src/live/task-watcher.ts';

export const watching = (app: { readonly watcher: TaskWatcher }, ids: readonly string[]): boolean =>
  ids.every((id) => app.watcher.watches(id));

export const released = (app: { readonly watcher: TaskWatcher }, ids: readonly string[]): boolean =>
  ids.every((id) => !app.watcher.watches(id));

/** Live task watches of a celery-lens process at `url` (its /metrics' celery_lens_task_watchers). */
export async function watchersAt(url: string): Promise<number> {
  const metrics = await (await fetch(new URL('/metrics', url))).text();
  return Number(/^celery_lens_task_watchers (\d+)/m.exec(metrics)?.[1]);
}
