import type { LensContext } from './context.ts';
import { GroupRef } from './group.ts';
import { forgetTtls } from './live-ttl.ts';
import { forgetHistory } from './task/task-history.ts';
import { forgetLastHeard } from './task/task-last-heard.ts';
import { TaskRef } from './task/task.ts';

/**
 * Drops what this context's loaders cached. A subscription keeps one context
 * for all its events: each event must read fresh links (parent, children, …).
 */
export function forgetLoaded(context: LensContext): void {
  TaskRef.getDataloader(context).clearAll();
  GroupRef.getDataloader(context).clearAll();
  forgetHistory(context);
  forgetLastHeard(context);
  forgetTtls(context);
}
