/**
 * Vitest global setup: tests that spawn `bin/celery-lens.mjs` run the
 * compiled dist/, so it is built once per run when missing or stale (as
 * `npm start` does); tests that import src/ run it through Vite as before.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/ensure-build.mjs', import.meta.url))], {
    stdio: 'inherit',
  });
}
