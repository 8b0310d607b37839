/**
 * Resuming a subscription fed by a real Celery 5.2 worker: a 100-step
 * PROGRESS task (update_state in a loop) watched over graphql-ws and over
 * SSE, the connection dropped mid-task and resumed from the last cursor
 * received; together the two connections carry every state exactly once.
 */
import { randomUUID } from 'node:crypto';
import type { FormattedExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { wsClient } from '../helpers/ws-client.ts';
import { watching } from '../helpers/watching.ts';
import { loggedStates, STATE_CLOCK } from '../helpers/state-log.ts';

type Result = FormattedExecutionResult<
  { task: { rawState: string; meta: { current?: number } | null } },
  { cursor?: string }
>;

let redis: RedisServer;
let worker: CeleryWorker;
let app: Awaited<ReturnType<typeof startApp>>;
const env = () => ({ brokerUrl: redis.url(15), backendUrl: redis.url(0) });

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
  worker = await startWorker({ ...env(), queues: ['resume'], concurrency: 2 });
  app = await startApp(redis.url());
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await worker?.stop();
  await redis?.stop();
});

const QUERY = 'subscription ($id: ID!, $after: String) { task(id: $id, after: $after) { rawState meta } }';
const STEPS = 100;
/** What the two connections together must have carried: each state once, in order. */
const EXPECTED = [
  'PENDING',
  'STARTED',
  ...Array.from({ length: STEPS }, (_, index) => `PROGRESS ${index + 1}`),
  'SUCCESS',
];
const label = (result: Result) => {
  const task = result.data?.task;
  return task?.rawState === 'PROGRESS'
    ? `PROGRESS ${task.meta?.current}`
    : (task?.rawState ?? `error ${result.errors?.[0]?.extensions?.code}`);
};
const sendProgress = (id: string) =>
  celery('send', [{ task: 'progress', args: [STEPS, 0.02], queue: 'resume', task_id: id }], env());
const stepOf = (results: readonly Result[]) => results.at(-1)?.data?.task.meta?.current ?? 0;

describe('a 100-step PROGRESS task, connection dropped mid-task', () => {
  it('graphql-ws: resuming with `after` loses and repeats no step', async () => {
    const id = randomUUID();
    const first: Result[] = [];
    const dropped = wsClient(app.url);
    dropped.subscribe<Result['data'], Result['extensions']>(
      { query: QUERY, variables: { id } },
      { next: (result) => void first.push(result as Result), error: () => {}, complete: () => {} },
    );
    await until(() => watching(app, [id]));
    await sendProgress(id);
    await until(() => stepOf(first) >= 30);
    // The socket goes away as on a network failure: no complete, no unsubscribe.
    dropped.terminate();
    const cursor = first.at(-1)?.extensions?.cursor;
    expect(cursor).toMatch(/^cl1\./);
    const seenWhileAway = stepOf(first);
    // Steps published while nobody listened.
    await until(async () => (await loggedStates(redis.client(), id)) >= seenWhileAway + 15);

    const second: Result[] = [];
    const client = wsClient(app.url);
    await new Promise<void>((resolve, reject) => {
      client.subscribe<Result['data'], Result['extensions']>(
        { query: QUERY, variables: { id, after: cursor } },
        { next: (result) => void second.push(result as Result), error: reject, complete: resolve },
      );
    });
    await client.dispose();
    expect([...first, ...second].map(label)).toEqual(EXPECTED);
    expect(second.every((result) => typeof result.extensions?.cursor === 'string')).toBe(true);
  }, 60_000);

  it('SSE: an EventSource-style reconnect with Last-Event-ID loses and repeats no step', async () => {
    const id = randomUUID();
    const target = `${app.url}?query=${encodeURIComponent(QUERY)}&variables=${encodeURIComponent(JSON.stringify({ id }))}`;
    const first = new AbortController();
    const response = await fetch(target, { headers: { accept: 'text/event-stream' }, signal: first.signal });
    const seen: { id: string | null; result: Result }[] = [];
    const reading = readSse(response, seen, () => stepOf(seen.map((event) => event.result)) >= 40).catch(() => {});
    await until(() => watching(app, [id]));
    await sendProgress(id);
    await until(() => stepOf(seen.map((event) => event.result)) >= 40);
    first.abort();
    await reading;
    const lastEventId = seen.at(-1)?.id;
    expect(lastEventId).toBe(seen.at(-1)?.result.extensions?.cursor);
    await until(async () => (await loggedStates(redis.client(), id)) >= 60);

    const again = await fetch(target, {
      headers: { accept: 'text/event-stream', 'last-event-id': lastEventId as string },
    });
    const resumed: { id: string | null; result: Result }[] = [];
    await readSse(again, resumed, () => false);
    expect([...seen, ...resumed].map((event) => label(event.result))).toEqual(EXPECTED);
    expect(resumed.every((event) => event.id === event.result.extensions?.cursor)).toBe(true);
  }, 60_000);
});

describe('bad cursors, with a worker writing', () => {
  it('a forged cursor is INVALID_CURSOR and one from before Redis lost the states is CURSOR_EXPIRED; nothing is written', async () => {
    const id = randomUUID();
    await celery('send', [{ task: 'progress', args: [3, 0.01], queue: 'resume', task_id: id }], env());
    await until(async () => (await loggedStates(redis.client(), id)) >= 5);
    const client = wsClient(app.url);
    const run = (after: string) =>
      new Promise<Result[]>((resolve, reject) => {
        const results: Result[] = [];
        client.subscribe<Result['data'], Result['extensions']>(
          { query: QUERY, variables: { id, after } },
          { next: (r) => void results.push(r as Result), error: reject, complete: () => resolve(results) },
        );
      });
    const forged = await run('cl1.000000000000.1.1.000000000000');
    expect(forged.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(['INVALID_CURSOR']);
    const live: Result[] = [];
    await new Promise<void>((resolve) => {
      client.subscribe<Result['data'], Result['extensions']>(
        { query: QUERY, variables: { id } },
        { next: (r) => void live.push(r as Result), error: resolve, complete: resolve },
      );
    });
    const cursor = live[0]?.extensions?.cursor as string;
    const before = await redis.client().dbsize();
    // Redis loses celery-lens' counter (as a restart without persistence would).
    await redis.client().del(STATE_CLOCK);
    const expired = await run(cursor);
    expect(expired.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(['CURSOR_EXPIRED']);
    expect(await redis.client().dbsize()).toBe(before - 1);
    await client.dispose();
  }, 60_000);
});

/** Reads SSE `next` events (id and result) into `into` until the stream ends or `enough()`. */
async function readSse(
  response: Response,
  into: { id: string | null; result: Result }[],
  enough: () => boolean,
): Promise<void> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    text += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const lines = text.slice(0, end).split('\n');
      text = text.slice(end + 2);
      if (lines.includes('event: complete')) return;
      const data = lines.find((line) => line.startsWith('data: '));
      if (!lines.includes('event: next') || !data) continue;
      into.push({
        id: lines.find((line) => line.startsWith('id: '))?.slice(4) ?? null,
        result: JSON.parse(data.slice(6)) as Result,
      });
      if (enough()) {
        await reader.cancel();
        return;
      }
    }
  }
}
