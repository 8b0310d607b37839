/**
 * The security headers of the pages people open in a browser (the web page
 * and GraphiQL): a Content-Security-Policy whose frame-ancestors come from
 * --frame-ancestors (none by default: no other site can frame the control
 * buttons under a decoy), X-Frame-Options for browsers that predate it, no
 * MIME sniffing, no Referer (task ids are in the page's URLs), and a window
 * and resources no other site can get a handle on.
 */

/** `frame-ancestors` as CSP writes it: 'none', or the listed sources. */
function frameAncestorsDirective(frameAncestors: readonly string[]): string {
  return `frame-ancestors ${frameAncestors.length === 0 ? "'none'" : frameAncestors.join(' ')}`;
}

/**
 * X-Frame-Options cannot list origins: DENY with no ancestors, SAMEORIGIN
 * with 'self' alone; with origins it is left out (browsers that know CSP
 * ignore it when frame-ancestors is set, and the others would refuse them).
 */
function frameOptions(frameAncestors: readonly string[]): Record<string, string> {
  if (frameAncestors.length === 0) return { 'x-frame-options': 'DENY' };
  if (frameAncestors.length === 1 && frameAncestors[0] === "'self'") return { 'x-frame-options': 'SAMEORIGIN' };
  return {};
}

/** The headers of a page whose policy is `csp` (its directives but frame-ancestors). */
export function pageHeaders(csp: readonly string[], frameAncestors: readonly string[]): Record<string, string> {
  return {
    'content-security-policy': [...csp, frameAncestorsDirective(frameAncestors)].join('; '),
    ...frameOptions(frameAncestors),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}
