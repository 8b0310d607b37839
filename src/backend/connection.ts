import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget } from './redis-url.ts';

export interface ConnectionSettings {
  /** Sentinel: the master's name, and the sentinels' own password if they have one. */
  readonly sentinelMaster?: string | null;
  readonly sentinelPassword?: string | null;
  /** Per-command timeout; a command past it fails as BACKEND_UNAVAILABLE. */
  readonly commandTimeoutMs: number;
  /** Name shown by CLIENT LIST, so operators can tell our connections apart. */
  readonly connectionName: string;
}

function tlsOptions(target: RedisTarget): ConnectionOptions | undefined {
  const tls = target.tls;
  if (!tls) return undefined;
  return {
    // CERT_OPTIONAL has no Node equivalent: like redis-py it still checks a cert when given one.
    rejectUnauthorized: tls.verify !== 'none',
    ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
    ...(tls.certFile ? { cert: readFileSync(tls.certFile) } : {}),
    ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
  };
}

/**
 * An ioredis client for the result backend that fails fast instead of
 * queueing: while Redis is away a request gets BACKEND_UNAVAILABLE at once
 * rather than hanging, and the client keeps reconnecting in the background.
 */
export function createRedis(target: RedisTarget, settings: ConnectionSettings): Redis {
  const options: RedisOptions = {
    db: target.db,
    connectionName: settings.connectionName,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // TaskWatcher resubscribes itself, then re-reads: the order is what makes the gap fill exact.
    autoResubscribe: false,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: Math.max(settings.commandTimeoutMs, 1000),
    // 50 ms, 100 ms, … capped at 1 s: heal quickly after a Redis restart.
    retryStrategy: (attempt) => Math.min(attempt * 50, 1000),
    ...(target.sentinels
      ? {
          sentinels: target.sentinels.map((sentinel) => ({ ...sentinel })),
          name: settings.sentinelMaster ?? 'mymaster',
          ...(settings.sentinelPassword ? { sentinelPassword: settings.sentinelPassword } : {}),
        }
      : target.path
        ? { path: target.path }
        : { host: target.host ?? 'localhost', port: target.port ?? 6379 }),
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
  };
  const tls = tlsOptions(target);
  if (tls) options.tls = tls;
  return new Redis(options);
}
