/**
 * Which browser origins may talk to celery-lens: the --cors-origins list for
 * HTTP (CORS) and WebSocket upgrades alike. Same-origin pages (GraphiQL at
 * /graphql) need no CORS headers; a WebSocket upgrade from the page's own
 * origin (the request's Host) is accepted too: src/transport/ws-server.ts has checked
 * that Host against the allowed ones first (src/http/allowed-hosts.ts), or a
 * DNS-rebound page, whose Host is its own, would pass. Requests with no
 * Origin are not from a browser page, so the same-origin policy does not
 * concern them.
 */

/** Whether `origin` is on the allow list (`*` allows any). */
export function listedOrigin(allowed: readonly string[], origin: string): boolean {
  return allowed.includes('*') || allowed.includes(origin);
}

/**
 * Whether a WebSocket upgrade with this Origin may go on: none, a listed one,
 * or the server's own as the browser knows it: the Host the request names, an
 * allowed one (port included, so another local site on another port is not it).
 */
export function upgradeAllowed(
  allowed: readonly string[],
  origin: string | undefined,
  host: string | undefined,
): boolean {
  if (origin === undefined) return true;
  if (listedOrigin(allowed, origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** The body of a refused upgrade (403). */
export const ORIGIN_REFUSAL = JSON.stringify({
  errors: [
    {
      message:
        'Origin not allowed: a WebSocket from another site needs its origin in --cors-origins (LENS_CORS_ORIGINS)',
      extensions: { code: 'ORIGIN_NOT_ALLOWED' },
    },
  ],
});
