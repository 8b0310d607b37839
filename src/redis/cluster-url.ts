/**
 * `--store` URLs: any form --backend takes (redis-url.ts), or a Redis
 * Cluster: `redis+cluster://[user:password@]host:port,host:port[/0]` and
 * `rediss+cluster://…` (TLS, with the same `ssl_*` parameters). The nodes are
 * where the client starts: it learns the rest of the cluster from them.
 */
import { ConfigError } from '../errors/config-error.ts';
import { type RedisTarget, parseRedisUrl } from './redis-url.ts';

export interface StoreTarget extends RedisTarget {
  /** redis+cluster://: the startup nodes of a Redis Cluster; null for a single server (or Sentinel). */
  readonly cluster: readonly { readonly host: string; readonly port: number }[] | null;
}

const CLUSTER = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)(.*)$/;

function node(text: string, url: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text.trim());
  if (!match) throw new ConfigError(`bad node "${text}" in store URL ${url}: expected host:port`);
  return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port: match[2] ? Number(match[2]) : 6379 };
}

export function parseStoreUrl(input: string): StoreTarget {
  const match = CLUSTER.exec(input);
  if (!match) return { ...parseRedisUrl(input), cluster: null };
  const [, scheme, auth, hosts, rest] = match as unknown as [string, string, string | undefined, string, string];
  const nodes = hosts.split(',').map((part) => node(part, input.replace(/:[^:@/]*@/, ':***@')));
  // The first node through the single-server parser: credentials, TLS parameters, and a db that must be 0.
  const first = parseRedisUrl(`${scheme}://${auth === undefined ? '' : `${auth}@`}${hosts.split(',')[0]}${rest}`);
  if (first.db !== 0) throw new ConfigError(`a Redis Cluster has only db 0, got ${first.db} in store URL`);
  const redacted = auth?.includes(':') ? input.replace(`${auth}@`, `${auth.split(':')[0]}:***@`) : input;
  return { ...first, cluster: nodes, redacted };
}
