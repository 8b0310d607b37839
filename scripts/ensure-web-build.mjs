// Runs before `npm start` and the test suite (plain JS, like ensure-node-modules.mjs):
// builds the web page (web/ → web/dist) when the build is missing or older than
// any of its sources, so a fresh clone serves the page with no extra step.
// An installed package without web/src serves the web/dist it ships.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const built = `${root}web/dist/index.html`;
const sources = ['web/src', 'web/index.html', 'web/vite.config.ts', 'package-lock.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(`${path}/${name}`)));
}

if (existsSync(`${root}web/src`)) {
  const sourceTime = Math.max(...sources.map((path) => newest(`${root}${path}`)));
  if (!existsSync(built) || statSync(built).mtimeMs < sourceTime) {
    console.error('celery-lens: building the web page (vite build)…');
    execFileSync(
      process.execPath,
      [`${root}node_modules/vite/bin/vite.js`, 'build', '--config', `${root}web/vite.config.ts`, '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: 'inherit',
        // Under the test runner NODE_ENV is "test", and Vite would bundle React's development build.
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
  }
}
