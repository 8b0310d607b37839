/**
 * Serves the web page (web/dist, built by Vite from web/) on the API's port:
 * `index.html` at `/`, `/tasks/<id>`, `/tasks`, `/failures`, `/alerts` and `/workers/<hostname>` (revalidated on
 * every visit: it names the current assets), the hashed files under `/assets/`
 * (cached for good: a new build has new names), compressed
 * (src/http/static-file.ts), everything with a Content-Security-Policy that
 * allows only this origin and the page's other security headers
 * (src/http/page-headers.ts). The server knows nothing of React: these are static files.
 */
import { readFile, readdir } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';
import { pageHeaders } from '../http/page-headers.ts';
import { StaticFile } from '../http/static-file.ts';

/** web/dist beside src/, wherever the package is installed. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Same origin only, no inline script or style; 'self' covers the page's WebSocket to this host in current browsers (CSP 3). */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
] as const;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Every file of the build by URL path. Only these are served: no path from a request touches the file system. */
async function loadBuild(dir: string, headers: Readonly<Record<string, string>>): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const urlPath = `/${relative(dir, path).split(sep).join('/')}`;
    const type = TYPES[extname(entry.name)] ?? 'application/octet-stream';
    files.set(
      urlPath,
      new StaticFile(new Uint8Array(await readFile(path)), type, urlPath.startsWith('/assets/'), headers),
    );
  }
  if (!files.has('/index.html')) throw new Error(`${dir} has no index.html`);
  return files;
}

const PAGE_PATH = /^\/(?:tasks(?:\/[^/]+)?\/?|failures\/?|alerts\/?|workers\/[^/]+\/?)?$/;

export interface WebPageOptions {
  /** The built page. @default WEB_DIST */
  readonly dir?: string;
  /** --frame-ancestors: who may frame the page. @default none */
  readonly frameAncestors?: readonly string[];
}

export function useWebPage({ dir = WEB_DIST, frameAncestors = [] }: WebPageOptions = {}): Plugin {
  const headers = pageHeaders(PAGE_CSP, frameAncestors);
  // Read once, on the first visit; a missing build is looked for again on the next one.
  let build: Promise<Map<string, StaticFile>> | null = null;
  return {
    // Not async: every other request (GraphQL's) passes with no promise made.
    onRequest({ request, url, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const page = PAGE_PATH.test(url.pathname);
      if (!page && !url.pathname.startsWith('/assets/')) return;
      build ??= loadBuild(dir, headers);
      return build.then(
        (files) => {
          const file = files.get(page ? '/index.html' : url.pathname);
          endResponse(
            file
              ? file.respond(request)
              : new Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }),
          );
        },
        () => {
          build = null;
          endResponse(
            new Response('The web page is not built: run `npm run build:web` (npm start does it).\n', {
              status: 503,
              headers: { 'content-type': 'text/plain; charset=utf-8' },
            }),
          );
        },
      );
    },
  };
}
