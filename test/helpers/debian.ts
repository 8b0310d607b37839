import { execFileSync } from 'node:child_process';

let updated = false;

/**
 * Installs Debian packages when a probe command fails, so a fresh machine (CI,
 * a contributor's) gets what the tests need. Needs root; otherwise it throws
 * with the apt-get command to run.
 */
export function ensureDebianPackages(probe: () => boolean, packages: readonly string[]): void {
  // Every redis-server, Celery and Chromium of the tests is probed here first: the unit tier promises none.
  refuseInUnitTier(packages.join(', '));
  if (probe()) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${packages.join(', ')}: run  sudo apt-get install -y ${packages.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    updated = true;
  }
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'ignore', env });
  if (!probe()) throw new Error(`installed ${packages.join(', ')} but the probe still fails`);
}

/**
 * Throws in the unit tier (vitest.config.ts sets CELERY_LENS_TEST_TIER there),
 * so a test that needs a real program cannot slip into `npm run test:unit`.
 */
export function refuseInUnitTier(what: string): void {
  if (process.env.CELERY_LENS_TEST_TIER !== 'unit') return;
  throw new Error(
    `the unit tier (npm run test:unit) starts no ${what}: this file belongs in test/integration, test/interop or test/browser`,
  );
}

/** True when `command args…` runs and exits 0. */
export function runs(command: string, args: readonly string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
