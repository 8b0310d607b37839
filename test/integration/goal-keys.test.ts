/**
 * How goals are laid out in Redis: unambiguous keys (a goal key may contain
 * `:`), one transaction per write, goals of the earlier layout still read,
 * and a goal key holding what celery-lens did not write reported as such.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';

const Create = graphql(`
  mutation KeysCreate($key: ID!, $metadata: JSON) { createGoal(key: $key, metadata: $metadata) { key status metadata attempts { id } } }
`);
const Attach = graphql(`
  mutation KeysAttach($key: ID!, $taskId: ID!) { attachTask(key: $key, taskId: $taskId) { key attempts { id } } }
`);
const Update = graphql(`
  mutation KeysUpdate($key: ID!) { updateGoalStatus(key: $key, status: FAILED) { key status } }
`);
const Read = graphql(`
  query KeysRead($key: ID!) { goal(key: $key) { key status metadata attempts { id } createdAt updatedAt } }
`);

const lens = useLens();
const leftovers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of leftovers.splice(0).reverse()) await dispose();
});
const codeOf = (result: { errors?: readonly { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

/** The keys and channels celery-lens holds for the goals whose key starts with `base`. */
async function lensKeysOf(base: string): Promise<string[]> {
  return (await lens.redis.client().keys(`celery-lens:*${base}*`)).sort();
}

describe('goal keys', () => {
  it('goal "K:attempts" and the attempts of goal "K" are distinct: both goals stay intact', async () => {
    const k = `report:${randomUUID()}`;
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await execute(lens.app, Create, { key: k, metadata: { of: 'K' } });
    await execute(lens.app, Attach, { key: k, taskId: a });
    const other = await execute(lens.app, Create, { key: `${k}:attempts`, metadata: { of: 'K:attempts' } });
    expect(other.errors).toBeUndefined();
    await execute(lens.app, Attach, { key: `${k}:attempts`, taskId: b });
    await execute(lens.app, Attach, { key: k, taskId: c });
    await execute(lens.app, Update, { key: `${k}:attempts` });
    expect((await execute(lens.app, Read, { key: k })).data?.goal).toMatchObject({
      status: 'PENDING',
      metadata: { of: 'K' },
      attempts: [{ id: a }, { id: c }],
    });
    expect((await execute(lens.app, Read, { key: `${k}:attempts` })).data?.goal).toMatchObject({
      status: 'FAILED',
      metadata: { of: 'K:attempts' },
      attempts: [{ id: b }],
    });
  });

  it('a createGoal or attachTask that fails half-way leaves nothing behind', async () => {
    // A user that may write but not PUBLISH: the old createGoal wrote its hash, then failed on the publish.
    const password = randomUUID();
    await lens.redis
      .client()
      .call('ACL', 'SETUSER', 'no-publish', 'reset', 'on', `>${password}`, '~*', '&*', '+@all', '-publish');
    const app = await startApp(`redis://no-publish:${password}@127.0.0.1:${lens.redis.port}/0`, ['--consume', 'false']);
    leftovers.push(() => app.stop());
    const k = `half:${randomUUID()}`;
    expect(codeOf(await execute(app, Create, { key: k }))).toBe('BACKEND_UNAVAILABLE');
    expect(await lensKeysOf(k)).toEqual([]);
    expect((await execute(app, Read, { key: k })).data).toEqual({ goal: null });

    await execute(lens.app, Create, { key: k });
    const before = await lens.redis.client().hgetall(`celery-lens:goal:${k}`);
    expect(codeOf(await execute(app, Attach, { key: k, taskId: randomUUID() }))).toBe('BACKEND_UNAVAILABLE');
    expect(codeOf(await execute(app, Update, { key: k }))).toBe('BACKEND_UNAVAILABLE');
    expect(await lens.redis.client().hgetall(`celery-lens:goal:${k}`)).toEqual(before);
    expect(await lensKeysOf(k)).toEqual([`celery-lens:goal:${k}`]);
  });

  it('a goal key holding another Redis type or garbage is UNDECODABLE_LENS_DATA, never "no goal" or GOAL_EXISTS', async () => {
    const redis = lens.redis.client();
    const [str, garbage, badStatus, badTime] = ['str', 'garbage', 'status', 'time'].map(
      (kind) => `bad:${kind}:${randomUUID()}`,
    ) as [string, string, string, string];
    await redis.set(`celery-lens:goal:${str}`, 'a string');
    await redis.hset(`celery-lens:goal:${garbage}`, {
      createdAt: Date.now(),
      status: 'PENDING',
      metadata: '{not json',
    });
    await redis.hset(`celery-lens:goal:${badStatus}`, { createdAt: Date.now(), status: 'toString', metadata: 'null' });
    await redis.hset(`celery-lens:goal:${badTime}`, { createdAt: 'yesterday', status: 'PENDING', metadata: 'null' });
    for (const key of [str, garbage, badStatus, badTime]) {
      const read = await execute(lens.app, Read, { key });
      expect([key, codeOf(read), read.errors?.[0]?.extensions?.key]).toEqual([
        key,
        'UNDECODABLE_LENS_DATA',
        `celery-lens:goal:${key}`,
      ]);
      expect([key, codeOf(await execute(lens.app, Update, { key }))]).toEqual([key, 'UNDECODABLE_LENS_DATA']);
      expect([key, codeOf(await execute(lens.app, Attach, { key, taskId: randomUUID() }))]).toEqual([
        key,
        'UNDECODABLE_LENS_DATA',
      ]);
    }
    expect(codeOf(await execute(lens.app, Create, { key: str }))).toBe('UNDECODABLE_LENS_DATA');
    // The attempts list of another type is reported too, not read as "no attempts".
    const k = `bad:list:${randomUUID()}`;
    await execute(lens.app, Create, { key: k });
    await redis.set(`celery-lens:goal-attempts:${k}`, 'x');
    expect(codeOf(await execute(lens.app, Read, { key: k }))).toBe('UNDECODABLE_LENS_DATA');
    expect(lens.app.logs.filter((line) => line.includes('INTERNAL_SERVER_ERROR'))).toEqual([]);
  });

  it('reads goals stored in the earlier layout (attempts at goal:<key>:attempts), and attaches after them', async () => {
    const redis = lens.redis.client();
    const k = `legacy:${randomUUID()}`;
    const [old1, old2, fresh] = [randomUUID(), randomUUID(), randomUUID()];
    const created = Date.now() - 60_000;
    await redis.hset(`celery-lens:goal:${k}`, {
      createdAt: created,
      status: 'RUNNING',
      metadata: '{"v":1}',
      updatedAt: created + 1000,
    });
    await redis.rpush(`celery-lens:goal:${k}:attempts`, old1, old2);
    expect((await execute(lens.app, Read, { key: k })).data?.goal).toEqual({
      key: k,
      status: 'RUNNING',
      metadata: { v: 1 },
      attempts: [{ id: old1 }, { id: old2 }],
      createdAt: new Date(created).toISOString(),
      updatedAt: new Date(created + 1000).toISOString(),
    });
    expect((await execute(lens.app, Attach, { key: k, taskId: fresh })).data?.attachTask?.attempts).toEqual([
      { id: old1 },
      { id: old2 },
      { id: fresh },
    ]);
    // A half-created goal of the old layout (createdAt only) reads as PENDING, as it did.
    const half = `legacy:half:${randomUUID()}`;
    await redis.hset(`celery-lens:goal:${half}`, { createdAt: created });
    expect((await execute(lens.app, Read, { key: half })).data?.goal).toMatchObject({
      status: 'PENDING',
      metadata: null,
      attempts: [],
    });
  });
});
