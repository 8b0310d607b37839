/**
 * Which browser origins may talk to celery-lens: the --cors-origins list for
 * HTTP (CORS) and WebSocket upgrades alike. Same-origin pages (GraphiQL at
 * /graphql) need no CORS headers; a WebSocket upgrade from the page's own
 * host is accepted too. Requests with no Origin are not from a browser page,
 * so the same-origin policy does not concern them.
 */

/** Whether `origin` is on the allow list (`*` allows any). */
export function listedOrigin(allowed: readonly string[], origin: string): boolean {
  return allowed.includes('*') || allowed.includes(origin);
}

/** Whether a WebSocket upgrade with this Origin may go on: none, the request's own host, or a listed one. */
export function upgradeAllowed(allowed: readonly string[], origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (listedOrigin(allowed, origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * The CORS headers of an answer: the origin reflected with credentials when
 * listed, none otherwise (the browser then keeps the answer from the page).
 * The same rule as Yoga's CORS plugin is given in src/app.ts.
 */
export function corsHeaders(allowed: readonly string[], origin: string | undefined): Record<string, string> {
  return origin !== undefined && listedOrigin(allowed, origin)
    ? { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-allow-credentials': 'true' }
    : {};
}
