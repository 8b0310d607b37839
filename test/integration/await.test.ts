/**
 * awaitTask / awaitTasks / taskCompleted(timeoutSeconds) against written
 * metas (the real-worker timings are in test/interop/await.test.ts): over
 * yoga.fetch, a JSON POST over the port, GET (curl), graphql-ws; deadlines, bad
 * timeouts, quotas, a client that leaves, and a shutdown mid-wait.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';

const run = promisify(execFile);
const lens = useLens(['--max-await-seconds', '5', '--max-watches-per-connection', '3']);
const leftovers: (() => unknown)[] = [];
afterAll(async () => {
  for (const dispose of leftovers.reverse()) await dispose();
});

const Await = graphql(`
  query AwaitOne($id: ID!, $timeoutSeconds: Int!) {
    awaitTask(id: $id, timeoutSeconds: $timeoutSeconds) { timedOut waitedMs task { id state result } }
  }
`);
const AwaitMany = graphql(`
  query AwaitMany($ids: [ID!]!, $timeoutSeconds: Int!, $mode: AwaitMode) {
    awaitTasks(ids: $ids, timeoutSeconds: $timeoutSeconds, mode: $mode) { timedOut waitedMs tasks { id state } }
  }
`);
const CompletedWithin = graphql(`
  subscription CompletedWithin($id: ID!, $timeoutSeconds: Int) {
    taskCompleted(id: $id, timeoutSeconds: $timeoutSeconds) { id state rawState }
  }
`);

const QUERY =
  'query ($id: ID!, $t: Int!) { awaitTask(id: $id, timeoutSeconds: $t) { timedOut waitedMs task { id state result } } }';
const redis = () => lens.redis.client();
const success = (id: string, result: unknown = 1) =>
  writeMeta(redis(), { status: 'SUCCESS', result, date_done: new Date().toISOString().slice(0, -1) }, { id });

/** A JSON POST over the real port, optionally aborted. */
async function post(body: unknown, signal?: AbortSignal) {
  const response = await fetch(lens.app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return (await response.json()) as {
    data?: { awaitTask: { timedOut: boolean; waitedMs: number; task: { state: string } } };
    errors?: { extensions: { code: string } }[];
  };
}

describe('awaitTask', () => {
  it('answers at once for a ready task', async () => {
    const id = await success(randomUUID(), 5);
    const started = performance.now();
    const { data } = await execute(lens.app, Await, { id, timeoutSeconds: 5 });
    expect(data?.awaitTask).toMatchObject({ timedOut: false, task: { id, state: 'SUCCESS', result: 5 } });
    // At once: far from the 5 s deadline, even on a loaded machine.
    expect(performance.now() - started).toBeLessThan(2500);
    expect(lens.app.watcher.watchedCount).toBe(0);
  });

  it('answers as soon as the task is written ready, and stops watching', async () => {
    const id = randomUUID();
    const answer = execute(lens.app, Await, { id, timeoutSeconds: 5 }).then((result) => ({
      result,
      at: performance.now(),
    }));
    await until(() => lens.app.watcher.watchedCount === 1);
    await writeMeta(redis(), { status: 'STARTED', result: { pid: 1, hostname: 'h' } }, { id });
    const written = performance.now();
    await success(id, 7);
    const { result, at } = await answer;
    expect(result.data?.awaitTask).toMatchObject({ timedOut: false, task: { id, state: 'SUCCESS', result: 7 } });
    // On the write, not at the 5 s deadline (this file runs beside browsers and workers: no tighter bound).
    expect(at - written).toBeLessThan(2500);
    await until(() => lens.app.watcher.watchedCount === 0);
  });

  it('at the deadline answers the task as it is, timedOut', async () => {
    const id = await writeMeta(redis(), { status: 'PROGRESS', result: { current: 1 } });
    const started = performance.now();
    const { data } = await execute(lens.app, Await, { id, timeoutSeconds: 1 });
    const took = performance.now() - started;
    expect(data?.awaitTask).toMatchObject({ timedOut: true, task: { id, state: 'CUSTOM' } });
    expect(data?.awaitTask.waitedMs).toBeGreaterThanOrEqual(1000);
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(2500);
  });

  // Bad timeouts and ids need no Redis: test/schema/await-arguments.test.ts.

  it('GET with a curl query string waits and answers', async () => {
    const id = randomUUID();
    const answer = run('curl', [
      '-sS',
      '--get',
      lens.app.url,
      '--data-urlencode',
      `query=${QUERY}`,
      '--data-urlencode',
      `variables=${JSON.stringify({ id, t: 5 })}`,
    ]);
    await until(() => lens.app.watcher.watchedCount === 1);
    await success(id, 'done');
    const body = JSON.parse((await answer).stdout) as { data: unknown };
    expect(body.data).toMatchObject({ awaitTask: { timedOut: false, task: { id, state: 'SUCCESS', result: 'done' } } });
  });

  it('a JSON POST over the port waits; a client that leaves frees its watch at once', async () => {
    const id = randomUUID();
    const answered = post({ query: QUERY, variables: { id, t: 5 } });
    await until(() => lens.app.watcher.watchedCount === 1);
    await success(id);
    expect((await answered).data?.awaitTask).toMatchObject({ timedOut: false, task: { state: 'SUCCESS' } });

    const gone = new AbortController();
    const left = post({ query: QUERY, variables: { id: randomUUID(), t: 5 } }, gone.signal).catch(() => 'aborted');
    await until(() => lens.app.watcher.watchedCount === 1);
    const abortedAt = performance.now();
    gone.abort();
    expect(await left).toBe('aborted');
    await until(() => lens.app.watcher.watchedCount === 0 && lens.app.watcher.quota.used === 0, 2000);
    expect(performance.now() - abortedAt).toBeLessThan(1000);
  });

  it('a GET (answered by Yoga) whose client leaves frees its watch at once', async () => {
    const gone = new AbortController();
    const url = `${lens.app.url}?query=${encodeURIComponent(QUERY)}&variables=${encodeURIComponent(JSON.stringify({ id: randomUUID(), t: 5 }))}`;
    const left = fetch(url, { signal: gone.signal }).catch(() => 'aborted');
    await until(() => lens.app.watcher.watchedCount === 1);
    gone.abort();
    expect(await left).toBe('aborted');
    await until(() => lens.app.watcher.watchedCount === 0 && lens.app.watcher.quota.used === 0, 1000);
  });

  it('over graphql-ws: waits, and a socket that closes frees its watch', async () => {
    const client = wsClient(lens.app.url);
    leftovers.push(() => client.dispose());
    const id = randomUUID();
    const sub = subscribe(client, Await, { id, timeoutSeconds: 5 });
    await until(() => lens.app.watcher.watchedCount === 1);
    await success(id, 3);
    await sub.done;
    expect(sub.events).toMatchObject([{ awaitTask: { timedOut: false, task: { id, state: 'SUCCESS', result: 3 } } }]);

    const other = wsClient(lens.app.url);
    subscribe(other, Await, { id: randomUUID(), timeoutSeconds: 5 });
    await until(() => lens.app.watcher.watchedCount === 1);
    await other.dispose();
    await until(() => lens.app.watcher.watchedCount === 0 && lens.app.watcher.quota.used === 0, 2000);
  });
});

describe('awaitTasks', () => {
  it('ALL answers when the last one is ready; ANY when the first is', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const all = execute(lens.app, AwaitMany, { ids: [a, b, a], timeoutSeconds: 5 });
    const any = execute(lens.app, AwaitMany, { ids: [a, b], timeoutSeconds: 5, mode: 'ANY' });
    await until(() => lens.app.watcher.listenerCount === 4);
    await success(b);
    const first = await any;
    expect(first.data?.awaitTasks).toMatchObject({
      timedOut: false,
      tasks: [
        { id: a, state: 'PENDING' },
        { id: b, state: 'SUCCESS' },
      ],
    });
    await success(a);
    expect((await all).data?.awaitTasks).toMatchObject({
      timedOut: false,
      tasks: [
        { id: a, state: 'SUCCESS' },
        { id: b, state: 'SUCCESS' },
        { id: a, state: 'SUCCESS' },
      ],
    });
  });

  it('ALL times out when one is not ready', async () => {
    const a = await success(randomUUID());
    const b = randomUUID();
    const { data } = await execute(lens.app, AwaitMany, { ids: [a, b], timeoutSeconds: 1 });
    expect(data?.awaitTasks).toMatchObject({ timedOut: true, tasks: [{ state: 'SUCCESS' }, { state: 'PENDING' }] });
  });

  it('counts its watches against the connection quota (TOO_MANY_WATCHES), holding none after', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const { errors } = await execute(lens.app, AwaitMany, { ids, timeoutSeconds: 1 });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_WATCHES', scope: 'connection' });
    expect(lens.app.watcher.quota.used).toBe(0);
  });
});

describe('taskCompleted(timeoutSeconds)', () => {
  it('at the deadline emits the task as it is, then completes', async () => {
    const client = wsClient(lens.app.url);
    leftovers.push(() => client.dispose());
    const id = await writeMeta(redis(), { status: 'PROGRESS', result: { current: 2 } });
    const started = performance.now();
    const sub = subscribe(client, CompletedWithin, { id, timeoutSeconds: 1 });
    await sub.done;
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(sub.events).toEqual([{ taskCompleted: { id, state: 'CUSTOM', rawState: 'PROGRESS' } }]);
    await until(() => lens.app.watcher.watchedCount === 0);
  });

  it('emits the final state once when it comes before the deadline', async () => {
    const client = wsClient(lens.app.url);
    leftovers.push(() => client.dispose());
    const id = randomUUID();
    const sub = subscribe(client, CompletedWithin, { id, timeoutSeconds: 5 });
    await until(() => lens.app.watcher.watchedCount === 1);
    await writeMeta(redis(), { status: 'PROGRESS', result: { current: 1 } }, { id });
    await success(id);
    await sub.done;
    expect(sub.events).toEqual([{ taskCompleted: { id, state: 'SUCCESS', rawState: 'SUCCESS' } }]);
  });
});

describe('shutdown', () => {
  it('a taskCompleted(timeoutSeconds) stream emits the task as it is, then completes', async () => {
    const app = await startApp(lens.redis.url());
    const id = await writeMeta(redis(), { status: 'PROGRESS', result: { current: 1 } });
    const query = `subscription { taskCompleted(id: "${id}", timeoutSeconds: 60) { state rawState } }`;
    const stream = fetch(`${app.url}?query=${encodeURIComponent(query)}`, {
      headers: { accept: 'text/event-stream' },
    }).then((response) => response.text());
    await until(() => app.watcher.watchedCount === 1);
    // Stopped only once the stream has read the task (a shutdown before that has nothing to emit):
    // a second watch of the same task resolves when the shared read has.
    const probe = await app.watcher.watch(id, () => {});
    probe.stop();
    await app.stop();
    const text = await stream;
    expect(text).toContain('"taskCompleted":{"state":"CUSTOM","rawState":"PROGRESS"}');
    expect(text).toContain('event: complete');
  });

  it('a process stopping mid-wait answers timedOut at once', async () => {
    const app = await startApp(lens.redis.url());
    const id = randomUUID();
    const answer = fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: { id, t: 60 } }),
    }).then((response) => response.json());
    await until(() => app.watcher.watchedCount === 1);
    const stopping = performance.now();
    await app.stop();
    expect(await answer).toMatchObject({ data: { awaitTask: { timedOut: true, task: { id, state: 'PENDING' } } } });
    expect(performance.now() - stopping).toBeLessThan(1500);
  });
});
