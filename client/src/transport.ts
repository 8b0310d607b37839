/**
 * What the client needs of a transport: run one subscription, hear each
 * result, its end, or the connection failing. Two implement it: graphql-ws
 * (ws.ts) and SSE over fetch (sse.ts).
 */

/** One GraphQL result as the server sends it, with the event's resume cursor in `extensions.cursor`. */
export interface WireResult {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly WireError[];
  readonly extensions?: { readonly cursor?: string } & Record<string, unknown>;
}

export interface WireError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string } & Record<string, unknown>;
}

export interface Request {
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

export interface Sink {
  next(result: WireResult): void;
  /** The connection failed or closed before the server completed the subscription. */
  fail(reason: unknown): void;
  complete(): void;
}

export interface Transport {
  readonly name: 'ws' | 'sse';
  /** Starts the subscription; the function returned stops it (no call to the sink after). */
  subscribe(request: Request, sink: Sink): () => void;
  close(): Promise<void>;
}

/** Credentials as the server reads them over HTTP and SSE. */
export function authHeaders(auth: {
  readonly apiKey?: string | undefined;
  readonly token?: string | undefined;
}): Record<string, string> {
  return {
    ...(auth.apiKey ? { 'x-api-key': auth.apiKey } : {}),
    ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
  };
}
