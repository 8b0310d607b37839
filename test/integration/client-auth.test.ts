/**
 * celery-lens/client under --auth: an API key or a bearer token (a JWT here;
 * read tokens travel the same way) over graphql-ws and over SSE; a wrong
 * credential ends the watch with UNAUTHENTICATED instead of retrying forever,
 * and a status-only credential still watches states.
 */
import { createHash, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { useLensClients } from '../helpers/lens-clients.ts';

const KEY = `key-${randomUUID()}`;
const SECRET = `secret-${randomUUID()}`;
const hash = createHash('sha256').update(KEY).digest('hex');
const lens = useLens(['--auth', 'true', '--api-keys', `svc:${hash}:status+payload`, '--jwt-secret', SECRET]);

const client = useLensClients(() => lens.app.url, { minDelayMs: 20, maxDelayMs: 100 });

const done = () =>
  writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 7, date_done: new Date().toISOString() });

describe('credentials', () => {
  for (const transport of ['ws', 'sse'] as const) {
    it(`${transport}: an API key and a bearer token are passed through`, async () => {
      const id = await done();
      await expect(client({ transport, apiKey: KEY }).waitForTask(id)).resolves.toMatchObject({
        state: 'SUCCESS',
        result: 7,
      });
      const token = jwt.sign({ sub: 'browser', scope: 'status payload' }, SECRET, { expiresIn: 60 });
      await expect(client({ transport, token }).waitForTask(id)).resolves.toMatchObject({
        state: 'SUCCESS',
        result: 7,
      });
    });

    it(`${transport}: a wrong credential ends the watch with UNAUTHENTICATED`, async () => {
      const id = await done();
      await expect(client({ transport, apiKey: 'wrong' }).waitForTask(id, { timeoutMs: 5000 })).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
    });
  }

  it('auto: a refused socket falls back to SSE, which says UNAUTHENTICATED', async () => {
    const id = await done();
    await expect(
      client({ token: jwt.sign({ scope: 'status' }, 'not-the-secret') }).waitForTask(id, { timeoutMs: 5000 }),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('a status-only token watches states without payload fields (payload: false)', async () => {
    const id = await done();
    const token = jwt.sign({ scope: 'status' }, SECRET, { expiresIn: 60 });
    const task = await client({ token, payload: false }).waitForTask(id);
    expect(task).toMatchObject({ state: 'SUCCESS', ready: true });
    expect(task.result).toBeUndefined();
  });
});
