/**
 * Parses the RabbitMQ URLs Celery accepts in `broker_url` (kombu's
 * `parse_url` and its py-amqp transport), so a user can paste theirs:
 *
 * - schemes `amqp://`, `pyamqp://` (the same transport), `amqps://` and
 *   `pyamqps://` (TLS, port 5671), or `?ssl=true` on amqp://;
 * - the virtual host is the path after the first slash, percent-decoded:
 *   Celery's default `amqp://guest@localhost//` and `/%2F` both name `/`,
 *   no path names `/` too, `/celery` names `celery`;
 * - user and password default to guest/guest, as kombu's;
 * - TLS options as Celery's `broker_use_ssl` dict (`cert_reqs`, `ca_certs`,
 *   `certfile`, `keyfile`, `server_hostname`), given with --broker-use-ssl as
 *   JSON or in the URL's query as `ssl_<key>` (the result backend's names);
 * - `heartbeat` (seconds) in the query, as kombu reads it.
 */
import { ConfigError } from '../../errors/config-error.ts';
import type { TlsOptions } from '../../redis/redis-url.ts';

export interface AmqpTlsOptions extends TlsOptions {
  /** `server_hostname`: the name the certificate must carry; null: the URL's host. */
  readonly serverName: string | null;
}

export interface AmqpTarget {
  readonly kind: 'amqp';
  readonly host: string;
  readonly port: number;
  readonly vhost: string;
  readonly username: string;
  readonly password: string;
  readonly tls: AmqpTlsOptions | null;
  /** Seconds between heartbeats, as the URL asks; null: as the server proposes. */
  readonly heartbeatSeconds: number | null;
  /** The URL with its password replaced by "***", safe to log and show. */
  readonly redacted: string;
}

const SCHEMES = new Set(['amqp', 'amqps', 'pyamqp', 'pyamqps']);
const TRUE = new Set(['1', 'true', 'yes', 'on']);

/** Whether a parsed broker target is RabbitMQ's (config/config.ts' broker is this or a Redis target). */
export function isAmqp(target: object): target is AmqpTarget {
  return (target as { kind?: unknown }).kind === 'amqp';
}

/** Whether a broker URL is one of RabbitMQ's (the others are Redis'). */
export function isAmqpUrl(input: string): boolean {
  return SCHEMES.has(input.slice(0, Math.max(0, input.indexOf('://'))).toLowerCase());
}

function certReqs(value: unknown): TlsOptions['verify'] {
  // ssl.CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED are 0, 1, 2 in Python.
  const text = String(value ?? 'required').toLowerCase();
  if (['required', 'cert_required', 'ssl.cert_required', '2'].includes(text)) return 'required';
  if (['optional', 'cert_optional', 'ssl.cert_optional', '1'].includes(text)) return 'optional';
  if (['none', 'cert_none', 'ssl.cert_none', '0'].includes(text)) return 'none';
  throw new ConfigError(`bad cert_reqs "${String(value)}": expected CERT_REQUIRED, CERT_OPTIONAL or CERT_NONE`);
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** broker_use_ssl's keys, from --broker-use-ssl and then the URL's `ssl_<key>` (which win). */
function tlsOptions(useSsl: Readonly<Record<string, unknown>>, query: URLSearchParams): AmqpTlsOptions {
  const known = ['cert_reqs', 'ca_certs', 'certfile', 'keyfile', 'server_hostname'];
  const unknown = Object.keys(useSsl).filter((key) => !known.includes(key));
  if (unknown.length > 0)
    throw new ConfigError(`unknown --broker-use-ssl key "${unknown[0]}": expected one of ${known.join(', ')}`);
  const get = (key: string) => query.get(`ssl_${key}`) ?? useSsl[key];
  return {
    verify: certReqs(get('cert_reqs')),
    caFile: text(get('ca_certs')),
    certFile: text(get('certfile')),
    keyFile: text(get('keyfile')),
    serverName: text(get('server_hostname')),
  };
}

/**
 * @param useSsl Celery's broker_use_ssl: `true` for TLS with the defaults, a
 * dict of its keys, or null (TLS only as the URL says).
 */
export function parseAmqpUrl(
  input: string,
  useSsl: boolean | Readonly<Record<string, unknown>> | null = null,
): AmqpTarget {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ConfigError(`broker URL is not a URL: "${input.replace(/:[^:@/]*@/, ':***@')}"`);
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (!SCHEMES.has(scheme)) throw new ConfigError(`unsupported RabbitMQ broker URL scheme "${scheme}:"`);
  const query = url.searchParams;
  const wantsTls =
    scheme.endsWith('s') || TRUE.has((query.get('ssl') ?? '').toLowerCase()) || (useSsl !== null && useSsl !== false);
  const sslKeys = [...query.keys()].filter((key) => key.startsWith('ssl_'));
  if (!wantsTls && sslKeys.length > 0)
    throw new ConfigError(`TLS parameters (${sslKeys[0]}) were given but the URL is ${scheme}://; use amqps://`);
  // new URL() keeps the path's percent-escapes: `//` is "//", `/%2F` is "/%2F".
  const path = url.pathname.slice(1);
  const heartbeat = query.get('heartbeat');
  if (heartbeat !== null && !/^\d+$/.test(heartbeat))
    throw new ConfigError(`bad heartbeat "${heartbeat}" in broker URL: expected whole seconds`);
  const password = url.password === '' ? 'guest' : decodeURIComponent(url.password);
  const redacted = new URL(url.href);
  if (url.password !== '') redacted.password = '***';
  return {
    kind: 'amqp',
    host: url.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port: url.port === '' ? (wantsTls ? 5671 : 5672) : Number(url.port),
    vhost: path === '' ? '/' : decodeURIComponent(path),
    username: url.username === '' ? 'guest' : decodeURIComponent(url.username),
    password,
    tls: wantsTls ? tlsOptions(typeof useSsl === 'object' && useSsl !== null ? useSsl : {}, query) : null,
    heartbeatSeconds: heartbeat === null ? null : Number(heartbeat),
    redacted: redacted.href,
  };
}

/**
 * RabbitMQ's management HTTP API (the rabbitmq_management plugin), as
 * Flower's `--broker-api` names it: `http://user:pass@host:15672/api/`.
 */
export interface BrokerApi {
  /** The API's root, ending in `/` (`…/api/`), without credentials. */
  readonly base: string;
  /** From the URL, or else the broker URL's (as Flower does). */
  readonly username: string;
  readonly password: string;
  /** The URL with its password replaced by "***". */
  readonly redacted: string;
}

/** Parses --broker-api; a bare `http://host:15672` gets Flower's `/api/` path. */
export function parseBrokerApi(input: string, broker: AmqpTarget): BrokerApi {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ConfigError(`--broker-api is not a URL: "${input.replace(/:[^:@/]*@/, ':***@')}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(
      `--broker-api must be an http:// or https:// URL (RabbitMQ's management API), got ${url.protocol}`,
    );
  if (url.search !== '' || url.hash !== '') throw new ConfigError('--broker-api takes no query or fragment');
  const username = url.username === '' ? broker.username : decodeURIComponent(url.username);
  const password =
    url.password === '' ? (url.username === '' ? broker.password : '') : decodeURIComponent(url.password);
  const redacted = new URL(url.href);
  if (url.password !== '') redacted.password = '***';
  url.username = '';
  url.password = '';
  if (url.pathname === '/') url.pathname = '/api/';
  else if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return { base: url.href, username, password, redacted: redacted.href };
}
