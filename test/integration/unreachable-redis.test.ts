/**
 * A Redis that is not there, said in the user's words ("cannot reach Redis at
 * 127.0.0.1:<port>: connection refused"), not ioredis' ("Stream isn't
 * writeable and enableOfflineQueue options is false"): in the log, in
 * /healthz and /readyz, and in BACKEND_UNAVAILABLE's message.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { freePort, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

type App = Awaited<ReturnType<typeof startApp>>;
interface Answer {
  errors?: { message: string; extensions?: { code?: string } }[];
  data?: { backend?: { up: boolean; error: string | null } } | null;
}

async function ask(app: App, query: string): Promise<Answer> {
  const response = await app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as Answer;
}

const health = async (app: App, path: '/healthz' | '/readyz') => {
  const response = await app.yoga.fetch(`http://yoga${path}`);
  return { status: response.status, body: (await response.json()) as { backend: string; error: string | null } };
};

const IOREDIS_WORDS = /Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|Connection is closed/;

describe('an unreachable Redis', () => {
  it('is named with its address and the cause, in logs, /healthz, /readyz and BACKEND_UNAVAILABLE', async () => {
    const port = await freePort();
    const app = await startApp(`redis://127.0.0.1:${port}/0`);
    try {
      const reason = `cannot reach Redis at 127.0.0.1:${port}: connection refused`;
      const answer = await ask(app, `{ task(id: "${randomUUID()}") { state } backend { up error } }`);
      expect(answer.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
      expect(answer.errors?.[0]?.message).toBe(`the Celery result backend is unavailable: ${reason}`);
      expect(answer.data?.backend).toEqual({ up: false, error: `the Celery result backend is unavailable: ${reason}` });

      for (const path of ['/healthz', '/readyz'] as const) {
        const { status, body } = await health(app, path);
        expect(status).toBe(path === '/healthz' ? 200 : 503);
        expect(body).toMatchObject({ backend: 'down', error: `the Celery result backend is unavailable: ${reason}` });
      }

      const down = app.logs
        .map((line) => JSON.parse(line) as { msg: string; reason?: string })
        .find((line) => line.msg === 'result backend is down');
      expect(down?.reason).toBe(reason);
      expect(app.logs.join('\n')).not.toMatch(IOREDIS_WORDS);
    } finally {
      await app.stop();
    }
  });

  it('a socket file that does not exist says so', async () => {
    const path = join(tmpdir(), `no-redis-${randomUUID()}.sock`);
    const app = await startApp(`unix://${path}?db=0`);
    try {
      const answer = await ask(app, `{ task(id: "${randomUUID()}") { state } }`);
      expect(answer.errors?.[0]?.message).toBe(
        `the Celery result backend is unavailable: cannot reach Redis at ${path}: no such socket file`,
      );
    } finally {
      await app.stop();
    }
  });

  it('a Redis that goes away mid-run: lost, then refused while it stays away', async () => {
    const redis = await startRedis();
    const app = await startApp(redis.url());
    try {
      await until(async () => (await health(app, '/readyz')).status === 200, 20_000);
      await redis.kill();
      // The first read may still see the drop itself ("connection lost"); reconnect attempts then find nobody listening.
      await until(
        async () =>
          (await ask(app, `{ task(id: "${randomUUID()}") { state } }`)).errors?.[0]?.message.endsWith(
            `cannot reach Redis at 127.0.0.1:${redis.port}: connection refused`,
          ) === true,
        20_000,
      );
      expect((await health(app, '/healthz')).body.error).toBe(
        `the Celery result backend is unavailable: cannot reach Redis at 127.0.0.1:${redis.port}: connection refused`,
      );
      const down = app.logs
        .map((line) => JSON.parse(line) as { msg: string; reason?: string })
        .find((line) => line.msg === 'result backend is down');
      expect(down?.reason).toMatch(
        new RegExp(
          `^cannot reach Redis at 127\\.0\\.0\\.1:${redis.port}: (connection lost|connection reset|connection refused)$`,
        ),
      );
      expect(app.logs.join('\n')).not.toMatch(IOREDIS_WORDS);
    } finally {
      await app.stop();
      await redis.stop();
    }
  });
});
