/**
 * Who is asking, and what they may read or do. Scopes: `status` (states,
 * timestamps, graphs), `payload` (results, args, kwargs, tracebacks, metas:
 * what often holds personal or secret data), `control` (revoke and send
 * tasks, with --control true) and `tokens` (creating read tokens for end
 * users' browsers).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ReadGrant } from './read-token.ts';

export const SCOPES = ['status', 'payload', 'control', 'tokens'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  /** The key's name or the token's subject, for logs. */
  readonly id: string;
  readonly scopes: ReadonlySet<Scope>;
  /** A read token's holder: only what the grant covers (src/schema/read-token.ts). */
  readonly grant?: ReadGrant;
}

export interface ApiKey {
  readonly name: string;
  /** SHA-256 of the key, hex. The key itself is never configured. */
  readonly sha256: Buffer;
  readonly scopes: ReadonlySet<Scope>;
}

export function parseScopes(text: string): Set<Scope> {
  const scopes = new Set<Scope>();
  for (const word of text.split(/[\s+,]+/)) {
    const scope = word.replace(/^celery-lens:/, '');
    if ((SCOPES as readonly string[]).includes(scope)) scopes.add(scope as Scope);
  }
  return scopes;
}

const scopeKeys = new WeakMap<ReadonlySet<Scope>, string>();
/**
 * A scope set as one string, the same for the same scopes in any order: what
 * results and compiled decisions are shared by. Made once per set (a key's
 * or token's set is one object for all its requests).
 */
export function scopesKey(scopes: ReadonlySet<Scope>): string {
  let key = scopeKeys.get(scopes);
  if (key === undefined) scopeKeys.set(scopes, (key = [...scopes].sort().join('+')));
  return key;
}

export const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The API key matching `presented`, compared in constant time. */
export function findApiKey(keys: readonly ApiKey[], presented: string): ApiKey | null {
  const digest = sha256(presented);
  return keys.find((key) => timingSafeEqual(key.sha256, digest)) ?? null;
}
