import type { Plugin } from 'graphql-yoga';

/**
 * Refuses a request whose declared body is larger than `maxBytes` with 413
 * and REQUEST_TOO_LARGE, before reading it. (A chunked body without
 * Content-Length is bounded by the token limit once parsed.)
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > maxBytes) {
        endResponse(
          Response.json(
            { errors: [{ message: `the request body has ${length} bytes; the limit is ${maxBytes}`, extensions: { code: 'REQUEST_TOO_LARGE', limit: maxBytes } }] },
            { status: 413 },
          ),
        );
      }
    },
  };
}
