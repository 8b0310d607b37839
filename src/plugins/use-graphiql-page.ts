/**
 * GraphiQL at /graphql, in place of Yoga's own (off in src/transport/yoga.ts):
 * the page of @graphql-yoga/render-graphiql, which carries its scripts and
 * styles itself (Yoga's default page loads them from a CDN, which never
 * arrive offline, behind a proxy or under a strict CSP). The page is 9 MB: it
 * is rendered on the first visit, not at start, then served compressed and
 * revalidated by ETag (src/http/static-file.ts), with the page's security
 * headers (src/http/page-headers.ts).
 *
 * Its CSP: the one inline script by its hash (no 'unsafe-inline' for
 * scripts); Monaco's editor workers from blob: URLs the script makes; styles
 * 'unsafe-inline', because Monaco adds <style> elements at run time without
 * a nonce; the favicon and fonts as data: URLs.
 */
import { createHash } from 'node:crypto';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { pageHeaders } from '../http/page-headers.ts';
import { StaticFile } from '../http/static-file.ts';

function graphiqlCsp(html: string): string[] {
  const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, script]) =>
      `'sha256-${createHash('sha256')
        .update(script ?? '')
        .digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`,
    'worker-src blob:',
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ];
}

async function renderPage(options: GraphiQLOptions, frameAncestors: readonly string[]): Promise<StaticFile> {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  const html = renderGraphiQL(options);
  return new StaticFile(
    new TextEncoder().encode(html),
    'text/html; charset=utf-8',
    false,
    pageHeaders(graphiqlCsp(html), frameAncestors),
  );
}

/** As Yoga decides (plugins/use-graphiql.js): a browser's GET of the endpoint. */
const wantsPage = (request: Request, pathname: string) =>
  (request.method === 'GET' || request.method === 'HEAD') &&
  (pathname === '/graphql' || pathname === '/graphql/') &&
  (request.headers.get('accept') ?? '').includes('text/html');

export function useGraphiQLPage(options: GraphiQLOptions, frameAncestors: readonly string[]): Plugin {
  let page: Promise<StaticFile> | null = null;
  return {
    // Not async: every other request passes with no promise made.
    onRequest({ request, url, endResponse }) {
      if (!wantsPage(request, url.pathname)) return;
      page ??= renderPage(options, frameAncestors);
      return page.then((file) => endResponse(file.respond(request)));
    },
  };
}
