/**
 * Who an operation is counted as, for what each caller may use (the rate
 * limit, watch quotas): the principal with auth on (an API key's name, a
 * JWT's subject, a read token's grant: each its own), and otherwise, or
 * without a valid credential, the client address (X-Forwarded-For only from
 * --trust-proxy hops).
 */
import { type Cidr, clientAddress, trustChecker } from '../http/client-address.ts';
import { type AuthConfig, principalOf } from './principal-of.ts';

export interface CallerConfig extends AuthConfig {
  /** Proxies whose X-Forwarded-For is believed. */
  readonly trustProxy: readonly Cidr[];
}

interface Transport {
  /** The Node request: an HTTP request's, or a WebSocket's upgrade request (ws-server.ts). */
  readonly req?: Parameters<typeof clientAddress>[0];
}

export function callerNamer(config: CallerConfig): (context: object) => string {
  const trusted = trustChecker(config.trustProxy);
  return (context) => {
    const principal = config.auth ? principalOf(config, context) : null;
    return principal ? principal.id : `ip:${clientAddress((context as Transport).req, trusted)}`;
  };
}
