import type { Logger } from 'pino';
import type { LensRedis } from './connection.ts';
import type { LensCluster } from './cluster-connection.ts';

/**
 * Logs each change of the read connection's state once, not every retry
 * (why it is down in the user's words: "cannot reach Redis at …: connection
 * refused"), and counts reconnects.
 */
export function logBackendState(redis: LensRedis, logger: Logger, backend: string, onReconnect: () => void): void {
  logState(redis, logger, { backend }, 'result backend', onReconnect);
}

/** The same for the connection to celery-lens' store when it is apart from the backend (--store). */
export function logStoreState(
  redis: LensRedis | LensCluster,
  logger: Logger,
  store: string,
  onReconnect: () => void,
): void {
  logState(redis, logger, { store }, "celery-lens' store", onReconnect);
}

function logState(
  redis: LensRedis | LensCluster,
  logger: Logger,
  where: Readonly<Record<string, string>>,
  what: string,
  onReconnect: () => void,
): void {
  let connected: boolean | null = null;
  redis.on('ready', () => {
    if (connected === false) onReconnect();
    if (connected !== true) logger.info(where, `${what} is up`);
    connected = true;
  });
  const down = (reason: string) => {
    if (connected !== false) logger.warn({ ...where, reason }, `${what} is down`);
    connected = false;
  };
  // 'close' comes first when an open connection drops; 'error' when connecting fails.
  redis.on('close', () => down(redis.unreachable));
  redis.on('error', () => down(redis.unreachable));
}
