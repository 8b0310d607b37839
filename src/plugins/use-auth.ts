/**
 * Authentication for HTTP, SSE and graphql-ws alike (WebSocket operations go
 * through yoga.getEnveloped, so through these plugins too):
 *
 * - JWT: `Authorization: Bearer <jwt>` over HTTP/SSE, `connectionParams.token`
 *   over graphql-ws; verified by the Guild's useJWT (HS256 secret or JWKS);
 *   scopes from the `scope` (or `scp`) claim.
 * - API keys: `x-api-key: <key>` over HTTP/SSE, `connectionParams.apiKey`
 *   over graphql-ws; configured as SHA-256 hashes.
 * - Read tokens (`clt_…`, src/auth/read-token.ts): where a JWT travels, and
 *   `?token=` on a GET; never handed to the JWT plugin. A bad one answers
 *   INVALID_TOKEN or TOKEN_EXPIRED (401) rather than UNAUTHENTICATED.
 *
 * With --auth on, an operation without a valid credential is refused with
 * UNAUTHENTICATED (401); fields are then checked against the principal's
 * scopes by the Pothos scope-auth plugin (FORBIDDEN).
 */
import {
  type ExtractTokenFunction,
  createInlineSigningKeyProvider,
  createRemoteJwksSigningKeyProvider,
  extractFromConnectionParams,
  extractFromHeader,
  useJWT,
} from '@graphql-yoga/plugin-jwt';
import { type Plugin, createGraphQLError } from 'graphql-yoga';
import { principalOf, tokenRefusalOf } from '../auth/principal-of.ts';
import { isReadToken } from '../auth/read-token.ts';
import type { Config } from '../config/config.ts';

const unauthenticated = (context: object) => {
  const refusal = tokenRefusalOf(context);
  return createGraphQLError(
    refusal?.message ??
      'authentication required: send an API key (x-api-key), a JWT or a read token (Authorization: Bearer)',
    {
      extensions: {
        code: refusal?.code ?? 'UNAUTHENTICATED',
        http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
      },
    },
  );
};

/** A JWT lookup that leaves read tokens (`clt_…`) alone: they are ours, not JWTs. */
const notReadToken =
  (lookup: ExtractTokenFunction): ExtractTokenFunction =>
  async (params) => {
    const found = await lookup(params);
    return found && !isReadToken(found.token) ? found : undefined;
  };

export function useAuth(config: Config): Plugin[] {
  const plugins: Plugin[] = [];
  const keys = [
    ...(config.jwt.secret ? [createInlineSigningKeyProvider(config.jwt.secret)] : []),
    ...(config.jwt.jwksUrl ? [createRemoteJwksSigningKeyProvider({ jwksUri: config.jwt.jwksUrl })] : []),
  ];
  const [first, ...rest] = keys;
  if (config.auth && first) {
    plugins.push(
      useJWT({
        signingKeyProviders: [first, ...rest],
        tokenLookupLocations: [
          notReadToken(extractFromHeader({ name: 'authorization', prefix: 'Bearer' })),
          notReadToken(extractFromConnectionParams({ name: 'token' })),
        ],
        tokenVerification: {
          algorithms: ['HS256', 'RS256'],
          ...(config.jwt.audience ? { audience: config.jwt.audience } : {}),
          ...(config.jwt.issuer ? { issuer: config.jwt.issuer } : {}),
        },
        // A missing or bad token may still come with an API key; refusal is ours below.
        reject: { missingToken: false, invalidToken: false },
        extendContext: true,
      }) as Plugin,
    );
  }
  if (config.auth) {
    plugins.push({
      onExecute({ args, setResultAndStopExecution }) {
        const context = args.contextValue as object;
        if (!principalOf(config, context)) setResultAndStopExecution({ errors: [unauthenticated(context)] });
      },
      onSubscribe({ args, setResultAndStopExecution }) {
        const context = args.contextValue as object;
        if (!principalOf(config, context)) setResultAndStopExecution({ errors: [unauthenticated(context)] });
      },
    });
  }
  return plugins;
}
