/**
 * Authentication for HTTP, SSE and graphql-ws alike (WebSocket operations go
 * through yoga.getEnveloped, so through these plugins too):
 *
 * - JWT: `Authorization: Bearer <jwt>` over HTTP/SSE, `connectionParams.token`
 *   over graphql-ws; verified by the Guild's useJWT (HS256 secret or JWKS);
 *   scopes from the `scope` (or `scp`) claim.
 * - API keys: `x-api-key: <key>` over HTTP/SSE, `connectionParams.apiKey`
 *   over graphql-ws; configured as SHA-256 hashes.
 *
 * With --auth on, an operation without a valid credential is refused with
 * UNAUTHENTICATED (401); fields are then checked against the principal's
 * scopes by the Pothos scope-auth plugin (FORBIDDEN).
 */
import { createInlineSigningKeyProvider, createRemoteJwksSigningKeyProvider, extractFromConnectionParams, extractFromHeader, useJWT } from '@graphql-yoga/plugin-jwt';
import { type Plugin, createGraphQLError } from 'graphql-yoga';
import { principalOf } from '../auth/principal-of.ts';
import type { Config } from '../config.ts';

const unauthenticated = () =>
  createGraphQLError('authentication required: send an API key (x-api-key) or a JWT (Authorization: Bearer)', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
  });

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
        tokenLookupLocations: [extractFromHeader({ name: 'authorization', prefix: 'Bearer' }), extractFromConnectionParams({ name: 'token' })],
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
        if (!principalOf(config, args.contextValue as object)) setResultAndStopExecution({ errors: [unauthenticated()] });
      },
      onSubscribe({ args, setResultAndStopExecution }) {
        if (!principalOf(config, args.contextValue as object)) setResultAndStopExecution({ errors: [unauthenticated()] });
      },
    });
  }
  return plugins;
}
