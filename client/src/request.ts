/**
 * One query or mutation over HTTP: a JSON POST with the client's
 * credentials as headers. The answer is what the server said, errors
 * included (a refusal is an answer); only a server that gives no GraphQL
 * answer at all (unreachable, a proxy's error page) rejects.
 */
import { LensClientError } from './resumable.ts';
import { type WireError, authHeaders } from './transport.ts';

/** An operation as codegen's string documents (`documentMode: 'string'`) type it, or its text. */
export interface Operation<R, V> {
  toString(): string;
  /** Carries the result and variables types only (never set at run time). */
  readonly __apiType?: (variables: V) => R;
}

/** What the server answered: `data` null when nothing ran (`errors` then says why). */
export interface LensResult<R> {
  readonly data: R | null;
  readonly errors: readonly WireError[];
}

export interface RequestOptions {
  readonly url: string;
  readonly apiKey?: string | undefined;
  readonly token?: string | undefined;
  readonly fetch: typeof fetch;
}

export async function request<R>(
  options: RequestOptions,
  query: string,
  variables: unknown,
  signal?: AbortSignal,
): Promise<LensResult<R>> {
  let response: Response;
  try {
    response = await options.fetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // Not application/graphql-response+json: a refusal comes as 200 with its errors, which browsers log no error for.
        accept: 'application/json',
        ...authHeaders(options),
      },
      body: JSON.stringify({ query, variables }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new LensClientError(`the server did not answer: ${(error as Error).message}`, 'TRANSPORT');
  }
  const body = (await response.json().catch(() => null)) as { data?: R | null; errors?: WireError[] } | null;
  if (body === null || typeof body !== 'object' || (!('data' in body) && !Array.isArray(body.errors)))
    throw new LensClientError(`the server answered HTTP ${response.status} without a GraphQL result`, 'TRANSPORT');
  return { data: body.data ?? null, errors: body.errors ?? [] };
}
