// Runs before `npm start`, `npm run bench`, `npm run demo`, the test suite, and as `prepare`
// (after `npm ci`/`npm install` in a clone) (plain JS, like ensure-web-build.mjs): compiles
// src/ into dist/ (tsc -p tsconfig.build.json, then its .lua scripts copied) and the client library client/src/ into
// client/dist/ (what `celery-lens/client` loads), each when missing or older than any of
// its sources, so a fresh clone starts with one command, the process runs JavaScript with
// no TypeScript loader, and the README's client snippet runs as written. An installed
// package (no src/, no client/src/) uses the dist/ and client/dist/ it ships.
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const shared = ['tsconfig.json', 'package-lock.json'];
const builds = [
  // The stamp is written after a successful build: its time is the build's.
  {
    what: 'src/ into dist/',
    source: 'src',
    sources: ['tsconfig.build.json'],
    tsconfig: 'tsconfig.build.json',
    stamp: 'dist/.built',
    // The Redis scripts are read at run time, next to the JavaScript (imported here only:
    // a clone without src/ builds no server and needs no copy-lua.mjs).
    after: async () => (await import('./copy-lua.mjs')).copyLua(root),
  },
  {
    what: 'the client library (client/src/) into client/dist/',
    source: 'client/src',
    sources: ['client/tsconfig.json'],
    tsconfig: 'client/tsconfig.json',
    stamp: 'client/dist/.built',
  },
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(`${path}/${name}`)));
}

for (const build of builds) {
  if (!existsSync(`${root}${build.source}`)) continue;
  const stamp = `${root}${build.stamp}`;
  const sourceTime = Math.max(...[build.source, ...build.sources, ...shared].map((path) => newest(`${root}${path}`)));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= sourceTime) continue;
  console.error(`celery-lens: compiling ${build.what} (tsc)…`);
  // From empty: a file moved or deleted in src/ must not live on in dist/ (tsc never removes output).
  rmSync(dirname(stamp), { recursive: true, force: true });
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}${build.tsconfig}`], {
    cwd: root,
    stdio: 'inherit',
  });
  await build.after?.();
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
