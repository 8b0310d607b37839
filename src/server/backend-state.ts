import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Logs each change of the read connection's state once, not every retry,
 * and counts reconnects.
 */
export function logBackendState(redis: Redis, logger: Logger, backend: string, onReconnect: () => void): void {
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
  redis.on('close', () => down('connection closed'));
  redis.on('error', (error: Error) => down(error.message));
}
