/** Many graphql-ws clients, one subscription each, opened in batches. */
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Connections opened at once. graphql-ws closes a socket whose
 * connection_init is not handled within 3 s (4408): on a loaded machine 250
 * handshakes at once, or a few behind another socket's burst of 100
 * subscribes, took longer than that. So a batch's sockets are all
 * acknowledged before any of them subscribes.
 */
const BATCH = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Subscriptions asked for at once. Each runs Yoga's pipeline when it starts;
 * 5,000 at once (50 sockets of 100) kept the server's event loop busy past
 * its Redis command timeout (2 s) on a loaded machine, and some subscriptions
 * then answered BACKEND_UNAVAILABLE instead of starting (1,000 at once still did at 10,000 under load 10–15).
 */
const IN_FLIGHT = 200;

/** A graphql-ws client whose connection is acknowledged. */
async function connected(url: string): Promise<Client> {
  const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) =>
      reject(new Error(`WebSocket closed before it was acknowledged: ${(event as { code?: number }).code}`)),
    );
    client.on('error', reject);
  });
  return client;
}

export interface Subscribers {
  /** Every `data` received after the first, with the time it arrived (ms since epoch). */
  readonly received: { id: string; data: unknown; at: number }[];
  close(): Promise<void>;
}

/**
 * Opens one client per id (or `perClient` subscriptions per client) running
 * `query` with `{ id }` as variables (one document for all, as real clients
 * send); resolves once every subscription delivered its first event (or,
 * given `held`, once it counts every subscription sent: for those that send
 * nothing at first, such as taskCompleted's).
 */
export async function openSubscribers(
  url: string,
  ids: readonly string[],
  query: string,
  {
    perClient = 1,
    skipFirst = true,
    held,
  }: { perClient?: number; skipFirst?: boolean; held?: () => Promise<number> } = {},
): Promise<Subscribers> {
  const received: Subscribers['received'] = [];
  const clients: Client[] = [];
  const wsUrl = url.replace(/^http/, 'ws');
  const groups: string[][] = [];
  for (let start = 0; start < ids.length; start += perClient) groups.push(ids.slice(start, start + perClient));
  const sockets = Math.max(1, Math.min(BATCH, Math.floor(IN_FLIGHT / perClient)));
  let sent = 0;
  for (let start = 0; start < groups.length; start += sockets) {
    const batch = groups.slice(start, start + sockets);
    const batchClients = await Promise.all(batch.map(() => connected(wsUrl)));
    clients.push(...batchClients);
    sent += batch.reduce((sum, group) => sum + group.length, 0);
    const opening = Promise.all(
      batch.map(async (group, index) => {
        const client = batchClients[index] as Client;
        await Promise.all(
          group.map(
            (id) =>
              new Promise<void>((resolve, reject) => {
                let first = skipFirst;
                client.subscribe(
                  { query, variables: { id } },
                  {
                    next: ({ data, errors }) => {
                      // A subscription that answered an error is not one: it would be counted as held.
                      if (errors) reject(new Error(`subscription ${id} answered ${JSON.stringify(errors)}`));
                      if (first) {
                        first = false;
                        resolve();
                        return;
                      }
                      received.push({ id, data, at: performance.timeOrigin + performance.now() });
                      resolve();
                    },
                    error: reject,
                    complete: () => resolve(),
                  },
                );
              }),
          ),
        );
      }),
    );
    if (!held) await opening;
    else {
      let failed: unknown = null;
      opening.catch((error: unknown) => (failed = error ?? new Error('a subscription failed')));
      while (failed === null && (await held()) < sent) await sleep(50);
      if (failed !== null) throw failed;
    }
  }
  return { received, close: async () => void (await Promise.all(clients.map((client) => client.dispose()))) };
}

/** `count` plain WebSockets to `url`, opened in batches; resolves once all are open. */
export async function openSockets(url: string, count: number): Promise<{ close(): Promise<void> }> {
  const sockets: WebSocket[] = [];
  for (let start = 0; start < count; start += BATCH) {
    await Promise.all(
      Array.from(
        { length: Math.min(BATCH, count - start) },
        () =>
          new Promise<void>((resolve, reject) => {
            const socket = new WebSocket(url.replace(/^http/, 'ws'));
            sockets.push(socket);
            socket.once('open', () => resolve());
            socket.once('error', reject);
          }),
      ),
    );
  }
  return {
    close: async () => {
      await Promise.all(
        sockets.map((socket) => new Promise((resolve) => (socket.once('close', resolve), socket.close()))),
      );
    },
  };
}
