/**
 * A pub/sub connection Redis drops (its client-output-buffer-limit for
 * pubsub reached during a burst, CLIENT KILL, a restart, the network) misses
 * everything published until it is back, and pub/sub keeps nothing for it.
 * Each drop is said once as a warning, with what is lost, and counted
 * (celery_lens_subscriber_disconnects_total{connection}); its return is said
 * with what is re-read from the result backend to heal the gap (the task
 * watcher re-reads every watched task, task-watcher.ts; progress
 * subscriptions re-count, event-consumer.ts; the index and tombstones heal,
 * intake/index-heal.ts).
 */
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';

export type PubSubRole = 'subscriptions' | 'events' | 'store';

export interface PubSubConnection {
  readonly role: PubSubRole;
  readonly connection: Redis | Cluster;
  /** Whether the task watcher hears its tasks' states on it (the consumer's pattern when it consumes). */
  readonly feedsWatcher: boolean;
}

/** The name a connection gives itself in CLIENT LIST (a Cluster's: each node connection's). */
const nameOf = (connection: Redis | Cluster): string | undefined =>
  connection.isCluster
    ? (connection as Cluster).options.redisOptions?.connectionName
    : (connection as Redis).options.connectionName;

const LOST: Record<PubSubRole, string> = {
  store:
    "changes published on celery-lens' store (the index' taskEvents feed, goal, alert and bulk-action changes) until it is back are not heard by this process' subscriptions; what the store holds is not lost",
  subscriptions: 'task states published until it is back are not heard',
  events:
    'Celery events and published states until it is back are lost: timelines miss them; once it is back the index and tombstones heal from the result backend (final states: "index heal" lines) and progress subscriptions re-count',
};
const REREAD =
  'every watched task is re-read from the result backend once it is back, so subscriptions and awaitTask get each final state (PROGRESS steps in between are lost)';

export function reportSubscriberDrops(
  connections: readonly PubSubConnection[],
  logger: Logger,
  details: { readonly watchedTasks: () => number; readonly onDrop: (role: PubSubRole) => void },
): void {
  for (const { role, connection, feedsWatcher } of connections) {
    let up = false;
    let droppedAt: number | null = null;
    let lastError: string | null = null;
    connection.on('error', (error: Error) => {
      lastError = error.message;
    });
    connection.on('ready', () => {
      if (droppedAt !== null) {
        const healing = feedsWatcher ? { rereadTasks: details.watchedTasks() } : {};
        logger.info(
          { connection: nameOf(connection), role, downMs: Date.now() - droppedAt, ...healing },
          'pub/sub connection is back',
        );
      }
      up = true;
      droppedAt = null;
      lastError = null;
    });
    connection.on('close', () => {
      // 'end' follows our own disconnect() (shutdown): nothing was dropped.
      if (!up || connection.status === 'end') return;
      up = false;
      droppedAt = Date.now();
      details.onDrop(role);
      const reason =
        lastError ??
        'closed by Redis (client-output-buffer-limit pubsub during a burst, CLIENT KILL, a restart) or the network';
      const watched = feedsWatcher ? { watchedTasks: details.watchedTasks() } : {};
      const lost = feedsWatcher ? `${LOST[role]}; ${REREAD}` : LOST[role];
      logger.warn({ connection: nameOf(connection), role, reason, lost, ...watched }, 'pub/sub connection dropped');
    });
  }
}
