import WebSocket from 'ws';
import { afterEach } from 'vitest';
import { type LensClient, type LensClientOptions, createLensClient } from '../../client/src/index.ts';

/**
 * A maker of celery-lens/client instances for one test file's server, with
 * short retry delays (the tests drop sockets on purpose), each closed after
 * its test.
 */
export function useLensClients(
  url: () => string,
  retry: LensClientOptions['retry'] = { minDelayMs: 50, maxDelayMs: 500 },
): (options?: Partial<LensClientOptions>) => LensClient {
  const leftovers: LensClient[] = [];
  afterEach(async () => {
    for (const client of leftovers.splice(0)) await client.close();
  });
  return (options = {}) => {
    const created = createLensClient({ url: url(), webSocketImpl: WebSocket, retry, ...options });
    leftovers.push(created);
    return created;
  };
}
