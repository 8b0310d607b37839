/**
 * The HTTP server, and a graceful close that waits for what is in flight
 * instead of for a fixed time: streams completed by the shutdown signal
 * write their last event and end, and each connection is closed as soon as
 * it falls idle; whatever is still open after the grace period is cut.
 */
import { type IncomingMessage, type RequestListener, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Connections the kernel queues until they are accepted: as many as may come
 * at once (Node's default, 511, overflowed 47,232 times under 10,000
 * concurrent long polls). The kernel caps it at net.core.somaxconn.
 */
export const listenBacklog = (maxConnections: number): number => Math.max(511, maxConnections);

export interface LensHttpServer {
  readonly server: Server;
  listen(port: number, host: string, backlog: number): Promise<number>;
  /** Stops accepting, lets in-flight answers end (at most `graceMs`), then closes every connection. */
  close(graceMs: number): Promise<void>;
}

export function createHttpServer(
  listener: RequestListener<typeof IncomingMessage, typeof ServerResponse>,
): LensHttpServer {
  const server = createServer(listener);
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  let drained: (() => void) | null = null;
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (!closing) return;
      // A keep-alive connection whose answer just ended would otherwise wait for its next request.
      server.closeIdleConnections();
      if (inFlight.size === 0) drained?.();
    });
  });
  return {
    server,
    async listen(port, host, backlog) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host, backlog }, () => resolve());
      });
      return (server.address() as AddressInfo).port;
    },
    async close(graceMs) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => {
            drained = resolve;
          }),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, graceMs);
          }),
        ]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
