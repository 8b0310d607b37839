/**
 * The page's only way to the server: celery-lens/client, the library users
 * import, made with the API key kept in sessionStorage (a new key, a new
 * client: graphql-ws sends credentials once, when it connects). Components
 * never open sockets themselves; they use the hooks built on this.
 */
import {
  type ConnectionState,
  type GraphQLErrorJson,
  type LensClient,
  type LensClientError,
  type LensResult,
  type Operation,
  createLensClient,
} from 'celery-lens/client';
import { createStore } from './store.ts';

export type GqlError = GraphQLErrorJson;
export type GqlResult<R> = LensResult<R>;

const KEY_STORAGE = 'celery-lens:api-key';
const ENDPOINT = '/graphql';

/** The API key the user typed (this tab only), or null. */
export const apiKey = createStore<string | null>(sessionStorage.getItem(KEY_STORAGE));
/** Set when the server answered UNAUTHENTICATED: the page asks for a key. */
export const authNeeded = createStore(false);
/** The WebSocket's state, for the backend banner. */
export const socketState = createStore<ConnectionState>('idle');

function connect(key: string | null): LensClient {
  const client = createLensClient({
    url: ENDPOINT,
    apiKey: key ?? undefined,
    // The server (or Redis behind it) may be down for a while: try again every few seconds at most.
    retry: { minDelayMs: 500, maxDelayMs: 2000 },
    // Moving from task to task reuses the socket.
    socketIdleMs: 30_000,
    onConnection: (state) => {
      // For bench/web-page.ts: when the first connection was up.
      if (state === 'connected' && performance.getEntriesByName('lens:socket').length === 0)
        performance.mark('lens:socket');
      // A replaced client's socket closing says nothing about the current one.
      if (lens.get() === client) socketState.set(state);
    },
  });
  return client;
}

/** The client for the current key: hooks subscribe again when it changes. */
export const lens = createStore<LensClient>(connect(apiKey.get()));

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
  const old = lens.get();
  stopEarly();
  socketState.set('idle');
  lens.set(connect(key));
  apiKey.set(key);
  authNeeded.set(false);
  old.close().catch(() => {});
}

function noteErrors(errors: readonly GqlError[]): void {
  if (errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) authNeeded.set(true);
}

/** The errors a failure is shown by: the server's, or its message alone (a lost connection). */
export const errorsOf = (error: LensClientError): readonly GqlError[] =>
  error.errors.length > 0 ? error.errors : [{ message: error.message, extensions: { code: error.code } }];

export async function query<R, V>(document: Operation<R, V>, variables: V): Promise<GqlResult<R>> {
  const result = await lens.get().request(document, variables);
  noteErrors(result.errors);
  return result;
}

/** What a view hears of its subscription. */
export interface Sink<R> {
  next(data: R, errors: readonly GqlError[]): void;
  /** `retrying`: the client tries again by itself; otherwise the subscription ended. */
  failed(error: LensClientError, retrying: boolean): void;
  /** It subscribed again after a failure (a stream without cursors may have missed events). */
  resubscribed?(): void;
}

/** Subscribes on the current client; returns the function that stops it. `finished`: what its server completes it on. */
export function subscribe<R, V>(
  document: Operation<R, V>,
  variables: V,
  sink: Sink<R>,
  finished: (data: R) => boolean = () => false,
): () => void {
  const taken = takeEarly(document, variables, sink);
  if (taken) return taken;
  const handle = lens.get().subscribe(
    document,
    variables,
    (data, errors) => {
      noteErrors(errors);
      sink.next(data, errors);
    },
    {
      finished,
      onRetry: (error) => sink.failed(error, true),
      onError: (error) => {
        noteErrors(errorsOf(error));
        sink.failed(error, false);
      },
      onResubscribe: () => sink.resubscribed?.(),
    },
  );
  return () => handle.stop();
}

interface Early {
  /** What arrived before a view took the subscription over, replayed to it. */
  readonly calls: ((sink: Sink<unknown>) => void)[];
  sink: Sink<unknown> | null;
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
export function subscribeEarly<R, V>(
  document: Operation<R, V>,
  variables: V,
  finished: (data: R) => boolean = () => false,
): void {
  const key = operationKey(document, variables);
  if (early.has(key)) return;
  const entry: Early = {
    calls: [],
    sink: null,
    stop: () => {},
    timer: setTimeout(() => {
      if (early.get(key) !== entry) return;
      early.delete(key);
      entry.stop();
    }, UNCLAIMED_MS),
  };
  const forward = (call: (sink: Sink<unknown>) => void) => (entry.sink ? call(entry.sink) : entry.calls.push(call));
  entry.stop = subscribe(
    document,
    variables,
    {
      next: (data, errors) => forward((sink) => sink.next(data, errors)),
      failed: (error, retrying) => forward((sink) => sink.failed(error, retrying)),
      resubscribed: () => forward((sink) => sink.resubscribed?.()),
    },
    finished,
  );
  early.set(key, entry);
}

function takeEarly<R>(document: { toString(): string }, variables: unknown, sink: Sink<R>): (() => void) | null {
  const key = operationKey(document, variables);
  const started = early.get(key);
  if (!started) return null;
  early.delete(key);
  clearTimeout(started.timer);
  started.sink = sink as Sink<unknown>;
  for (const call of started.calls.splice(0)) call(started.sink);
  return started.stop;
}

function stopEarly(): void {
  for (const entry of early.values()) {
    clearTimeout(entry.timer);
    entry.stop();
  }
  early.clear();
}
