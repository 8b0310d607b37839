/** rediss:// with Celery's ssl_* parameters against a TLS-only redis-server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { type TlsFiles, makeTlsFiles } from '../helpers/tls-certs.ts';

const OverTls = graphql(`
  query OverTls($id: ID!) {
    task(id: $id) { state result }
  }
`);

let tls: TlsFiles;
let redis: RedisServer;
let id: string;
beforeAll(async () => {
  tls = makeTlsFiles();
  redis = await startRedis({ tls });
  id = await writeMeta(redis.client(), { status: 'SUCCESS', result: 'over tls' });
});
afterAll(() => redis.stop());

async function ask(query: string) {
  const app = await startApp(`${redis.url()}${query}`);
  try {
    return await execute(app, OverTls, { id });
  } finally {
    await app.stop();
  }
}

describe('rediss://', () => {
  it('verifies the server against ssl_ca_certs (CERT_REQUIRED)', async () => {
    const { data, errors } = await ask(`?ssl_cert_reqs=CERT_REQUIRED&ssl_ca_certs=${encodeURIComponent(tls.caFile)}`);
    expect(errors).toBeUndefined();
    expect(data?.task).toEqual({ state: 'SUCCESS', result: 'over tls' });
  });

  it('refuses a server it cannot verify: BACKEND_UNAVAILABLE, not a crash', async () => {
    const { errors } = await ask('?ssl_cert_reqs=required');
    expect(errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
  });

  it('CERT_NONE skips verification, as in Celery', async () => {
    const { data } = await ask('?ssl_cert_reqs=CERT_NONE');
    expect(data?.task?.result).toBe('over tls');
  });
});
