/**
 * Every subscription runs in cohorts (src/live/live-core.ts): subscriptions
 * with the same document, scopes and variables share one execution per
 * event. `task(id)` is fed by a watch of its own (members.ts' WatchMember);
 * other operations by their field's stream, and what each subscription
 * receives is the same either way (the other subscription tests run through
 * the core too).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { subscribe, useWsClients } from '../helpers/ws-client.ts';
import { released, watching } from '../helpers/watching.ts';

const CohortWatch = graphql(`
  subscription CohortWatch($id: ID!) {
    task(id: $id, untilReady: false) { id rawState meta }
  }
`);
const CohortWatchIncluded = graphql(`
  subscription CohortWatchIncluded($id: ID!) {
    watched: task(id: $id, untilReady: false) @include(if: true) { id rawState }
  }
`);
const CohortResume = graphql(`
  subscription CohortResume($id: ID!, $after: String) {
    task(id: $id, untilReady: false, after: $after) { id rawState }
  }
`);

// As Celery's result_expires in these tests' writes (writeMeta: 3600 s).
const lens = useLens(['--result-expires', '3600']);
const ws = useWsClients(() => lens.app.url);
let client: Redis;
beforeAll(() => {
  client = lens.redis.client();
});

describe('task(id) cohorts', () => {
  it('run the selection once per event for every subscription with the same variables, on any connection', async () => {
    const [x, y] = [randomUUID(), randomUUID()];
    const clients = [ws(), ws(), ws()];
    const onX = clients.flatMap((c) => [1, 2, 3, 4].map(() => subscribe(c, CohortWatch, { id: x })));
    const onY = clients.slice(0, 2).map((c) => subscribe(c, CohortWatch, { id: y }));
    await Promise.all([...onX, ...onY].map((sub) => sub.waitFor(1)));
    expect(lens.app.cohorts.size).toBe(14);
    expect(lens.app.cohorts.cohortCount).toBe(2);
    // One watch a task, whatever the number of members.
    expect(watching(lens.app, [x, y])).toBe(true);
    expect(lens.app.watcher.watchedCount).toBe(2);

    const before = lens.app.cohorts.executions;
    for (let step = 1; step <= 3; step += 1) {
      await writeMeta(client, { status: 'PROGRESS', result: { current: step, total: 3 } }, { id: x });
      await Promise.all(onX.map((sub) => sub.waitFor(1 + step)));
    }
    const expected = [
      { task: { id: x, rawState: 'PENDING', meta: null } },
      ...[1, 2, 3].map((step) => ({ task: { id: x, rawState: 'PROGRESS', meta: { current: step, total: 3 } } })),
    ];
    for (const sub of onX) expect(sub.events).toEqual(expected);
    for (const sub of onY) expect(sub.events).toEqual([{ task: { id: y, rawState: 'PENDING', meta: null } }]);
    // Three events for a cohort of twelve: three executions, not thirty-six.
    expect(lens.app.cohorts.executions - before).toBe(3);

    // Leaving: a member at a time; the watch goes with the cohort's last one.
    for (const sub of onX.slice(0, 11)) sub.stop();
    await until(() => lens.app.cohorts.size === 3);
    expect(lens.app.cohorts.cohortCount).toBe(2);
    await clients[0]?.dispose();
    await until(() => lens.app.cohorts.size === 2);
    for (const sub of [...onX, ...onY]) sub.stop();
    await until(() => lens.app.cohorts.size === 0 && lens.app.cohorts.cohortCount === 0);
    await until(() => released(lens.app, [x, y]));
    expect(lens.app.watcher.listenerCount).toBe(0);
  });

  it('run other operations on their field’s stream: directives, resuming', async () => {
    const id = randomUUID();
    const twice = subscribe(ws(), CohortWatchIncluded, { id });
    await twice.waitFor(1);
    expect(lens.app.cohorts.size).toBe(1);
    // Resuming opens the field's stream (here: a cursor it refuses, so no member)...
    const resumed = subscribe(ws(), CohortResume, { id, after: 'not-a-cursor' });
    await resumed.done.catch(() => {});
    expect(resumed.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'INVALID_CURSOR' }) }),
    ]);
    expect(lens.app.cohorts.size).toBe(1);
    // ...and `after: null` is not resuming: that one is a watch member.
    const fresh = subscribe(ws(), CohortResume, { id, after: null });
    await fresh.waitFor(1);
    expect(lens.app.cohorts.size).toBe(2);
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id });
    await twice.waitFor(2);
    await fresh.waitFor(2);
    expect(twice.events.at(-1)).toEqual({ watched: { id, rawState: 'STARTED' } });
    expect(fresh.events.at(-1)).toEqual({ task: { id, rawState: 'STARTED' } });
  });

  it('answer a bad id as the field does, and log each subscription when it ends', async () => {
    const bad = subscribe(ws(), CohortWatch, { id: 'not a task id!' });
    await bad.done.catch(() => {});
    expect(bad.errors).toEqual([
      expect.objectContaining({ path: ['task'], extensions: expect.objectContaining({ code: 'INVALID_TASK_ID' }) }),
    ]);
    expect(lens.app.cohorts.size).toBe(0);

    const id = randomUUID();
    const sub = subscribe(ws(), CohortWatch, { id });
    await sub.waitFor(1);
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: 'w' } }, { id });
    await sub.waitFor(2);
    sub.stop();
    await until(() =>
      lens.app.logs.some((line) => line.includes('"operation":"CohortWatch"') && line.includes('"events":2')),
    );
  });
});
