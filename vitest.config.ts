import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One copy of graphql for ESM and CJS importers alike, or Pothos' schema and
    // graphql-yoga's execute disagree ("another module or realm").
    alias: { graphql: require.resolve('graphql/index.js') },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Builds web/dist when missing or stale: the page's tests load it.
    globalSetup: ['test/helpers/web-build.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Interop files each start a Celery worker; two at once fit 2 cores.
    maxWorkers: 2,
  },
});
