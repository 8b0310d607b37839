/**
 * Celery 5.7 against 5.2–5.6, from hand-built fixtures
 * (test/fixtures/celery-5.7/revoke-and-chord.json, labelled with the code
 * path each comes from): a revoke without terminate of a running task
 * (5.6.2–5.6.x store REVOKED for it, 5.7 does not) reads RUNNING until the
 * task ends, on both; a terminated one reads REVOKED; a running chord's
 * progress counts `.j`, its size `.s` plus `.t`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { publishEvent } from '../helpers/worker-events.ts';

const Seen = graphql(`
  query Celery57Task($id: ID!) { task(id: $id) { state status statusReason timeline { type } } }
`);
const Chord = graphql(`
  query Celery57Chord($id: ID!) { group(id: $id) { size completed membersKnown } }
`);

interface Step {
  readonly event?: Record<string, unknown> & { type: string; at: number };
  readonly meta?: string;
  readonly status?: string;
}
interface Scenario {
  readonly id?: string;
  readonly groupId?: string;
  readonly steps?: readonly Step[];
  readonly keys?: { '.s': string; '.j': [number, string][] };
  readonly expect?: Record<string, number>;
}
interface Fixture {
  readonly scenarios: Record<string, Scenario>;
}
const text = readFileSync(new URL('../fixtures/celery-5.7/revoke-and-chord.json', import.meta.url), 'utf8');
const { scenarios } = JSON.parse(text) as Fixture;

/** A UTC date in the fixture's metas (`date_done`). */
const FIXTURE_DATE = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\+00:00/g;
/** The instant the fixture's dates count from: its scenarios' start (the events' `at` 0), the minute of its first date. */
const fixtureStart =
  Math.floor(Math.min(...[...text.matchAll(FIXTURE_DATE)].map((match) => Date.parse(`${match[1]}Z`))) / 60_000) *
  60_000;
/** A fixture meta for task `id`, its dates moved to a scenario started at `start` (seconds): written as of now. */
const metaOf = (scenario: Scenario, meta: string, id: string, start: number) =>
  meta
    .replaceAll(scenario.id!, id)
    .replace(
      FIXTURE_DATE,
      (_, date: string) =>
        `${new Date(Date.parse(`${date}Z`) - fixtureStart + start * 1000).toISOString().slice(0, 23)}000+00:00`,
    );

const lens = useLens();
let client: Redis;
beforeAll(() => {
  client = lens.redis.client();
});
const seen = async (id: string) => (await execute(lens.app, Seen, { id })).data!.task!;

/** Plays a scenario's events and metas under a fresh id, checking the status after each meta. */
async function play(name: string): Promise<{ id: string; statuses: string[] }> {
  const scenario = scenarios[name]!;
  const id = randomUUID();
  const start = Date.now() / 1000;
  const statuses: string[] = [];
  let events = 0;
  for (const step of scenario.steps ?? []) {
    if (step.event) {
      const { at, ...event } = step.event;
      await publishEvent(client, { ...event, uuid: id, timestamp: start + at });
      events += 1;
      const expected = events;
      await until(async () => (await seen(id)).timeline.length === expected);
    }
    if (step.meta) {
      const bytes = metaOf(scenario, step.meta, id, start);
      await client.multi().setex(`celery-task-meta-${id}`, 3600, bytes).publish(`celery-task-meta-${id}`, bytes).exec();
      const task = await seen(id);
      statuses.push(task.status);
      expect(task.status, `${name}: after ${JSON.parse(bytes).status}`).toBe(step.status);
    }
  }
  return { id, statuses };
}

describe('a revoke without terminate of a running task', () => {
  it('5.6.2–5.6.x store REVOKED for it: celery-lens reads RUNNING (it runs on), with the reason, then SUCCEEDED', async () => {
    const { id, statuses } = await play('revoke_running_5_6');
    expect(statuses).toEqual(['RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect((await seen(id)).state).toBe('SUCCESS');
  });

  it('the REVOKED such a revoke stored reads RUNNING, and the reason says why', async () => {
    const scenario = scenarios.revoke_running_5_6!;
    const id = randomUUID();
    const start = Date.now() / 1000;
    for (const step of scenario.steps!.slice(0, 2))
      await publishEvent(client, { ...step.event!, uuid: id, timestamp: start + step.event!.at });
    await until(async () => (await seen(id)).timeline.length === 2);
    const bytes = metaOf(scenario, scenario.steps![3]!.meta!, id, start);
    await client.setex(`celery-task-meta-${id}`, 3600, bytes);
    const task = await seen(id);
    expect(task).toMatchObject({ state: 'REVOKED', status: 'RUNNING' });
    expect(task.statusReason).toMatch(/^the result backend says REVOKED \(stored by a worker that heard a revoke/);
    expect(task.statusReason).toContain('it started on celery@vm');
  });

  it('5.7 stores nothing for it: RUNNING, then SUCCEEDED', async () => {
    expect((await play('revoke_running_5_7')).statuses).toEqual(['RUNNING', 'SUCCEEDED']);
  });

  it('with terminate (every version): task-revoked, then REVOKED with its request: REVOKED', async () => {
    const { id, statuses } = await play('terminate_running_5_7');
    expect(statuses).toEqual(['RUNNING', 'REVOKED']);
    expect((await seen(id)).timeline.map((entry) => entry.type)).toEqual(['RECEIVED', 'STARTED', 'REVOKED']);
  });
});

describe("a running chord's progress", () => {
  for (const name of ['chord_redelivered_5_6', 'chord_counted_once_5_7']) {
    it(`${name}: size from .s (+ .t), completed from .j as Celery counts it`, async () => {
      const scenario = scenarios[name]!;
      const gid = randomUUID();
      const prefix = `celery-taskset-meta-${gid}`;
      await client.set(`${prefix}.s`, scenario.keys!['.s']);
      for (const [score, member] of scenario.keys!['.j']) await client.zadd(`${prefix}.j`, score, member);
      expect((await execute(lens.app, Chord, { id: gid })).data?.group).toMatchObject({
        membersKnown: false,
        ...scenario.expect,
      });
    });
  }
});
