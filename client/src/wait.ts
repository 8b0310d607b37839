/** `waitForTask`: a task watch that resolves with the task once it is ready, like Celery's AsyncResult.get(timeout). */
import type { LensClient, Task, WaitOptions } from './types.ts';
import { LensClientError } from './resumable.ts';

export function waitForTask(client: LensClient, id: string, options: WaitOptions): Promise<Task> {
  return new Promise<Task>((resolve, reject) => {
    let latest: Task | null = null;
    let failure: unknown = null;
    const stopper = new AbortController();
    const timer =
      options.timeoutMs === undefined
        ? null
        : setTimeout(() => {
            failure = new LensClientError(`task ${id} was not ready within ${options.timeoutMs} ms`, 'TIMEOUT');
            stopper.abort();
          }, options.timeoutMs);
    const onAbort = () => {
      failure = options.signal?.reason ?? new LensClientError('aborted', 'ABORTED');
      stopper.abort();
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const handle = client.watchTask(id, (task) => void (latest = task), {
      signal: stopper.signal,
      onError: (error) => (failure = error),
    });
    handle.done
      .catch((error: unknown) => (failure = error))
      .finally(() => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const task = latest as Task | null;
        if (failure === null && task?.ready) resolve(task);
        else reject(failure ?? new LensClientError(`the watch of task ${id} ended before it was ready`, 'INCOMPLETE'));
      });
  });
}
