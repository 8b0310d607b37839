import type { Logger } from 'pino';
import type { LensRedis } from './connection.ts';

/**
 * Logs each change of the read connection's state once, not every retry
 * (why it is down in the user's words: "cannot reach Redis at …: connection
 * refused"), and counts reconnects.
 */
export function logBackendState(redis: LensRedis, logger: Logger, backend: string, onReconnect: () => void): void {
  let connected: boolean | null = null;
  redis.on('ready', () => {
    if (connected === false) onReconnect();
    if (connected !== true) logger.info({ backend }, 'result backend is up');
    connected = true;
  });
  const down = (reason: string) => {
    if (connected !== false) logger.warn({ backend, reason }, 'result backend is down');
    connected = false;
  };
  // 'close' comes first when an open connection drops; 'error' when connecting fails.
  redis.on('close', () => down(redis.unreachable));
  redis.on('error', () => down(redis.unreachable));
}
