/** sentinel:// as Celery writes it, through a real redis-sentinel. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { freePort } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const ViaSentinel = graphql(`
  query ViaSentinel($id: ID!) {
    task(id: $id) { state result }
  }
`);

const lens = useLens();
let sentinel: ChildProcess;
let sentinelPort: number;

beforeAll(async () => {
  sentinelPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lens-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor lensmaster 127.0.0.1 ${lens.redis.port} 1\n`,
  );
  sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  await until(async () => {
    const ask = spawn('redis-cli', ['-p', String(sentinelPort), 'sentinel', 'get-master-addr-by-name', 'lensmaster']);
    let out = '';
    ask.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => ask.once('exit', resolve));
    return out.includes(String(lens.redis.port));
  });
});
afterAll(() => {
  sentinel?.kill('SIGKILL');
});

describe('sentinel://', () => {
  it('finds the master through the sentinel and reads from it', async () => {
    const id = await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 'via sentinel' });
    const app = await startApp(`sentinel://127.0.0.1:${sentinelPort}/0;sentinel://127.0.0.1:1/0`, [
      '--sentinel-master',
      'lensmaster',
    ]);
    try {
      const { data, errors } = await execute(app, ViaSentinel, { id });
      expect(errors).toBeUndefined();
      expect(data?.task).toEqual({ state: 'SUCCESS', result: 'via sentinel' });
    } finally {
      await app.stop();
    }
  });
});
