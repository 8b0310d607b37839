/**
 * The page's only way to the server: queries over fetch, subscriptions over
 * one graphql-ws connection (its own client, which reconnects and
 * re-subscribes by itself). Both carry the API key kept in sessionStorage:
 * `x-api-key` over HTTP, `connectionParams.apiKey` over graphql-ws.
 * Components never open sockets themselves; they use hooks built on this.
 */
import { type Client, createClient } from 'graphql-ws';
import type { TypedDocumentString } from './graphql/generated/graphql.ts';
import { createStore } from './store.ts';

export interface GqlError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string };
}

export interface GqlResult<T> {
  readonly data: T | null;
  readonly errors: readonly GqlError[];
}

const KEY_STORAGE = 'celery-lens:api-key';
export const ENDPOINT = '/graphql';

/** The API key the user typed (this tab only), or null. */
export const apiKey = createStore<string | null>(sessionStorage.getItem(KEY_STORAGE));
/** Set when the server answered UNAUTHENTICATED: the page asks for a key. */
export const authNeeded = createStore(false);
/** The WebSocket's state, for the backend banner. */
export const socketState = createStore<'connecting' | 'connected' | 'closed'>('connecting');

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
  apiKey.set(key);
  authNeeded.set(false);
  // A new key needs a new connection: connectionParams are sent once, when it opens.
  const old = socket;
  socket = null;
  generation += 1;
  Promise.resolve(old?.dispose()).catch(() => {});
}

function noteErrors(errors: readonly GqlError[]): void {
  if (errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) authNeeded.set(true);
}

export async function query<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<GqlResult<R>> {
  const key = apiKey.get();
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json()) as { data?: R | null; errors?: GqlError[] };
  const result = { data: body.data ?? null, errors: body.errors ?? [] };
  noteErrors(result.errors);
  return result;
}

let socket: Client | null = null;
/** Which connection is current: events of a disposed one (a key change) must not move socketState. */
let generation = 0;

function connection(): Client {
  if (socket) return socket;
  const url = new URL(ENDPOINT, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  // Not `client === socket`: a non-lazy client emits `connecting` before createClient returns.
  const mine = generation;
  const current = () => mine === generation;
  const client: Client = createClient({
    url: url.href,
    connectionParams: () => {
      const key = apiKey.get();
      return key ? { apiKey: key } : {};
    },
    // Connect at once, not on the first subscribe: the handshake overlaps React's first render.
    lazy: false,
    // The server (or Redis behind it) may be down for a while: keep trying, every few seconds at most.
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 4000)));
    },
    on: {
      connecting: () => current() && socketState.set('connecting'),
      connected: () => {
        // For bench/web-page.ts: when the first connection was up.
        if (performance.getEntriesByName('lens:socket').length === 0) performance.mark('lens:socket');
        if (current()) socketState.set('connected');
      },
      closed: () => current() && socketState.set('closed'),
    },
  });
  socket = client;
  return client;
}

/** Opens the WebSocket now (main.tsx calls it before rendering). */
export function connectEarly(): void {
  connection();
}

export interface SubscriptionSink<R> {
  next(result: GqlResult<R>): void;
  /** The server refused the operation or the stream failed; `errors` says why. */
  error(errors: readonly GqlError[]): void;
  complete(): void;
}

type SinkEvent<R> =
  | { readonly next: GqlResult<R> }
  | { readonly error: readonly GqlError[] }
  | { readonly complete: true };

function deliver<R>(sink: SubscriptionSink<R>, event: SinkEvent<R>): void {
  if ('next' in event) sink.next(event.next);
  else if ('error' in event) sink.error(event.error);
  else sink.complete();
}

interface Early {
  /** What arrived before a view took the subscription over. */
  readonly events: SinkEvent<unknown>[];
  sink: SubscriptionSink<unknown> | null;
  stop: () => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Subscriptions started before any view asked for them, by operation and variables. */
const early = new Map<string, Early>();
/** An early subscription no view took over within this long is stopped. */
const UNCLAIMED_MS = 10_000;
const operationKey = (document: { toString(): string }, variables: unknown) =>
  `${document.toString()}\n${JSON.stringify(variables)}`;

/**
 * Starts a subscription now, before React has rendered the view that will
 * want it (main.tsx, for the address the page opened at): its subscribe
 * message goes out as soon as the WebSocket is up instead of after the first
 * render and its effects. The first `subscribe` with the same operation and
 * variables takes it over, with what it has received so far.
 */
export function subscribeEarly<R, V>(document: TypedDocumentString<R, V>, variables: V): void {
  const key = operationKey(document, variables);
  if (early.has(key)) return;
  const entry: Early = {
    events: [],
    sink: null,
    stop: () => {},
    timer: setTimeout(() => {
      if (early.get(key) !== entry) return;
      early.delete(key);
      entry.stop();
    }, UNCLAIMED_MS),
  };
  const forward = (event: SinkEvent<unknown>) => (entry.sink ? deliver(entry.sink, event) : entry.events.push(event));
  entry.stop = subscribe(document, variables, {
    next: (result) => forward({ next: result }),
    error: (errors) => forward({ error: errors }),
    complete: () => forward({ complete: true }),
  });
  early.set(key, entry);
}

/** Subscribes over graphql-ws; returns the function that unsubscribes. */
export function subscribe<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  sink: SubscriptionSink<R>,
): () => void {
  const key = operationKey(document, variables);
  const started = early.get(key);
  if (started) {
    early.delete(key);
    clearTimeout(started.timer);
    started.sink = sink as SubscriptionSink<unknown>;
    for (const event of started.events.splice(0)) deliver(sink, event as SinkEvent<R>);
    return started.stop;
  }
  return connection().subscribe<R>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next(value) {
        const result = {
          data: (value.data as R | null | undefined) ?? null,
          errors: (value.errors ?? []) as GqlError[],
        };
        noteErrors(result.errors);
        sink.next(result);
      },
      error(reason) {
        const errors = Array.isArray(reason)
          ? (reason as GqlError[])
          : [{ message: reason instanceof Error ? reason.message : 'the connection to the server closed' }];
        noteErrors(errors);
        sink.error(errors);
      },
      complete: () => sink.complete(),
    },
  );
}
