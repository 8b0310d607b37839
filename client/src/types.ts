/** The client's public types: its options, the watches' options and the client itself. */
import type { LensTaskFieldsFragment, LensWatchGraphSubscription } from './generated/graphql.ts';
import type { LensResult, Operation } from './request.ts';
import type { Handle, LensClientError, RetryOptions } from './resumable.ts';
import type { WireError } from './transport.ts';
import type { ConnectionState } from './ws.ts';

/** A task as the client reports it (`result`, `meta`, error messages only with `payload: true`). */
export type Task = LensTaskFieldsFragment;
/** A workflow graph as `taskGraph` sends it. */
export type TaskGraph = LensWatchGraphSubscription['taskGraph'];

export interface LensClientOptions {
  /** The GraphQL endpoint, e.g. `https://lens.example/graphql` (`ws(s)://` is derived from it; in a browser it may be relative, `/graphql`). */
  readonly url: string;
  /** An API key: `x-api-key` over HTTP, `connectionParams.apiKey` over graphql-ws. */
  readonly apiKey?: string | undefined;
  /** A JWT or read token: `Authorization: Bearer` over HTTP, `connectionParams.token` over graphql-ws. */
  readonly token?: string | undefined;
  /** Ask `result`, `meta`, error messages and tracebacks (the credential needs the `payload` scope). @default true */
  readonly payload?: boolean;
  /** `auto`: graphql-ws, SSE when WebSocket is refused or missing. @default 'auto' */
  readonly transport?: 'auto' | 'ws' | 'sse';
  /** A WebSocket class where there is no global one (Node 20: `import WebSocket from 'ws'`). @default globalThis.WebSocket */
  readonly webSocketImpl?: unknown;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  readonly retry?: RetryOptions;
  /** How long the WebSocket stays open once nothing is watched, in ms (a page that watches one task after another). @default 0 */
  readonly socketIdleMs?: number;
  /** Told when the WebSocket connects, is up, closes while watches run (`closed`: being tried again) or with none (`idle`). Not over SSE. */
  readonly onConnection?: (state: ConnectionState) => void;
}

/** What every subscription takes. */
export interface HandleOptions {
  readonly signal?: AbortSignal;
  /** Told when the watch ends with an error (a refused credential, a bad id). */
  readonly onError?: (error: LensClientError) => void;
  /** Told each time the stream failed and is tried again after a backoff (`code`: the server's, or TRANSPORT). */
  readonly onRetry?: (error: LensClientError) => void;
}

export interface WatchOptions extends HandleOptions {
  /** Keep watching after the task is ready. @default false */
  readonly untilReady?: boolean;
}

export interface SubscribeOptions<R> extends HandleOptions {
  /**
   * Whether the stream is done with this result: a completion after it
   * ends the subscription, a completion before it is a server going away
   * (it subscribes again). @default every completion ends it
   */
  readonly finished?: (data: R) => boolean;
  /**
   * Told each time it subscribes again after a failure. An operation that
   * declares `$after: String` resumes from its last event's cursor; one
   * without (e.g. `taskEvents`) starts afresh and may have missed events:
   * read again here.
   */
  readonly onResubscribe?: () => void;
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
  /** Any query or mutation, over HTTP with the client's credentials; rejects (TRANSPORT) only when no GraphQL answer came. */
  request<R, V>(
    operation: Operation<R, V> | string,
    variables: V,
    options?: { signal?: AbortSignal },
  ): Promise<LensResult<R>>;
  /**
   * Any subscription, on the same connection, reconnects and error codes as
   * the watches: `onResult` hears each result that has data (with its field
   * errors), unfiltered.
   */
  subscribe<R, V>(
    operation: Operation<R, V> | string,
    variables: V,
    onResult: (data: R, errors: readonly WireError[]) => void,
    options?: SubscribeOptions<R>,
  ): Handle;
  /** The transport in use now. */
  readonly transportName: 'ws' | 'sse';
  /** Stops every watch and closes connections. */
  close(): Promise<void>;
}
