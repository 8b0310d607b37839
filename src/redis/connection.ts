import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { type Command, Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget } from './redis-url.ts';
import { OFFLINE_MESSAGES, causeOf, whereOf } from './unreachable.ts';
import { markStoreError } from './store-errors.ts';

export interface ConnectionSettings {
  /** Sentinel: the master's name, and the sentinels' own password if they have one. */
  readonly sentinelMaster?: string | null;
  readonly sentinelPassword?: string | null;
  /** Per-command timeout; a command past it fails as BACKEND_UNAVAILABLE. */
  readonly commandTimeoutMs: number;
  /** Name shown by CLIENT LIST, so operators can tell our connections apart. */
  readonly connectionName: string;
  /** 'store': a connection to celery-lens' own store apart from the backend; its errors are STORE_UNAVAILABLE. @default 'backend' */
  readonly role?: 'backend' | 'store';
}

export function tlsOptions(target: RedisTarget): ConnectionOptions | undefined {
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
 * An ioredis client that says why it cannot serve: a command refused while
 * the connection is down, and a failed connect(), fail with "cannot reach
 * Redis at <where>: <cause>" (the latest connection failure, in words; see
 * unreachable.ts) instead of ioredis' own message.
 */
export class LensRedis extends Redis {
  /** The server, as the user configured it (host:port, a socket path, a Sentinel master). */
  readonly where: string;
  /** Whether its errors are the store's (store-errors.ts): a connection to --store apart from the backend. */
  readonly isStore: boolean;
  /** Why the connection is down; null while it is up. */
  #cause: string | null = 'not connected yet';

  constructor(options: RedisOptions, where: string, role: ConnectionSettings['role'] = 'backend') {
    super(options);
    this.where = where;
    this.isStore = role === 'store';
    // Listeners of its own come first, so the other listeners of these events read the new cause.
    this.on('ready', () => (this.#cause = null));
    this.on('close', () => (this.#cause ??= 'connection lost'));
    this.on('error', (error: Error) => (this.#cause = causeOf(error)));
  }

  /** "cannot reach Redis at 127.0.0.1:6379: connection refused" */
  get unreachable(): string {
    return `cannot reach Redis at ${this.where}: ${this.#cause ?? 'not connected'}`;
  }

  /** ioredis' "Connection is closed." and the like as the cause they stand for; any other error as it is. */
  #worded(error: Error): Error {
    const worded = OFFLINE_MESSAGES.has(error.message) ? new Error(this.unreachable, { cause: error }) : error;
    return this.isStore ? markStoreError(worded) : worded;
  }

  override connect(callback?: Parameters<Redis['connect']>[0]): Promise<void> {
    return super.connect(callback).catch((error: unknown) => {
      if (!(error instanceof Error)) throw error;
      // A failed attempt rejects with "Connection is closed." (its 'error' event said why) or with its socket error.
      if (OFFLINE_MESSAGES.has(error.message)) throw this.#worded(error);
      const failed = new Error(`cannot reach Redis at ${this.where}: ${causeOf(error)}`, { cause: error });
      throw this.isStore ? markStoreError(failed) : failed;
    });
  }

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    // Only while down (a closure per command would cost the hot path): ioredis refuses at once, offline queue off.
    // A store's connection always: a timeout or a refusal while up must say it came from the store.
    if (this.status !== 'ready' || this.isStore) {
      const reject = command.reject;
      command.reject = (error: Error) => reject(this.#worded(error));
    }
    return super.sendCommand(command, stream);
  }
}

/**
 * An ioredis client for the result backend that fails fast instead of
 * queueing: while Redis is away a request gets BACKEND_UNAVAILABLE at once
 * rather than hanging, and the client keeps reconnecting in the background.
 */
export function createRedis(target: RedisTarget, settings: ConnectionSettings): LensRedis {
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
  return new LensRedis(options, whereOf(target, settings.sentinelMaster), settings.role);
}

/** Why a connection is not up, in the user's words ("cannot reach Redis at …: connection refused"); null while it is. */
export function downReason(redis: Redis): string | null {
  if (redis.status === 'ready') return null;
  return redis instanceof LensRedis ? redis.unreachable : `cannot reach Redis: connection ${redis.status}`;
}
