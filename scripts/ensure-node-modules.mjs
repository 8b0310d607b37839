// Runs before `npm start`, `npm test` and `npm run bench` (plain JS: it must work before any
// dependency is installed). Installs the locked dependencies when they are
// missing or older than package-lock.json, so a fresh clone needs no extra step.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const lock = new URL('package-lock.json', root);
const installed = new URL('node_modules/.package-lock.json', root);

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error('celery-lens: installing npm dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
