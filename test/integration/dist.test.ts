/**
 * The compiled package as it is installed: bin/ and dist/ (built by the
 * global setup, as `npm start` builds them) with only the production
 * dependencies reachable, no tsx, no TypeScript.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { freePort } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const lens = useLens();
let installed: string;
let child: ChildProcess | null = null;

/** A directory holding the package's shipped files and links to its production dependencies only. */
function install(): string {
  const dir = mkdtempSync(join(tmpdir(), 'celery-lens-dist-'));
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  mkdirSync(join(dir, 'web'));
  symlinkSync(join(ROOT, 'web/dist'), join(dir, 'web/dist'));
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Top-level packages only; nested ones come with their parent.
    if (!/^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) || entry.dev || entry.devOptional) continue;
    mkdirSync(join(dir, path, '..'), { recursive: true });
    symlinkSync(join(ROOT, path), join(dir, path));
  }
  return dir;
}

beforeAll(() => {
  installed = install();
});
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(installed, { recursive: true, force: true });
});

describe('the built server (dist/)', () => {
  it('has no dev dependency within reach', () => {
    const require = createRequire(join(installed, 'bin/celery-lens.mjs'));
    for (const dev of ['tsx', 'typescript', 'vitest']) expect(() => require.resolve(dev)).toThrow();
    expect(require.resolve('graphql-yoga')).toBeTruthy();
  });

  it('starts from bin/celery-lens.mjs and answers a query', async () => {
    const id = await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: { answer: 42 } });
    const port = await freePort();
    child = spawn(process.execPath, [join(installed, 'bin/celery-lens.mjs'), '--backend', lens.redis.url(), '--port', String(port)], {
      stdio: 'ignore',
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
    });
    const url = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${url}/readyz`).catch(() => null))?.ok === true, 20_000);
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query ($id: ID!) { task(id: $id) { state result } }', variables: { id } }),
    });
    expect(await response.json()).toEqual({ data: { task: { state: 'SUCCESS', result: { answer: 42 } } } });
    // The page, served from the same files.
    expect((await fetch(`${url}/`)).headers.get('content-type')).toMatch(/text\/html/);
  });
});
