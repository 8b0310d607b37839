/**
 * A real HTTP server standing in for a webhook (Slack, a pager): it records
 * every request (path, headers, raw body) and answers as the test says, by
 * path; 200 by default.
 */
import { type IncomingHttpHeaders, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** How many requests this path had before this one. */
  readonly seen: number;
}

export type Responder = (request: ReceivedRequest, response: ServerResponse) => void;

export interface WebhookReceiver {
  /** `http://<host>:<port>` as given to start (127.0.0.1 by default). */
  readonly origin: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** The requests to a path, in order. */
  to(path: string): ReceivedRequest[];
  /** How requests to `path` are answered from now on. */
  answer(path: string, responder: Responder): void;
  stop(): Promise<void>;
}

export async function startReceiver(host = '127.0.0.1'): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const responders = new Map<string, Responder>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://receiver').pathname;
      const request = {
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        seen: requests.filter((r) => r.path === path).length,
      };
      requests.push(request);
      const responder = responders.get(path);
      if (responder) responder(request, res);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    port,
    requests,
    to: (path) => requests.filter((request) => request.path === path),
    answer: (path, responder) => responders.set(path, responder),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
