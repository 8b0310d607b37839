/**
 * Why a Redis connection cannot be used, in the words of whoever runs
 * celery-lens ("cannot reach Redis at 127.0.0.1:6379: connection refused"),
 * not ioredis' ("Stream isn't writeable and enableOfflineQueue options is
 * false", "connect ECONNREFUSED …"): the server and the cause, so the fix is
 * obvious from a log line, /healthz or a BACKEND_UNAVAILABLE message.
 */
import type { RedisTarget } from './redis-url.ts';

/** What ioredis rejects a command with while its connection is not up. */
export const OFFLINE_MESSAGES: ReadonlySet<string> = new Set([
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Connection is closed.',
]);

/** Node's socket errors, as a user would say them. */
const CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOENT: 'no such socket file',
  EACCES: 'permission denied',
  EPIPE: 'connection closed by the server',
};

/** The server a target names: host:port, a socket path, or a Sentinel master and its sentinels. */
export function whereOf(target: RedisTarget, sentinelMaster: string | null | undefined): string {
  if (target.sentinels) {
    return `the master "${sentinelMaster ?? 'mymaster'}" of the sentinels ${target.sentinels.map(({ host, port }) => `${host}:${port}`).join(', ')}`;
  }
  if (target.path) return target.path;
  return `${target.host ?? 'localhost'}:${target.port ?? 6379}`;
}

/** Why a connection attempt failed: a socket error in words; Redis' own refusals (WRONGPASS, NOAUTH, …) and TLS errors as they are. */
export function causeOf(error: Error & { code?: unknown }): string {
  return (typeof error.code === 'string' ? CAUSES[error.code] : undefined) ?? error.message;
}
