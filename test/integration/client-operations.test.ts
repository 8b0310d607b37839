/**
 * celery-lens/client's `request` and `subscribe` (what the web page runs on)
 * against the real server and a real Redis: answers and refusals of a query,
 * a server that is not there, a subscription's results, its end with a
 * code, its retry and resubscription across a dropped socket, and the
 * connection states it reports.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConnectionState, type LensClientError, isTransient } from '../../client/src/index.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { useLensClients } from '../helpers/lens-clients.ts';
import { freePort } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';

const lens = useLens();
let redis: Redis;

beforeAll(() => {
  redis = lens.redis.client();
});

const client = useLensClients(() => lens.app.url);

const STATE = 'query ($id: ID!) { task(id: $id) { id state } }';
const LIVE = 'subscription ($id: ID!) { task(id: $id, untilReady: false) { id rawState } }';

describe('request', () => {
  it('answers data, and a refusal as errors with their code', async () => {
    const id = await writeMeta(redis, { status: 'SUCCESS', result: 1, date_done: new Date().toISOString() });
    const lensClient = client();
    expect(await lensClient.request<{ task: { id: string; state: string } }, { id: string }>(STATE, { id })).toEqual({
      data: { task: { id, state: 'SUCCESS' } },
      errors: [],
    });
    const refused = await lensClient.request(STATE, { id: 'not-a-uuid' });
    expect(refused.errors[0]?.extensions?.code).toBe('INVALID_TASK_ID');
  });

  it('rejects with TRANSPORT when no server answers', async () => {
    const nobody = client({ url: `http://127.0.0.1:${await freePort()}/graphql` });
    await expect(nobody.request(STATE, { id: randomUUID() })).rejects.toMatchObject({ code: 'TRANSPORT' });
  });
});

describe('subscribe', () => {
  it('hears every result; a bad id ends it with its code', async () => {
    const id = await writeMeta(redis, { status: 'STARTED', result: { pid: 1 } });
    const seen: string[] = [];
    const handle = client().subscribe<{ task: { rawState: string } }, { id: string }>(LIVE, { id }, (data) =>
      seen.push(data.task.rawState),
    );
    await until(() => seen.length === 1);
    await writeMeta(redis, { status: 'SUCCESS', result: 1, date_done: new Date().toISOString() }, { id });
    await until(() => seen.length === 2);
    expect(seen).toEqual(['STARTED', 'SUCCESS']);
    handle.stop();
    await handle.done;

    let ended: LensClientError | null = null;
    const bad = client().subscribe(LIVE, { id: 'not-a-uuid' }, () => {}, { onError: (error) => (ended = error) });
    await expect(bad.done).rejects.toMatchObject({ code: 'INVALID_TASK_ID' });
    expect(ended).toMatchObject({ code: 'INVALID_TASK_ID' });
    expect(isTransient('INVALID_TASK_ID')).toBe(false);
    expect(isTransient('BACKEND_UNAVAILABLE')).toBe(true);
  });

  it('a dropped socket: told of the retry and the resubscription, and it goes on; the connection says so', async () => {
    const states: ConnectionState[] = [];
    const lensClient = client({ onConnection: (state) => states.push(state) });
    const id = await writeMeta(redis, { status: 'STARTED', result: { pid: 1 } });
    const seen: string[] = [];
    const retries: string[] = [];
    let resubscribed = 0;
    const handle = lensClient.subscribe<{ task: { rawState: string } }, { id: string }>(
      LIVE,
      { id },
      (data) => seen.push(data.task.rawState),
      { onRetry: (error) => retries.push(error.code), onResubscribe: () => (resubscribed += 1) },
    );
    await until(() => seen.length === 1);
    for (const socket of lens.app.wsServer.clients) socket.terminate();
    await until(() => resubscribed === 1 && seen.length === 2);
    expect(retries).toEqual(['TRANSPORT']);
    // Without a cursor it reads afresh: the current state again.
    expect(seen).toEqual(['STARTED', 'STARTED']);
    await writeMeta(redis, { status: 'SUCCESS', result: 1, date_done: new Date().toISOString() }, { id });
    await until(() => seen.at(-1) === 'SUCCESS');
    handle.stop();
    await until(() => states.at(-1) === 'idle');
    expect(states.slice(0, 3)).toEqual(['connecting', 'connected', 'closed']);
    expect(states).toContain('idle');
  });

  it('`finished`: a completion after it ends the subscription', async () => {
    const id = await writeMeta(redis, { status: 'SUCCESS', result: 1, date_done: new Date().toISOString() });
    const seen: boolean[] = [];
    const handle = client().subscribe<{ task: { ready: boolean } }, { id: string }>(
      'subscription ($id: ID!) { task(id: $id) { ready } }',
      { id },
      (data) => seen.push(data.task.ready),
      { finished: (data) => data.task.ready },
    );
    await handle.done;
    expect(seen).toEqual([true]);
  });
});
