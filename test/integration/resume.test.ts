/**
 * Resumable subscriptions: every event of `task`, `tasks` and `taskGraph`
 * carries `extensions.cursor`; `after` (or SSE's Last-Event-ID) replays what
 * was published meanwhile, then goes live, with no repeat and no gap; bad
 * cursors are coded errors. Metas are written as Celery writes them
 * (SETEX + PUBLISH); test/interop/resume.test.ts does it with a real worker.
 */
import { randomUUID } from 'node:crypto';
import type { FormattedExecutionResult } from 'graphql';
import type { Client } from 'graphql-ws';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { wsClient } from '../helpers/ws-client.ts';
import { watching } from '../helpers/watching.ts';
import { loggedStates, stateLogOf, STATE_CLOCK } from '../helpers/state-log.ts';

type ExecutionResult = FormattedExecutionResult<Record<string, unknown>, unknown>;

const lens = useLens();
let redis: Redis;
let client: Client;

beforeAll(() => {
  redis = lens.redis.client();
  client = wsClient(lens.app.url);
});
afterAll(async () => {
  await client.dispose();
});

interface Collected {
  readonly results: ExecutionResult[];
  readonly done: Promise<void>;
  stop(): void;
}

/** Every full result (data, errors, extensions) of a subscription. */
function collect(query: string, variables: Record<string, unknown> = {}): Collected {
  const results: ExecutionResult[] = [];
  let stop = () => {};
  const done = new Promise<void>((resolve, reject) => {
    stop = client.subscribe(
      { query, variables },
      { next: (result) => void results.push(result), error: reject, complete: resolve },
    );
  });
  done.catch(() => {});
  return { results, done, stop: () => stop() };
}

const cursorOf = (result: ExecutionResult | undefined) =>
  (result?.extensions as { cursor?: string } | undefined)?.cursor;
const progress = (id: string, step: number) =>
  writeMeta(redis, { status: 'PROGRESS', result: { current: step, total: 100 } }, { id });
const steps = (results: readonly ExecutionResult[], field = 'task') =>
  results.map(
    (result) => (result.data?.[field] as { meta: { current: number } | null } | undefined)?.meta?.current ?? null,
  );
const recorded = async (id: string, count: number) => until(async () => (await loggedStates(redis, id)) >= count);

const TASK = 'subscription ($id: ID!, $after: String) { task(id: $id, after: $after) { id state meta } }';

describe('task(id, after)', () => {
  it('gives every event a cursor; resuming replays exactly what was missed, then goes live', async () => {
    const id = randomUUID();
    await progress(id, 1);
    const first = collect(TASK, { id });
    await until(() => first.results.length === 1);
    for (let step = 2; step <= 5; step += 1) {
      await progress(id, step);
      await until(() => first.results.length === step);
    }
    expect(steps(first.results)).toEqual([1, 2, 3, 4, 5]);
    for (const result of first.results) expect(cursorOf(result)).toMatch(/^cl1\./);
    const cursor = cursorOf(first.results[2]); // after step 3
    first.stop();

    // Missed while away: 6..9 (steps 4 and 5 were delivered after the cursor, so they come again).
    for (let step = 6; step <= 9; step += 1) await progress(id, step);
    await recorded(id, 9);
    const second = collect(TASK, { id, after: cursor });
    await until(() => second.results.length === 6);
    await progress(id, 10);
    await until(() => second.results.length === 7);
    expect(steps(second.results)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(second.results.every((result) => result.errors === undefined)).toBe(true);

    // Resuming from the last event: nothing to replay, then SUCCESS completes it.
    const last = cursorOf(second.results.at(-1));
    second.stop();
    const third = collect(TASK, { id, after: last });
    await writeMeta(redis, { status: 'SUCCESS', result: 42, date_done: new Date().toISOString() }, { id });
    await third.done;
    expect(third.results.map((result) => (result.data?.task as { state: string }).state)).toEqual(['SUCCESS']);
  });

  it('resuming while the states keep coming: no step lost or repeated across the replay edge', async () => {
    const id = randomUUID();
    await progress(id, 0);
    const first = collect(TASK, { id });
    await until(() => first.results.length === 1);
    const cursor = cursorOf(first.results[0]);
    first.stop();
    let writing = true;
    const writer = (async () => {
      for (let step = 1; step <= 60; step += 1) await progress(id, step);
      writing = false;
    })();
    await until(async () => (await loggedStates(redis, id)) >= 20);
    const second = collect(TASK, { id, after: cursor });
    await writer;
    expect(writing).toBe(false);
    await until(() => steps(second.results).at(-1) === 60);
    expect(steps(second.results)).toEqual(Array.from({ length: 60 }, (_, index) => index + 1));
    second.stop();
  });

  it("replays a final state from the backend's bytes (the log keeps its digest only); other bytes there: CURSOR_EXPIRED", async () => {
    const id = await progress(randomUUID(), 1);
    const first = collect(TASK, { id });
    await until(() => first.results.length === 1);
    const cursor = cursorOf(first.results[0]);
    first.stop();
    await progress(id, 2);
    await writeMeta(redis, { status: 'SUCCESS', result: 42, date_done: new Date().toISOString() }, { id });
    await recorded(id, 3);
    const log = await stateLogOf(redis, id);
    expect(log.entries.map((entry) => entry.payload.length > 0)).toEqual([true, true, false]);

    const second = collect(TASK, { id, after: cursor });
    await second.done;
    expect(second.results.map((result) => (result.data?.task as { state: string }).state)).toEqual([
      'CUSTOM',
      'SUCCESS',
    ]);
    expect(steps(second.results)).toEqual([2, null]);

    // The result written again without a state published (not as Celery does): the logged bytes are gone.
    await redis.set(`celery-task-meta-${id}`, (await redis.get(`celery-task-meta-${id}`))?.replace('42', '43') ?? '');
    const third = collect(TASK, { id, after: cursor });
    await third.done;
    expect(third.results[0]?.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
  });
});

describe('across processes', () => {
  it('a cursor taken on one celery-lens process resumes on another (the numbers live in Redis)', async () => {
    const other = await startApp(lens.redis.url());
    const otherClient = wsClient(other.url);
    try {
      const id = await progress(randomUUID(), 1);
      const first = collect(TASK, { id });
      await until(() => first.results.length === 1);
      await progress(id, 2);
      await until(() => first.results.length === 2);
      const cursor = cursorOf(first.results[1]);
      first.stop();
      for (let step = 3; step <= 5; step += 1) await progress(id, step);
      await recorded(id, 5);
      const results: ExecutionResult[] = [];
      const done = new Promise<void>((resolve, reject) => {
        otherClient.subscribe(
          { query: TASK, variables: { id, after: cursor } },
          { next: (result) => void results.push(result), error: reject, complete: resolve },
        );
      });
      await until(() => results.length === 3);
      await writeMeta(redis, { status: 'SUCCESS', result: 1, date_done: new Date().toISOString() }, { id });
      await done;
      expect(steps(results)).toEqual([3, 4, 5, null]);
    } finally {
      await otherClient.dispose();
      await other.stop();
    }
  });
});

describe('tasks(ids, after)', () => {
  it('replays the missed states of every task in the order they were published', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await progress(a, 1);
    await progress(b, 1);
    const query = 'subscription ($ids: [ID!]!, $after: String) { tasks(ids: $ids, after: $after) { id meta } }';
    const first = collect(query, { ids: [a, b] });
    await until(() => first.results.length === 2);
    const cursor = cursorOf(first.results[1]);
    first.stop();
    await progress(a, 2);
    await progress(b, 2);
    await progress(a, 3);
    await recorded(a, 3);
    const second = collect(query, { ids: [a, b], after: cursor });
    await until(() => second.results.length === 3);
    const seen = second.results.map((result) => {
      const task = result.data?.tasks as { id: string; meta: { current: number } };
      return `${task.id === a ? 'a' : 'b'}${task.meta.current}`;
    });
    expect(seen).toEqual(['a2', 'b2', 'a3']);
    second.stop();
  });
});

describe('bad cursors', () => {
  it('a cursor that is not ours, or altered, is INVALID_CURSOR', async () => {
    const id = await progress(randomUUID(), 1);
    const live = collect(TASK, { id });
    await until(() => live.results.length === 1);
    const good = cursorOf(live.results[0]) as string;
    live.stop();
    const parts = good.split('.');
    const ahead = `${parts[0]}.${parts[1]}.${(Number.parseInt(parts[2] as string, 36) + 1000).toString(36)}.${parts[3]}.${parts[4]}`;
    for (const bad of ['nope', `${good}x`, good.replace(/\.([0-9a-z]+)\./, '.zz.'), ahead]) {
      const sub = collect(TASK, { id, after: bad });
      await sub.done;
      expect(sub.results.length, bad).toBe(1);
      expect(sub.results[0]?.errors?.[0]?.extensions?.code, bad).toBe('INVALID_CURSOR');
    }
  });

  it('a cursor from before Redis lost the states is CURSOR_EXPIRED', async () => {
    const id = await progress(randomUUID(), 1);
    const live = collect(TASK, { id });
    await until(() => live.results.length === 1);
    const cursor = cursorOf(live.results[0]) as string;
    live.stop();
    await redis.del(STATE_CLOCK);
    const sub = collect(TASK, { id, after: cursor });
    await sub.done;
    expect(sub.results[0]?.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    expect(sub.results[0]?.errors?.[0]?.message).toMatch(/read the current state again/);
  });

  it('a cursor older than the 1,000 states kept for a task is CURSOR_EXPIRED', async () => {
    const id = await progress(randomUUID(), 0);
    const live = collect(TASK, { id });
    await until(() => live.results.length === 1);
    const cursor = cursorOf(live.results[0]) as string;
    live.stop();
    const pipeline = redis.pipeline();
    for (let step = 1; step <= 1001; step += 1) {
      const value = JSON.stringify({
        status: 'PROGRESS',
        result: { current: step },
        traceback: null,
        children: [],
        date_done: null,
        task_id: id,
      });
      pipeline.setex(`celery-task-meta-${id}`, 3600, value).publish(`celery-task-meta-${id}`, value);
    }
    await pipeline.exec();
    await until(async () => (await stateLogOf(redis, id)).trimmed !== null, 20_000);
    const sub = collect(TASK, { id, after: cursor });
    await sub.done;
    expect(sub.results[0]?.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
  });
});

describe('over SSE', () => {
  /** Reads SSE events (id and data) until `count` events or `complete`. */
  async function readEvents(
    response: Response,
    count: number,
  ): Promise<{ id: string | null; data: ExecutionResult }[]> {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const events: { id: string | null; data: ExecutionResult }[] = [];
    let text = '';
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const lines = block.split('\n');
        const data = lines.find((line) => line.startsWith('data: '));
        if (!lines.includes('event: next') || !data) continue;
        const id = lines.find((line) => line.startsWith('id: '))?.slice(4) ?? null;
        events.push({ id, data: JSON.parse(data.slice(6)) as ExecutionResult });
      }
    }
    await reader.cancel();
    return events;
  }

  it('writes each cursor on the id: line, and Last-Event-ID resumes from it', async () => {
    const id = await progress(randomUUID(), 1);
    const query = `subscription { task(id: "${id}", untilReady: false) { meta } }`;
    const target = `${lens.app.url}?query=${encodeURIComponent(query)}`;
    const first = await fetch(target, { headers: { accept: 'text/event-stream' } });
    const pending = readEvents(first, 3);
    await until(() => watching(lens.app, [id]));
    await progress(id, 2);
    await progress(id, 3);
    const seen = await pending;
    expect(seen.map((event) => event.id)).toEqual(seen.map((event) => cursorOf(event.data)));
    expect(seen[0]?.id).toMatch(/^cl1\./);
    await progress(id, 4);
    await progress(id, 5);
    await recorded(id, 5);
    const again = await fetch(target, {
      headers: { accept: 'text/event-stream', 'last-event-id': seen[1]?.id as string },
    });
    const replayed = await readEvents(again, 3);
    expect(replayed.map((event) => (event.data.data?.task as { meta: { current: number } }).meta.current)).toEqual([
      3, 4, 5,
    ]);
  });

  it('a Last-Event-ID that is not ours is INVALID_CURSOR', async () => {
    const id = randomUUID();
    const query = `subscription { task(id: "${id}") { state } }`;
    const response = await fetch(`${lens.app.url}?query=${encodeURIComponent(query)}`, {
      headers: { accept: 'text/event-stream', 'last-event-id': 'forged' },
    });
    const [event] = await readEvents(response, 1);
    expect(event?.data.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
  });
});

describe('taskGraph(rootId, after)', () => {
  it('sends the graph again on resume only if one of its tasks changed since the cursor', async () => {
    const root = await progress(randomUUID(), 1);
    const query =
      'subscription ($id: ID!, $after: String) { taskGraph(rootId: $id, after: $after) { nodes { id task { meta } } } }';
    const first = collect(query, { id: root });
    await until(() => first.results.length === 1);
    const cursor = cursorOf(first.results[0]);
    expect(cursor).toMatch(/^cl1\./);
    first.stop();
    const unchanged = collect(query, { id: root, after: cursor });
    await progress(randomUUID(), 1); // another task: not this graph's
    await new Promise((resolve) => setImmediate(resolve));
    await progress(root, 2);
    await until(() => unchanged.results.length === 1);
    const graph = unchanged.results[0]?.data?.taskGraph as { nodes: { task: { meta: { current: number } } }[] };
    expect(graph.nodes[0]?.task.meta.current).toBe(2);
    unchanged.stop();
    const resumed = collect(query, { id: root, after: cursor });
    await until(() => resumed.results.length === 1);
    expect((resumed.results[0]?.data?.taskGraph as typeof graph).nodes[0]?.task.meta.current).toBe(2);
    resumed.stop();
  });
});
