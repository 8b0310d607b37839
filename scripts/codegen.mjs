// `npm run codegen` (plain JS, like ensure-node-modules.mjs): GraphQL Code Generator,
// installed in tools/codegen/ from its own lock when missing or stale, then run from the
// root with tools/codegen/codegen.ts. It is not a dependency of the project itself: its
// current releases (and the @graphql-tools loaders they pull) declare Node >= 22, so
// in the root they made every `npm ci` on Node 20 print ~160 EBADENGINE warnings.
// It runs on Node 20 (`npm run codegen:check` in CI proves it); only whoever changes
// the schema or an operation installs it.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const tool = `${root}tools/codegen/`;
const installed = `${tool}node_modules/.package-lock.json`;

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(`${tool}package-lock.json`).mtimeMs) {
  console.error(
    'celery-lens: installing GraphQL Code Generator into tools/codegen/ (its packages ask for Node >= 22 and run on 20; engine warnings are not shown)…',
  );
  execSync('npm ci --no-audit --no-fund --loglevel=error', { cwd: tool, stdio: 'inherit' });
}
execFileSync(
  process.execPath,
  [`${tool}node_modules/@graphql-codegen/cli/esm/bin.js`, '--config', `${tool}codegen.ts`, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
