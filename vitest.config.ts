import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Files that time the event loop (/healthz answering promptly while a costly
 * request runs): they run last and one at a time, so what they measure is the
 * server, not a Chromium or a Celery worker of another file on the same 2 cores.
 */
const TIMED = [
  'test/integration/fan-out.test.ts',
  'test/integration/graph-feed.test.ts',
  'test/integration/broker-scan.test.ts',
  'test/integration/consumer-burst.test.ts',
  'test/interop/await.test.ts',
  'test/integration/liveness.test.ts',
];

/**
 * The unit tier (`npm run test:unit`): no redis-server, no Celery worker, no
 * Chromium, no dist/ or web/dist build. Decoders and other pure code, and
 * schema tests through `yoga.fetch` on an app whose Redis is never reached
 * (test/helpers/schema-app.ts).
 */
const UNIT = ['test/unit/**/*.test.ts', 'test/schema/**/*.test.ts'];

/** Build dist/ (what the spawned bin runs) and web/dist (the page's tests load it) when missing or stale. */
const BUILDS = ['test/helpers/dist-build.ts', 'test/helpers/web-build.ts'];

const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // expect.poll's own default is 1 s: a page's live update on a loaded 2-core CI machine can take longer.
  expect: { poll: { timeout: 10_000 } },
};

export default defineConfig({
  resolve: {
    // One copy of graphql for ESM and CJS importers alike, or Pothos' schema and
    // graphql-yoga's execute disagree ("another module or realm").
    alias: { graphql: require.resolve('graphql/index.js') },
  },
  test: {
    // globalSetup is per project, not here: vitest runs a project's setup only when that project has files
    // to run (and always the root's), so `--project unit` builds nothing.
    // Interop files each start a Celery worker; two at once fit 2 cores.
    maxWorkers: 2,
    projects: [
      // The tier's env makes test/helpers/debian.ts refuse to start a redis-server, Celery or Chromium.
      // isolate: false: its files share one module graph per worker instead of re-importing the app
      // (Yoga, Pothos) each: a third of the CPU time. They keep no state between files (each app
      // has its own metrics registry and connections; no file mocks a module or stubs the env).
      {
        extends: true,
        test: { name: 'unit', include: UNIT, env: { CELERY_LENS_TEST_TIER: 'unit' }, isolate: false, ...shared },
      },
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...UNIT, ...TIMED],
          globalSetup: BUILDS,
          ...shared,
        },
      },
      {
        extends: true,
        test: {
          name: 'timed',
          include: TIMED,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          globalSetup: BUILDS,
          ...shared,
        },
      },
    ],
  },
});
