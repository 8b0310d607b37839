/**
 * Auth's refusals over HTTP (a real port): no valid credential is 401
 * UNAUTHENTICATED, and introspection can be turned off. Decided before any
 * read, so the app here has no Redis; what each credential reads is in
 * test/integration/auth.test.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REDIS, startApp } from '../helpers/app.ts';
import { postWith } from '../helpers/auth-post.ts';

const SECRET = 'test-secret-with-enough-entropy-0123456789';
const STATUS_KEY = `status-${randomUUID()}`;
const FULL_KEY = `full-${randomUUID()}`;
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
let app: Awaited<ReturnType<typeof startApp>>;
const id = randomUUID();

beforeAll(async () => {
  app = await startApp(NO_REDIS, [
    '--auth',
    'true',
    '--api-keys',
    `dashboard:${hash(STATUS_KEY)}:status,backoffice:${hash(FULL_KEY)}:status+payload`,
    '--jwt-secret',
    SECRET,
    '--introspection',
    'false',
  ]);
});
afterAll(() => app?.stop());

const QUERY = (taskId: string) => `{ task(id: "${taskId}") { state result } }`;
const token = (scope: string, extra: jwt.SignOptions = {}) =>
  jwt.sign({ sub: 'user-7', scope }, SECRET, { expiresIn: 60, ...extra });

const http = (headers: Record<string, string>, query = QUERY(id)) => postWith(app.url, headers, query);

describe('auth over HTTP', () => {
  it('refuses a request without a valid credential: 401 UNAUTHENTICATED', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { 'x-api-key': 'wrong' },
      { authorization: `Bearer ${token('status', { expiresIn: -10 })}` },
      { authorization: `Bearer ${jwt.sign({ scope: 'status' }, 'other-secret')}` },
    ];
    for (const headers of attempts) {
      const { status, body } = await http(headers);
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('introspection can be turned off', async () => {
    const { body } = await http({ 'x-api-key': FULL_KEY }, '{ __schema { types { name } } }');
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.length).toBeGreaterThan(0);
  });
});
