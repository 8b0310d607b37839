/**
 * Vitest global setup: the browser and serving tests need the built page.
 * Builds it once per run when it is missing or stale (as `npm start` does).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/ensure-web-build.mjs', import.meta.url))], {
    stdio: 'inherit',
  });
}
