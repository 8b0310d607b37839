/**
 * A task emitted again (its worker gone: LOST, or its events arrived) says
 * nothing new about the stored states, so it carries the cursor of the last
 * event its subscriber was sent: a client resuming from it must still get
 * every state it had not been sent. Here a stored state arrives while a
 * worker's tasks are being emitted again as LOST; every event sent before it
 * must leave it to the resume.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { publishWorkerEvent } from '../helpers/worker-events.ts';
import { useWsClients } from '../helpers/ws-client.ts';

interface Sent {
  readonly id: string;
  readonly status: string;
  readonly step: number | null;
  readonly cursor: string | null;
}

const FOLLOW = `
  subscription FollowWithCursors($ids: [ID!]!, $after: String) {
    tasks(ids: $ids, untilReady: false, after: $after) { id status meta }
  }
`;

const lens = useLens(['--result-expires', '3600']);
const ws = useWsClients(() => lens.app.url);
let client: Redis;
beforeAll(() => {
  client = lens.redis.client();
});

/** Subscribes `tasks`, keeping each event with its `extensions.cursor`; `onEvent` sees each as it arrives. */
function follow(ids: readonly string[], after: string | null, onEvent: (sent: Sent) => void = () => {}) {
  const sent: Sent[] = [];
  const errors: unknown[] = [];
  const stop = ws().subscribe<{ tasks: { id: string; status: string; meta: { current?: number } | null } }>(
    { query: FOLLOW, variables: { ids, after } },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        const task = result.data?.tasks;
        if (!task) return;
        const cursor = (result.extensions as { cursor?: string } | undefined)?.cursor ?? null;
        const event = { id: task.id, status: task.status, step: task.meta?.current ?? null, cursor };
        sent.push(event);
        onEvent(event);
      },
      error: (error) => errors.push(error),
      complete: () => {},
    },
  );
  return { sent, errors, stop };
}

describe('re-emits and resume cursors', () => {
  it('an event emitted again (LOST) carries the cursor of the last event sent, never of one still to come', async () => {
    const worker = `w-${randomUUID().slice(0, 8)}@host`;
    // Many tasks on one worker: their LOST re-emits go out one after another, while the new state is numbered.
    const held = await Promise.all(
      Array.from({ length: 40 }, () => writeMeta(client, { status: 'PROGRESS', result: { current: 1 }, worker })),
    );
    const other = await writeMeta(client, { status: 'PROGRESS', result: { current: 1 } });
    // It beats until the test is ready for it to go (a loaded machine may take longer than its window).
    await publishWorkerEvent(client, worker, 'worker-heartbeat', { freq: 0.5 });
    const beat = setInterval(
      () => publishWorkerEvent(client, worker, 'worker-heartbeat', { freq: 0.5 }).catch(() => {}),
      200,
    );
    onTestFinished(() => clearInterval(beat));
    await until(async () => {
      const response = await fetch(lens.app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ workers { hostname } }' }),
      });
      const { data } = (await response.json()) as { data?: { workers: { hostname: string }[] } };
      return data?.workers.some((w) => w.hostname === worker) ?? false;
    });

    let wrote: Promise<unknown> | null = null;
    const ids = [...held, other];
    const live = follow(ids, null, (event) => {
      // The first LOST is out: the other task's next state is stored while the rest follow.
      if (event.status === 'LOST' && wrote === null)
        wrote = writeMeta(client, { status: 'PROGRESS', result: { current: 2 } }, { id: other });
    });
    await until(() => live.sent.length === ids.length);
    expect(live.sent.every((event) => event.status === 'RUNNING' && event.cursor !== null)).toBe(true);
    clearInterval(beat);
    await publishWorkerEvent(client, worker, 'worker-offline');
    const newState = () => live.sent.findIndex((event) => event.id === other && event.step === 2);
    await until(() => live.sent.filter((event) => event.status === 'LOST').length === held.length && newState() >= 0);
    await wrote;
    expect(live.errors).toEqual([]);

    // Every event sent before the new state leaves it to a resume from its cursor.
    const before = live.sent.slice(0, newState());
    const last = before.at(-1)?.cursor ?? null;
    expect(last).not.toBeNull();
    expect(before.map((event) => event.cursor)).not.toContain(live.sent[newState()]?.cursor);
    const resumed = follow([other], last);
    await until(() => resumed.sent.length > 0 || resumed.errors.length > 0);
    expect(resumed.errors).toEqual([]);
    expect(resumed.sent[0]).toMatchObject({ id: other, step: 2 });
    live.stop();
    resumed.stop();
  });
});
