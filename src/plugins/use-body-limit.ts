import type { Plugin } from 'graphql-yoga';

/** The 413 answer, as JSON, shared with the JSON POST path (src/http/json-post.ts). */
export function tooLarge(message: string, maxBytes: number) {
  return { status: 413, json: { errors: [{ message, extensions: { code: 'REQUEST_TOO_LARGE', limit: maxBytes } }] } };
}

/**
 * Refuses a request whose declared body is larger than `maxBytes` with 413
 * and REQUEST_TOO_LARGE, before reading it. (A chunked body without
 * Content-Length is bounded by the token limit once parsed; on the JSON POST
 * path it is cut off at `maxBytes`.)
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > maxBytes) {
        const { status, json } = tooLarge(`the request body has ${length} bytes; the limit is ${maxBytes}`, maxBytes);
        endResponse(Response.json(json, { status }));
      }
    },
  };
}
