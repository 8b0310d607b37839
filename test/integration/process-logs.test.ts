/** What a real celery-lens process says on stdout, and when: start-up at once, a crash flushed. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { useLens } from '../helpers/lens-fixture.ts';
import { freePort } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const BIN = fileURLToPath(new URL('../../bin/celery-lens.mjs', import.meta.url));
// Loaded before celery-lens: SIGUSR2 throws where nothing catches it, as a bug would.
const CRASH_ON_SIGUSR2 = `data:text/javascript,process.on('SIGUSR2', () => { throw new Error('test crash on SIGUSR2'); });`;
const lens = useLens();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

async function serve(flags: readonly string[] = []) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', CRASH_ON_SIGUSR2, BIN, '--backend', lens.redis.url(), '--port', String(port), ...flags],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}/graphql`;
  await until(async () => (await fetch(url.replace('/graphql', '/readyz')).catch(() => null))?.ok === true, 20_000);
  const lines = () =>
    stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { child, url, exited, lines };
}

describe('process logs', () => {
  it('start-up lines and the AUTH IS OFF warning appear at once; a crash is logged and flushes what was buffered', async () => {
    const { child, url, exited, lines } = await serve();
    // Well under the 4 KiB a buffer would wait for.
    await until(() => lines().some((line) => line.msg === 'serving'), 5000);
    expect(lines().find((line) => String(line.msg).startsWith('AUTH IS OFF'))).toMatchObject({ level: 40 });

    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query BeforeTheCrash { __typename }' }),
    });
    expect(response.status).toBe(200);
    child.kill('SIGUSR2');
    expect(await exited).toBe(1);
    const said = lines();
    expect(said.find((line) => line.msg === 'operation')).toMatchObject({ operation: 'BeforeTheCrash' });
    expect(said.at(-1)).toMatchObject({ level: 60, msg: 'crashed', err: { message: 'test crash on SIGUSR2' } });
  });

  it('--auth true with no API keys, JWT secret or JWKS URL exits 2 with one clear line', () => {
    const run = spawnSync(process.execPath, [BIN, '--backend', lens.redis.url(), '--auth', 'true'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'celery-lens: --auth true needs a credential source: --api-keys (LENS_API_KEYS), --jwt-secret (LENS_JWT_SECRET) or --jwks-url (LENS_JWKS_URL); without one every request would be refused',
    ]);
  });
});
