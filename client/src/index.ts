/**
 * celery-lens/client: wait for and watch Celery tasks through a celery-lens
 * server, from browsers and Node. graphql-ws first, SSE over fetch when no
 * WebSocket can be opened; every stream reconnects with backoff and resumes
 * from the last event's cursor, so an update is neither lost nor repeated.
 * `request` and `subscribe` send any other operation the same way (the
 * celery-lens web page runs on them).
 *
 * ```js
 * import { createLensClient } from 'celery-lens/client';
 * const lens = createLensClient({ url: 'https://lens.example/graphql', token });
 * const task = await lens.waitForTask(id, { timeoutMs: 30_000 });
 * ```
 */
import { WatchGraph, WatchTask, WatchTasks } from './documents.ts';
import { request } from './request.ts';
import { type Handle, LensClientError, type ResumableOptions, resumable } from './resumable.ts';
import { sseTransport } from './sse.ts';
import type { Transport, WireError } from './transport.ts';
import type { HandleOptions, LensClient, LensClientOptions, Task, TaskGraph, WatchOptions } from './types.ts';
import { waitForTask } from './wait.ts';
import { type WsTransport, wsTransport } from './ws.ts';

export { LensClientError, isTransient } from './resumable.ts';
export type { Handle, RetryOptions } from './resumable.ts';
export type { WireError as GraphQLErrorJson } from './transport.ts';
export type { TaskState, TaskStatus } from './generated/graphql.ts';
export type { LensResult, Operation } from './request.ts';
export type { ConnectionState } from './ws.ts';
export type {
  HandleOptions,
  LensClient,
  LensClientOptions,
  SubscribeOptions,
  Task,
  TaskGraph,
  WaitOptions,
  WatchOptions,
} from './types.ts';

type Picker<T> = ResumableOptions<T>['pick'];
/** A watch as the methods describe it; the client adds its transport, retry policy and the caller's signal. */
type Spec<T> = Omit<ResumableOptions<T>, 'transport' | 'retry' | 'signal' | 'onRetry'>;

/** An operation that declares `$after` resumes from its cursor; others are sent without it. */
const takesCursor = (query: string) => /\$after\b/.test(query);

export function createLensClient(options: LensClientOptions): LensClient {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const webSocketImpl = options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket;
  const auth = { apiKey: options.apiKey, token: options.token };
  const payload = options.payload ?? true;
  const sse = sseTransport({ url: options.url, fetch: fetchImpl, ...auth });
  const mode = options.transport ?? 'auto';
  const ws: WsTransport | null =
    mode !== 'sse' && webSocketImpl
      ? wsTransport({
          url: options.url,
          webSocketImpl,
          ...auth,
          idleMs: options.socketIdleMs,
          onConnection: options.onConnection,
        })
      : null;
  if (mode === 'ws' && !ws)
    throw new LensClientError('no WebSocket implementation: pass webSocketImpl', 'NO_WEBSOCKET');
  // graphql-ws until it is refused (auto), then SSE for good.
  const transport = (): Transport => (ws && (mode === 'ws' || !ws.refused) ? ws : sse);
  const handles = new Set<Handle>();

  function watch<T>(spec: Spec<T>, handleOptions: HandleOptions): Handle {
    const handle = resumable<T>({
      ...spec,
      transport,
      retry: options.retry,
      signal: handleOptions.signal,
      onRetry: handleOptions.onRetry,
    });
    handles.add(handle);
    handle.done.then(
      () => handles.delete(handle),
      (error: unknown) => {
        handles.delete(handle);
        if (error instanceof LensClientError) handleOptions.onError?.(error);
      },
    );
    return handle;
  }

  const pickTask =
    (field: string): Picker<Task> =>
    (data) => {
      const task = data[field] as Task | null | undefined;
      return task ? { key: task.id, value: task } : null;
    };

  /**
   * What the server completes a task stream on: every task watched is ready
   * (never, with `untilReady: false`), or there is none to watch (it completes at once).
   */
  const allReady =
    (count: number, watchOptions: WatchOptions) =>
    (latest: ReadonlyMap<string, Task>): boolean =>
      count === 0 ||
      ((watchOptions.untilReady ?? true) && latest.size === count && [...latest.values()].every((task) => task.ready));

  const watchTasks = (
    query: string,
    variables: Record<string, unknown>,
    field: string,
    count: number,
    onUpdate: (task: Task, errors: readonly WireError[]) => void,
    watchOptions: WatchOptions,
  ) =>
    watch<Task>(
      {
        request: (after) => ({ query, variables: { ...variables, payload, after } }),
        pick: pickTask(field),
        onUpdate,
        finished: allReady(count, watchOptions),
        endWhenFinished: true,
      },
      watchOptions,
    );

  const client: LensClient = {
    get transportName() {
      return transport().name;
    },
    watchTask: (id, onUpdate, watchOptions = {}) =>
      watchTasks(
        WatchTask.toString(),
        { id, untilReady: watchOptions.untilReady ?? true },
        'task',
        1,
        onUpdate,
        watchOptions,
      ),
    watchTasks: (ids, onUpdate, watchOptions = {}) =>
      watchTasks(
        WatchTasks.toString(),
        { ids, untilReady: watchOptions.untilReady ?? true },
        'tasks',
        new Set(ids).size,
        onUpdate,
        watchOptions,
      ),
    watchGraph: (rootId, onUpdate, watchOptions = {}) =>
      watch<TaskGraph>(
        {
          request: (after) => ({
            query: WatchGraph.toString(),
            variables: { rootId, maxDepth: watchOptions.maxDepth ?? 10, after },
          }),
          pick: (data) => {
            const graph = data.taskGraph as TaskGraph | null | undefined;
            return graph ? { key: 'graph', value: graph } : null;
          },
          onUpdate,
          finished: (latest) => latest.get('graph')?.ready === true,
        },
        watchOptions,
      ),
    waitForTask: (id, waitOptions = {}) => waitForTask(client, id, waitOptions),
    request: (operation, variables, requestOptions = {}) =>
      request({ url: options.url, fetch: fetchImpl, ...auth }, operation.toString(), variables, requestOptions.signal),
    subscribe: <R, V>(
      operation: { toString(): string },
      variables: V,
      onResult: (data: R, errors: readonly WireError[]) => void,
      subscribeOptions: Parameters<LensClient['subscribe']>[3] = {},
    ) => {
      const query = operation.toString();
      const finished = subscribeOptions.finished as ((data: R) => boolean) | undefined;
      return watch<R>(
        {
          request: (after) => ({
            query,
            variables: { ...(variables as Record<string, unknown>), ...(takesCursor(query) ? { after } : {}) },
          }),
          pick: (data) => ({ key: 'data', value: data as R }),
          onUpdate: onResult,
          dedupe: false,
          ...(finished
            ? { finished: (latest: ReadonlyMap<string, R>) => latest.has('data') && finished(latest.get('data') as R) }
            : {}),
          onResubscribe: subscribeOptions.onResubscribe,
        },
        subscribeOptions,
      );
    },
    async close() {
      for (const handle of handles) handle.stop();
      await Promise.all([ws?.close(), sse.close()]);
    },
  };
  return client;
}
