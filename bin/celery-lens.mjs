#!/usr/bin/env node
// The `celery-lens` command: runs the compiled server (dist/, built by `npm run build`;
// `npm start` builds it when stale). No TypeScript loader at run time.
try {
  await import('../dist/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/main.js')) throw error;
  console.error('celery-lens: dist/ is not built; run `npm run build` (or `npm start`, which builds it)');
  process.exit(1);
}
