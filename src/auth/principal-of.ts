/**
 * Which principal a request or WebSocket operation acts as. Shared by the
 * auth plugin (refusal), the rate limit (who is counted) and the schema's
 * scope checks, so it lives apart from both plugins/ and schema/.
 */
import type { LensError } from '../errors/lens-error.ts';
import { type ApiKey, type Principal, SCOPES, type Scope, findApiKey, parseScopes } from './principal.ts';
import { InvalidTokenError, ReadTokens, isReadToken } from './read-token.ts';

/** What the auth code reads from a context: whatever the transport put there. */
interface AuthSources {
  readonly request?: Pick<Request, 'url' | 'method'> & { readonly headers: Pick<Headers, 'get'> };
  readonly connectionParams?: Readonly<Record<string, unknown>>;
  readonly jwt?: { readonly payload: Readonly<Record<string, unknown>> };
}

/** The options auth reads (config/config.ts has their meaning): plain values, so auth sits below config. */
export interface AuthConfig {
  readonly auth: boolean;
  readonly apiKeys: readonly ApiKey[];
  readonly tokenSecret: string | null;
}

const EVERYTHING: Principal = { id: 'anonymous (auth off)', scopes: new Set(SCOPES) };
const principals = new WeakMap<object, Principal | null>();
/** Why a presented read token was refused, for the auth plugin's error. */
const refusals = new WeakMap<object, LensError>();
const signers = new Map<string, ReadTokens>();

/** The signer of read tokens for this configuration; null when no secret is configured. */
export function readTokensOf(config: Pick<AuthConfig, 'tokenSecret'>): ReadTokens | null {
  if (config.tokenSecret === null) return null;
  let signer = signers.get(config.tokenSecret);
  if (!signer) {
    signer = new ReadTokens(config.tokenSecret);
    signers.set(config.tokenSecret, signer);
  }
  return signer;
}

/**
 * A read token (`clt_…`) where it may travel: `Authorization: Bearer`,
 * graphql-ws' `connectionParams.token`, or `?token=` on a GET (EventSource
 * cannot set headers). A JWT travels the same ways; the prefix tells them apart.
 */
function presentedReadToken(sources: AuthSources): string | null {
  const bearer = sources.request?.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
  if (isReadToken(bearer)) return bearer;
  if (isReadToken(sources.connectionParams?.token)) return sources.connectionParams.token;
  if (sources.request?.method === 'GET' && sources.request.url.includes('token=')) {
    const query = new URL(sources.request.url).searchParams.get('token');
    if (isReadToken(query)) return query;
  }
  return null;
}

function readTokenPrincipal(config: AuthConfig, token: string, context: object): Principal | null {
  try {
    const signer = readTokensOf(config);
    if (!signer)
      throw new InvalidTokenError(
        'read tokens are not accepted here: no --token-secret (or --jwt-secret) is configured',
      );
    const grant = signer.verify(token);
    const scopes = new Set<Scope>(grant.payload ? ['status', 'payload'] : ['status']);
    return { id: `token:${grant.kind}:${grant.id}`, scopes, grant };
  } catch (error) {
    refusals.set(context, error as LensError);
    return null;
  }
}

/** The principal of a request or WebSocket operation; null when none is valid. */
export function principalOf(config: AuthConfig, context: object): Principal | null {
  if (!config.auth) return EVERYTHING;
  if (principals.has(context)) return principals.get(context) ?? null;
  const sources = context as AuthSources;
  let principal: Principal | null = null;
  const claims = sources.jwt?.payload;
  const token = presentedReadToken(sources);
  if (token !== null) {
    principal = readTokenPrincipal(config, token, context);
  } else if (claims) {
    const scope =
      typeof claims.scope === 'string' ? claims.scope : Array.isArray(claims.scp) ? claims.scp.join(' ') : '';
    principal = { id: `jwt:${String(claims.sub ?? 'unknown')}`, scopes: parseScopes(scope) };
  } else {
    const presented = sources.request?.headers.get('x-api-key') ?? sources.connectionParams?.apiKey;
    const key = typeof presented === 'string' ? findApiKey(config.apiKeys, presented) : null;
    if (key) principal = { id: `key:${key.name}`, scopes: key.scopes };
  }
  principals.set(context, principal);
  return principal;
}

/**
 * Makes `context` act as `principal` whatever credentials it carries: for a
 * context shared by several callers' operations (live/live-core.ts), which
 * must carry none of theirs.
 */
export function actAs(context: object, principal: Principal): void {
  principals.set(context, principal);
}

/** Why the context's read token was refused (INVALID_TOKEN, TOKEN_EXPIRED); null if none was. */
export function tokenRefusalOf(context: object): LensError | null {
  return refusals.get(context) ?? null;
}
