/**
 * Watch quotas per caller (--max-watches-per-caller): one caller's long
 * polls and subscriptions, over as many connections as it likes, stop at its
 * quota with TOO_MANY_WATCHES while another caller still waits and
 * subscribes. The caller is the API key with auth on, the client address
 * (X-Forwarded-For from a --trust-proxy hop) with auth off.
 */
import { createHash, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';

const KEY_A = 'caller-a-key-0123456789';
const KEY_B = 'caller-b-key-0123456789';
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const LIMITS = [
  '--max-watches',
  '40',
  '--max-watches-per-caller',
  '10',
  '--max-watches-per-connection',
  '8',
  '--max-await-seconds',
  '60',
];
const AWAIT_MANY = 'query ($ids: [ID!]!) { awaitTasks(ids: $ids, timeoutSeconds: 60) { timedOut tasks { id state } } }';
const WATCH = parse('subscription ($id: ID!) { task(id: $id) { id state } }') as TypedDocumentNode<
  { task: { id: string; state: string } },
  { id: string }
>;

interface Answer {
  data?: { awaitTasks: { timedOut: boolean; tasks: { id: string; state: string }[] } } | null;
  errors?: { extensions: Record<string, unknown> }[];
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const ids = (count: number) => Array.from({ length: count }, () => randomUUID());
const finish = (id: string) =>
  writeMeta(redis.client(), { status: 'SUCCESS', result: 1, date_done: new Date().toISOString().slice(0, -1) }, { id });

/** A long poll over the real port, as `headers` say who is asking. */
async function awaitTasks(url: string, waited: readonly string[], headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: AWAIT_MANY, variables: { ids: waited } }),
  });
  return (await response.json()) as Answer;
}

/**
 * Caller A fills its quota with two long polls (two connections, each under
 * its own quota), is refused a third on HTTP and a subscription on a
 * WebSocket; caller B meanwhile waits and subscribes as usual; A's quota
 * comes back when its polls end.
 */
async function oneCannotStarveAnother(
  app: Awaited<ReturnType<typeof startApp>>,
  a: Record<string, string>,
  b: Record<string, string>,
  ws: { a: Record<string, unknown> },
) {
  const [first, second] = [ids(6), ids(4)];
  const polls = [awaitTasks(app.url, first, a), awaitTasks(app.url, second, a)];
  await until(() => app.watcher.quota.used === 10);

  const refused = await awaitTasks(app.url, ids(1), a);
  expect(refused.data?.awaitTasks ?? null).toBeNull();
  expect(refused.errors?.[0]?.extensions).toMatchObject({
    code: 'TOO_MANY_WATCHES',
    scope: 'caller',
    limit: 10,
    held: 10,
    requested: 1,
  });
  const socketA = wsClient(app.url, ws.a);
  try {
    const watch = subscribe(socketA, WATCH, { id: randomUUID() });
    await watch.done.catch(() => {});
    expect(watch.errors[0]?.extensions).toMatchObject({ code: 'TOO_MANY_WATCHES', scope: 'caller' });
  } finally {
    await socketA.dispose();
  }

  // Another caller is not starved: its long poll waits and answers when the task finishes.
  const [other] = ids(1) as [string];
  const waiting = awaitTasks(app.url, [other], b);
  await until(() => app.watcher.quota.used === 11);
  await finish(other);
  expect((await waiting).data?.awaitTasks).toEqual({ timedOut: false, tasks: [{ id: other, state: 'SUCCESS' }] });

  for (const id of [...first, ...second]) await finish(id);
  for (const poll of await Promise.all(polls)) expect(poll.data?.awaitTasks.timedOut).toBe(false);
  await until(() => app.watcher.quota.used === 0);
  // Given back: A may wait again.
  const [again] = ids(1) as [string];
  await finish(again);
  expect((await awaitTasks(app.url, [again], a)).data?.awaitTasks.tasks).toEqual([{ id: again, state: 'SUCCESS' }]);
}

describe('watch quotas per caller', () => {
  it('with auth on, each API key is a caller: one past its quota gets TOO_MANY_WATCHES, another still waits', async () => {
    const app = await startApp(redis.url(), [
      ...LIMITS,
      '--auth',
      'true',
      '--api-keys',
      `a:${hash(KEY_A)}:status,b:${hash(KEY_B)}:status`,
    ]);
    try {
      await oneCannotStarveAnother(app, { 'x-api-key': KEY_A }, { 'x-api-key': KEY_B }, { a: { apiKey: KEY_A } });
    } finally {
      await app.stop();
    }
  });

  it('with auth off, each client address is a caller (X-Forwarded-For from a trusted proxy)', async () => {
    const app = await startApp(redis.url(), [...LIMITS, '--trust-proxy', '127.0.0.1']);
    try {
      // The WebSocket comes from 127.0.0.1 itself: the same caller as a request naming no other.
      await oneCannotStarveAnother(app, {}, { 'x-forwarded-for': '203.0.113.7' }, { a: {} });
    } finally {
      await app.stop();
    }
  });

  it('defaults to a quarter of --max-watches', async () => {
    const app = await startApp(redis.url(), ['--max-watches', '400']);
    try {
      expect(app.watcher.quota.limit).toBe(400);
      const refused = await awaitTasks(app.url, ids(101), {});
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_WATCHES', scope: 'caller', limit: 100 });
    } finally {
      await app.stop();
    }
  });
});

describe('listen backlog', () => {
  it('is sized for --max-ws-connections (Node defaults to 511)', async () => {
    const app = await startApp(redis.url(), ['--max-ws-connections', '2000']);
    try {
      const port = new URL(app.url).port;
      const { stdout } = await promisify(execFile)('ss', ['-ltnH', `sport = :${port}`]);
      // A listening socket's Send-Q is its backlog.
      expect(stdout.trim().split(/\s+/).slice(0, 3)).toEqual(['LISTEN', '0', '2000']);
    } finally {
      await app.stop();
    }
  });
});
