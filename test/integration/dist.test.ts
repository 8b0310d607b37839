/**
 * The compiled package as it is installed: bin/ and dist/ (built by the
 * global setup, as `npm start` builds them) with only the production
 * dependencies reachable, no tsx, no TypeScript. And the client library as a
 * fresh clone gets it: built by the start path, the README's snippet run as
 * written.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
let clone: string;
let child: ChildProcess | null = null;

/** A directory holding the package's shipped files and links to its production dependencies only. */
function install(): string {
  const dir = mkdtempSync(join(tmpdir(), 'celery-lens-dist-'));
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  mkdirSync(join(dir, 'web'));
  symlinkSync(join(ROOT, 'web/dist'), join(dir, 'web/dist'));
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Top-level packages only; nested ones come with their parent.
    if (!/^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) || entry.dev || entry.devOptional) continue;
    mkdirSync(join(dir, path, '..'), { recursive: true });
    symlinkSync(join(ROOT, path), join(dir, path));
  }
  return dir;
}

/**
 * What a fresh clone holds for the client library: its sources, the build
 * script `npm start` and `prepare` run, and the installed dependencies; no
 * client/dist/ and no src/ (so only the library is built here).
 */
function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'celery-lens-clone-'));
  for (const part of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'client/src',
    'client/tsconfig.json',
    'scripts/ensure-build.mjs',
  ]) {
    cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** The README's celery-lens/client example for Node: the first js block of its section. */
function readmeSnippet(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Client library: `celery-lens/client`'));
  const block = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('no js block in the README section "Client library"');
  return block;
}

/** Runs node to its end: exit code and output. */
function node(
  args: readonly string[],
  options: SpawnOptions,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const run = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let [stdout, stderr] = ['', ''];
  run.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  run.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => run.once('close', (status) => resolve({ status, stdout, stderr })));
}

beforeAll(() => {
  installed = install();
  clone = freshClone();
});
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(installed, { recursive: true, force: true });
  rmSync(clone, { recursive: true, force: true });
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
    child = spawn(
      process.execPath,
      [join(installed, 'bin/celery-lens.mjs'), '--backend', lens.redis.url(), '--port', String(port)],
      {
        stdio: 'ignore',
        env: { PATH: process.env.PATH, NODE_ENV: 'production' },
      },
    );
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

describe('celery-lens/client on a fresh clone', () => {
  it('npm start and prepare build the library, and the README snippet runs as written', async () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.prestart).toContain('node scripts/ensure-build.mjs');
    expect(scripts.prepare).toContain('node scripts/ensure-build.mjs');

    const id = await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: { answer: 42 } });
    writeFileSync(join(clone, 'watch.mjs'), readmeSnippet());
    // Not spawnSync: the server answering the snippet runs in this process.
    const run = () => node(['watch.mjs', id], { cwd: clone, env: { PATH: process.env.PATH, LENS_URL: lens.app.url } });
    // Not built yet: what a fresh clone said before `npm start` built the library.
    const before = await run();
    expect(before.status).not.toBe(0);
    expect(before.stderr).toContain('ERR_MODULE_NOT_FOUND');

    // The start path's build step (`npm start` runs it before serving, `npm install` as `prepare`).
    const build = await node(['scripts/ensure-build.mjs'], { cwd: clone });
    expect(build.status, build.stderr).toBe(0);
    expect(build.stderr).toContain('client/dist/');

    const after = await run();
    expect(after.stderr).toBe('');
    expect(after.status).toBe(0);
    expect(after.stdout.trim().split('\n')).toEqual([
      'SUCCESS { answer: 42 }',
      'SUCCESS null',
      `${id} SUCCEEDED`,
      '1 true',
    ]);
  }, 300_000);
});
