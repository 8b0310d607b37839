/**
 * The page's build (`npm run build:web` → web/dist, hashed file names) and its
 * dev server (`npm run dev:web`), which forwards GraphQL (HTTP and WebSocket)
 * and the health endpoints to a running celery-lens (LENS_URL).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const target = process.env.LENS_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  // The page runs on the client library users import (celery-lens/client), built from its sources.
  resolve: { alias: { 'celery-lens/client': fileURLToPath(new URL('../client/src/index.ts', import.meta.url)) } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The polyfill would be an inline script, which the page's CSP refuses; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: {
      '/graphql': { target, ws: true },
      '/readyz': target,
      '/healthz': target,
    },
  },
});
