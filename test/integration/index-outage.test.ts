/** The index' queries and subscription while Redis is down: BACKEND_UNAVAILABLE, never an empty page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { wsClient } from '../helpers/ws-client.ts';

let redis: RedisServer;
let app: Awaited<ReturnType<typeof startApp>>;
beforeAll(async () => {
  redis = await startRedis();
  app = await startApp(redis.url(), ['--redis-timeout-ms', '300']);
});
afterAll(async () => {
  await app?.stop();
  await redis?.stop();
});

const codes = async (query: string) => {
  const response = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return body.errors?.map((error) => error.extensions?.code) ?? body.data;
};

describe('the index when Redis is down', () => {
  it('answers BACKEND_UNAVAILABLE for every query and for taskEvents', async () => {
    expect(await codes('{ searchTasks(first: 1) { totalCount } }')).toEqual({ searchTasks: { totalCount: 0 } });
    await redis.stop();
    for (const query of [
      '{ searchTasks(filter: { status: [FAILED] }) { edges { node { id } } } }',
      '{ searchTasks { totalCount } }',
      '{ taskStats { groups { key } perMinute { minute } } }',
      '{ failures { totalCount } }',
    ]) {
      expect(await codes(query)).toEqual(['BACKEND_UNAVAILABLE']);
    }
    const client = wsClient(app.url);
    const result = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: 'subscription { taskEvents { id } }' },
        {
          next: (value) => resolve(value.errors?.map((e) => (e.extensions as { code?: string } | undefined)?.code)),
          error: resolve,
          complete: () => resolve('complete'),
        },
      );
    });
    await client.dispose();
    expect(result).toEqual(['BACKEND_UNAVAILABLE']);
    expect(app.logs.filter((line) => /INTERNAL_SERVER_ERROR|unexpected error/.test(line))).toEqual([]);
  });
});
