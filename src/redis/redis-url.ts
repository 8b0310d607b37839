/**
 * Parses the URLs Celery accepts in `result_backend` for Redis
 * (celery/backends/redis.py, `RedisBackend._params_from_url`), so a user can
 * paste theirs unchanged. See docs/celery-wire-format.md, "Backend URLs".
 */
import { ConfigError } from '../errors/config-error.ts';

export interface TlsOptions {
  /** `ssl_cert_reqs`: CERT_REQUIRED (default), CERT_OPTIONAL or CERT_NONE. */
  readonly verify: 'required' | 'optional' | 'none';
  readonly caFile: string | null;
  readonly certFile: string | null;
  readonly keyFile: string | null;
}

export interface RedisTarget {
  /** sentinel://: the sentinels to ask for the master (named by --sentinel-master). */
  readonly sentinels: readonly { readonly host: string; readonly port: number }[] | null;
  readonly host: string | null;
  readonly port: number | null;
  /** Unix socket path (socket://, redis+socket://, unix://). */
  readonly path: string | null;
  readonly db: number;
  readonly username: string | null;
  readonly password: string | null;
  readonly tls: TlsOptions | null;
  /** The URL with its password replaced by "***", safe to log and show. */
  readonly redacted: string;
}

const SSL_KEYS = ['ssl_cert_reqs', 'ssl_ca_certs', 'ssl_certfile', 'ssl_keyfile'] as const;

function parseDb(value: string, url: string): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`bad database number "${value}" in backend URL ${url}`);
  return Number(value);
}

function parseCertReqs(value: string | null): TlsOptions['verify'] {
  switch ((value ?? 'required').toLowerCase()) {
    case 'required':
    case 'cert_required':
      return 'required';
    case 'optional':
    case 'cert_optional':
      return 'optional';
    case 'none':
    case 'cert_none':
      return 'none';
    default:
      throw new ConfigError(`bad ssl_cert_reqs "${value}": expected CERT_REQUIRED, CERT_OPTIONAL or CERT_NONE`);
  }
}

/**
 * Celery's Sentinel form: `sentinel://[:password@]host:port[/db];sentinel://…`
 * (the master's name comes from transport options: --sentinel-master here).
 */
function parseSentinelUrl(input: string): RedisTarget {
  const parts = input
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const urls = parts.map((part) => {
    try {
      return new URL(part);
    } catch {
      throw new ConfigError(`backend URL is not a URL: "${part}"`);
    }
  });
  const first = urls[0] as URL;
  if (urls.some((url) => url.protocol !== 'sentinel:'))
    throw new ConfigError('every part of a sentinel backend URL must be sentinel://');
  const password = first.password === '' ? null : decodeURIComponent(first.password);
  const redacted = urls.map((original) => {
    const url = new URL(original);
    if (url.password !== '') url.password = '***';
    return url.href;
  });
  return {
    sentinels: urls.map((url) => ({
      host: url.hostname || 'localhost',
      port: url.port === '' ? 26379 : Number(url.port),
    })),
    host: null,
    port: null,
    path: null,
    db: parseDb(first.pathname.replace(/^\//, '') || '0', input),
    username: first.username === '' ? null : decodeURIComponent(first.username),
    password,
    tls: null,
    redacted: redacted.join(';'),
  };
}

export function parseRedisUrl(input: string): RedisTarget {
  if (input.startsWith('sentinel://')) return parseSentinelUrl(input);
  // Celery splits "redis+socket://" into backend "redis" and URL "socket://".
  const text = input.startsWith('redis+socket://') ? input.slice('redis+'.length) : input;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`backend URL is not a URL: "${input}"`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!['redis', 'rediss', 'socket', 'unix'].includes(scheme)) {
    throw new ConfigError(
      `unsupported backend URL scheme "${scheme}:": celery-lens reads Redis result backends ` +
        '(redis://, rediss://, redis+socket://, unix://, sentinel://)',
    );
  }
  const query = url.searchParams;
  if (scheme === 'redis' && SSL_KEYS.some((key) => query.has(key))) {
    // Celery refuses this combination too (E_REDIS_SSL_PARAMS_AND_SCHEME_MISMATCH).
    throw new ConfigError('SSL parameters were given but the URL scheme is redis://; use rediss://');
  }
  const isSocket = scheme === 'socket' || scheme === 'unix';
  if (isSocket && url.pathname === '') throw new ConfigError(`backend URL ${input} names no socket path`);
  // db: the path for TCP URLs; ?virtual_host= or ?db= (which wins, as in Celery) for sockets.
  const pathDb = isSocket ? '' : url.pathname.replace(/^\//, '');
  const dbText = query.get('db') ?? query.get('virtual_host') ?? (pathDb === '' ? '0' : pathDb);
  const password = url.password === '' ? null : decodeURIComponent(url.password);
  const redactedUrl = new URL(url.href);
  if (password !== null) redactedUrl.password = '***';
  return {
    sentinels: null,
    host: isSocket ? null : url.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port: isSocket ? null : url.port === '' ? 6379 : Number(url.port),
    path: isSocket ? decodeURIComponent(url.pathname) : null,
    db: parseDb(dbText, input),
    username: url.username === '' ? null : decodeURIComponent(url.username),
    password,
    tls:
      scheme === 'rediss'
        ? {
            verify: parseCertReqs(query.get('ssl_cert_reqs')),
            caFile: query.get('ssl_ca_certs'),
            certFile: query.get('ssl_certfile'),
            keyFile: query.get('ssl_keyfile'),
          }
        : null,
    redacted: redactedUrl.href,
  };
}

/** Whether two targets are the same Redis server (pub/sub ignores the db). */
export function sameServer(a: RedisTarget, b: RedisTarget): boolean {
  if (a.sentinels || b.sentinels) return JSON.stringify(a.sentinels) === JSON.stringify(b.sentinels);
  return a.host === b.host && a.port === b.port && a.path === b.path;
}
