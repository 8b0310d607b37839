/**
 * One HTTP request as sent on the wire, answered as received: any Host header
 * (fetch would name the URL's), and the body's bytes as they came, not
 * decompressed (for Content-Encoding checks).
 */
import { request } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** The body as JSON (throws when it is not). */
  json<T = unknown>(): T;
}

export interface RawRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export function rawRequest(
  url: string | URL,
  { method = 'GET', headers = {}, body }: RawRequest = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method,
        headers: { ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: bytes,
            json: <T>() => JSON.parse(bytes.toString()) as T,
          });
        });
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}
