// Runs before `npm start`, `npm run bench`, `npm run demo` and the test suite (plain JS, like
// ensure-web-build.mjs): compiles src/ into dist/ (tsc -p tsconfig.build.json) when dist/ is
// missing or older than any source, so a fresh clone starts with one command and the
// process runs JavaScript, with no TypeScript loader. An installed package (no src/)
// runs the dist/ it ships.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
// Written after a successful build: its time is the build's.
const stamp = `${root}dist/.built`;
const sources = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(`${path}/${name}`)));
}

if (existsSync(`${root}src`)) {
  const sourceTime = Math.max(...sources.map((path) => newest(`${root}${path}`)));
  if (!existsSync(stamp) || statSync(stamp).mtimeMs < sourceTime) {
    console.error('celery-lens: compiling src/ into dist/ (tsc)…');
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], { cwd: root, stdio: 'inherit' });
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
  }
}
