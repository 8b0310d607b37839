/**
 * Which principal a request or WebSocket operation acts as. Shared by the
 * auth plugin (refusal), the rate limit (who is counted) and the schema's
 * scope checks, so it lives apart from both plugins/ and schema/.
 */
import type { Config } from '../config.ts';
import { type Principal, SCOPES, findApiKey, parseScopes } from './principal.ts';

/** What the auth code reads from a context: whatever the transport put there. */
interface AuthSources {
  readonly request?: Request;
  readonly connectionParams?: Readonly<Record<string, unknown>>;
  readonly jwt?: { readonly payload: Readonly<Record<string, unknown>> };
}

const EVERYTHING: Principal = { id: 'anonymous (auth off)', scopes: new Set(SCOPES) };
const principals = new WeakMap<object, Principal | null>();

/** The principal of a request or WebSocket operation; null when none is valid. */
export function principalOf(config: Pick<Config, 'auth' | 'apiKeys'>, context: object): Principal | null {
  if (!config.auth) return EVERYTHING;
  if (principals.has(context)) return principals.get(context) ?? null;
  const sources = context as AuthSources;
  let principal: Principal | null = null;
  const claims = sources.jwt?.payload;
  if (claims) {
    const scope = typeof claims.scope === 'string' ? claims.scope : Array.isArray(claims.scp) ? claims.scp.join(' ') : '';
    principal = { id: `jwt:${String(claims.sub ?? 'unknown')}`, scopes: parseScopes(scope) };
  } else {
    const presented = sources.request?.headers.get('x-api-key') ?? sources.connectionParams?.apiKey;
    const key = typeof presented === 'string' ? findApiKey(config.apiKeys, presented) : null;
    if (key) principal = { id: `key:${key.name}`, scopes: key.scopes };
  }
  principals.set(context, principal);
  return principal;
}
