import type { TaskSnapshot } from '../read/task-snapshot.ts';
import type { LensContext } from './context.ts';
import { TaskRef } from './task/task.ts';

/**
 * Loads tasks through the request's Task DataLoader (so they join the same
 * MGET as every other Task of this tick). Ids that fail (bad id, undecodable)
 * come back as null.
 */
export async function loadTasks(context: LensContext, ids: readonly string[]): Promise<(TaskSnapshot | null)[]> {
  const loaded = await TaskRef.getDataloader(context).loadMany(ids);
  return loaded.map((task) => (task instanceof Error ? null : task));
}

export async function loadTask(context: LensContext, id: string): Promise<TaskSnapshot | null> {
  return (await loadTasks(context, [id]))[0] ?? null;
}
