import type { Plugin } from 'graphql-yoga';

/** The 413 answer, as JSON. */
function tooLarge(message: string, maxBytes: number) {
  return { status: 413, json: { errors: [{ message, extensions: { code: 'REQUEST_TOO_LARGE', limit: maxBytes } }] } };
}

/** The body read whole, or null past `maxBytes` (the rest is not read). */
async function readUpTo(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer<ArrayBuffer> | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {
        // The client may already be gone; the answer is the same.
      });
      return null;
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Refuses a request body larger than `maxBytes` with 413 and
 * REQUEST_TOO_LARGE, whatever its content type: a declared Content-Length
 * before reading anything; a chunked body (no Content-Length) while it is
 * read, up to the limit and no further. Node's parser never delivers more than
 * a declared length, so only chunked bodies are read here; Yoga then gets
 * them from memory.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  const refuse = (message: string) => {
    const { status, json } = tooLarge(message, maxBytes);
    return Response.json(json, { status });
  };
  return {
    // Not async: a hook that returns no promise costs Yoga no turn, and most requests declare their length.
    onRequest({ request, setRequest, endResponse, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (Number(declared) > maxBytes)
          endResponse(refuse(`the request body has ${declared} bytes; the limit is ${maxBytes}`));
        return;
      }
      if (request.body === null || request.method === 'GET' || request.method === 'HEAD') return;
      return readUpTo(request.body, maxBytes).then((body) => {
        if (body === null) return endResponse(refuse(`the request body has more than ${maxBytes} bytes`));
        setRequest(
          new fetchAPI.Request(request.url, {
            method: request.method,
            headers: request.headers,
            body,
            signal: request.signal,
          }),
        );
      });
    },
  };
}
