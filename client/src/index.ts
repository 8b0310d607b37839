/**
 * celery-lens/client: wait for and watch Celery tasks through a celery-lens
 * server, from browsers and Node. graphql-ws first, SSE over fetch when no
 * WebSocket can be opened; every stream reconnects with backoff and resumes
 * from the last event's cursor, so an update is neither lost nor repeated.
 *
 * ```js
 * import { createLensClient } from 'celery-lens/client';
 * const lens = createLensClient({ url: 'https://lens.example/graphql', token });
 * const task = await lens.waitForTask(id, { timeoutMs: 30_000 });
 * ```
 */
import { WatchGraph, WatchTask, WatchTasks } from './documents.ts';
import type { LensTaskFieldsFragment, LensWatchGraphSubscription } from './generated/graphql.ts';
import { type Handle, LensClientError, type RetryOptions, resumable } from './resumable.ts';
import { sseTransport } from './sse.ts';
import type { Transport, WireError } from './transport.ts';
import { type WsTransport, wsTransport } from './ws.ts';

export { LensClientError } from './resumable.ts';
export type { Handle, RetryOptions } from './resumable.ts';
export type { WireError as GraphQLErrorJson } from './transport.ts';
export type { TaskState, TaskStatus } from './generated/graphql.ts';

/** A task as the client reports it (`result`, `meta`, error messages only with `payload: true`). */
export type Task = LensTaskFieldsFragment;
/** A workflow graph as `taskGraph` sends it. */
export type TaskGraph = LensWatchGraphSubscription['taskGraph'];

export interface LensClientOptions {
  /** The GraphQL endpoint, e.g. `https://lens.example/graphql` (`ws(s)://` is derived from it). */
  readonly url: string;
  /** An API key: `x-api-key` over HTTP, `connectionParams.apiKey` over graphql-ws. */
  readonly apiKey?: string;
  /** A JWT or read token: `Authorization: Bearer` over HTTP, `connectionParams.token` over graphql-ws. */
  readonly token?: string;
  /** Ask `result`, `meta`, error messages and tracebacks (the credential needs the `payload` scope). @default true */
  readonly payload?: boolean;
  /** `auto`: graphql-ws, SSE when WebSocket is refused or missing. @default 'auto' */
  readonly transport?: 'auto' | 'ws' | 'sse';
  /** A WebSocket class where there is no global one (Node 20: `import WebSocket from 'ws'`). @default globalThis.WebSocket */
  readonly webSocketImpl?: unknown;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  readonly retry?: RetryOptions;
}

export interface WatchOptions {
  /** Keep watching after the task is ready. @default false */
  readonly untilReady?: boolean;
  readonly signal?: AbortSignal;
  /** Told when the watch ends with an error (a refused credential, a bad id). */
  readonly onError?: (error: LensClientError) => void;
}

export interface WaitOptions {
  /** Reject with a LensClientError `TIMEOUT` after this long, in ms. @default none */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface LensClient {
  /** Resolves with the task once it is ready (SUCCESS, FAILURE, REVOKED, …). */
  waitForTask(id: string, options?: WaitOptions): Promise<Task>;
  /** Calls `onUpdate` with the task now, then on every change, until it is ready (`untilReady: false`: until stopped). */
  watchTask(id: string, onUpdate: (task: Task, errors: readonly WireError[]) => void, options?: WatchOptions): Handle;
  /** The same for many tasks: each call is one task's new state. */
  watchTasks(
    ids: readonly string[],
    onUpdate: (task: Task, errors: readonly WireError[]) => void,
    options?: WatchOptions,
  ): Handle;
  /** The workflow below `rootId`, now and after every change, until every task in it is ready. */
  watchGraph(
    rootId: string,
    onUpdate: (graph: TaskGraph, errors: readonly WireError[]) => void,
    options?: WatchOptions & { maxDepth?: number },
  ): Handle;
  /** The transport in use now. */
  readonly transportName: 'ws' | 'sse';
  /** Stops every watch and closes connections. */
  close(): Promise<void>;
}

export function createLensClient(options: LensClientOptions): LensClient {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const webSocketImpl = options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket;
  const auth = { apiKey: options.apiKey, token: options.token };
  const payload = options.payload ?? true;
  const sse = sseTransport({ url: options.url, fetch: fetchImpl, ...auth });
  const mode = options.transport ?? 'auto';
  const ws: WsTransport | null =
    mode !== 'sse' && webSocketImpl ? wsTransport({ url: options.url, webSocketImpl, ...auth }) : null;
  if (mode === 'ws' && !ws)
    throw new LensClientError('no WebSocket implementation: pass webSocketImpl', 'NO_WEBSOCKET');
  // graphql-ws until it is refused (auto), then SSE for good.
  const transport = (): Transport => (ws && (mode === 'ws' || !ws.refused) ? ws : sse);
  const handles = new Set<Handle>();

  function watch<T>(
    query: string,
    variables: Record<string, unknown>,
    pick: (data: Record<string, unknown>) => { key: string; value: T } | null,
    onUpdate: (value: T, errors: readonly WireError[]) => void,
    watchOptions: WatchOptions,
    finished: (latest: ReadonlyMap<string, T>) => boolean,
    endWhenFinished = false,
  ): Handle {
    const handle = resumable({
      transport,
      request: (after) => ({ query, variables: { ...variables, after } }),
      pick,
      onUpdate,
      finished,
      endWhenFinished,
      retry: options.retry,
      signal: watchOptions.signal,
    });
    handles.add(handle);
    handle.done.then(
      () => handles.delete(handle),
      (error: unknown) => {
        handles.delete(handle);
        if (error instanceof LensClientError) watchOptions.onError?.(error);
      },
    );
    return handle;
  }

  const pickTask = (field: string) => (data: Record<string, unknown>) => {
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

  const client: LensClient = {
    get transportName() {
      return transport().name;
    },
    watchTask: (id, onUpdate, watchOptions = {}) =>
      watch(
        WatchTask.toString(),
        { id, payload, untilReady: watchOptions.untilReady ?? true },
        pickTask('task'),
        onUpdate,
        watchOptions,
        allReady(1, watchOptions),
        true,
      ),
    watchTasks: (ids, onUpdate, watchOptions = {}) =>
      watch(
        WatchTasks.toString(),
        { ids, payload, untilReady: watchOptions.untilReady ?? true },
        pickTask('tasks'),
        onUpdate,
        watchOptions,
        allReady(new Set(ids).size, watchOptions),
        true,
      ),
    watchGraph: (rootId, onUpdate, watchOptions = {}) =>
      watch(
        WatchGraph.toString(),
        { rootId, maxDepth: watchOptions.maxDepth ?? 10 },
        (data) => {
          const graph = data.taskGraph as TaskGraph | null | undefined;
          return graph ? { key: 'graph', value: graph } : null;
        },
        onUpdate,
        watchOptions,
        (latest) => latest.get('graph')?.ready === true,
      ),
    waitForTask: (id, waitOptions = {}) => waitForTask(client, id, waitOptions),
    async close() {
      for (const handle of handles) handle.stop();
      await Promise.all([ws?.close(), sse.close()]);
    },
  };
  return client;
}

function waitForTask(client: LensClient, id: string, options: WaitOptions): Promise<Task> {
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
