/**
 * Serves the web page (web/dist, built by Vite from web/) on the API's port:
 * `index.html` at `/`, `/tasks/<id>`, `/tasks` and `/failures` (never cached: it names the current
 * assets), the hashed files under `/assets/` (cached for good: a new build
 * has new names), everything with a Content-Security-Policy that allows only
 * this origin. The server knows nothing of React: these are static files.
 */
import { readFile, readdir } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';

/** web/dist beside src/, wherever the package is installed. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Same origin only; 'self' covers the page's WebSocket to this host in current browsers (CSP 3). */
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
  "frame-ancestors 'none'",
].join('; ');

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

interface StaticFile {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly type: string;
  readonly immutable: boolean;
}

/** Every file of the build by URL path. Only these are served: no path from a request touches the file system. */
async function loadBuild(dir: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const urlPath = `/${relative(dir, path).split(sep).join('/')}`;
    files.set(urlPath, {
      body: new Uint8Array(await readFile(path)),
      type: TYPES[extname(entry.name)] ?? 'application/octet-stream',
      immutable: urlPath.startsWith('/assets/'),
    });
  }
  if (!files.has('/index.html')) throw new Error(`${dir} has no index.html`);
  return files;
}

const PAGE_PATH = /^\/(?:tasks(?:\/[^/]+)?\/?|failures\/?)?$/;

function respond(file: StaticFile, method: string): Response {
  return new Response(method === 'HEAD' ? null : file.body, {
    headers: {
      'content-type': file.type,
      'content-length': String(file.body.byteLength),
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'content-security-policy': PAGE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  });
}

export interface WebPageOptions {
  /** The built page. @default WEB_DIST */
  readonly dir?: string;
}

export function useWebPage({ dir = WEB_DIST }: WebPageOptions = {}): Plugin {
  // Read once, on the first visit; a missing build is looked for again on the next one.
  let build: Promise<Map<string, StaticFile>> | null = null;
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const page = PAGE_PATH.test(url.pathname);
      if (!page && !url.pathname.startsWith('/assets/')) return;
      build ??= loadBuild(dir);
      let files: Map<string, StaticFile>;
      try {
        files = await build;
      } catch {
        build = null;
        endResponse(new Response('The web page is not built: run `npm run build:web` (npm start does it).\n', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
        return;
      }
      const file = files.get(page ? '/index.html' : url.pathname);
      endResponse(file ? respond(file, request.method) : new Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
    },
  };
}
