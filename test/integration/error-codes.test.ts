/**
 * Every client mistake and every stored oddity answers a coded error (and,
 * for a request that cannot run, HTTP 400), over a real port and through
 * yoga.fetch alike.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { type Answer, postBoth, summary } from '../helpers/post-both.ts';

const lens = useLens(['--max-depth', '6', '--max-complexity', '200']);
const STATUS_KEY = `status-${randomUUID()}`;
let secured: Awaited<ReturnType<typeof startApp>>;
beforeAll(async () => {
  const hash = createHash('sha256').update(STATUS_KEY).digest('hex');
  secured = await startApp(lens.redis.url(), ['--auth', 'true', '--api-keys', `dash:${hash}:status`]);
});
afterAll(() => secured.stop());

describe('requests that cannot run: coded, HTTP 400, no data', () => {
  // Their refusals need no Redis: test/schema/request-errors.test.ts. Here: the document under the limits runs and reads.
  it('a document under --max-depth and --max-complexity runs', async () => {
    const costly = `query ($ids: [ID!]!) { tasks(ids: $ids) { id state children { id } } }`;
    for (const answer of await postBoth(lens.app, { query: costly, variables: { ids: [randomUUID()] } }))
      expect(summary(answer)).toMatchObject({ status: 200, codes: undefined });
  });
});

describe('stored values GraphQL cannot show as they are', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'a custom state named "%s" is CUSTOM / RUNNING like any custom state',
    async (state) => {
      const id = await writeMeta(lens.redis.client(), { status: state, result: { step: 1 } });
      for (const answer of await postBoth(lens.app, {
        query: `{ task(id: "${id}") { state rawState status ready meta } }`,
      })) {
        expect(answer.body).toEqual({
          data: { task: { state: 'CUSTOM', rawState: state, status: 'RUNNING', ready: false, meta: { step: 1 } } },
        });
      }
    },
  );

  it('retries beyond a GraphQL Int is UNDECODABLE_META on that field; the rest resolves', async () => {
    const id = await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 1, name: 't', retries: 2 ** 31 });
    for (const answer of await postBoth(lens.app, { query: `{ task(id: "${id}") { state retries } }` })) {
      expect(answer.body.data).toEqual({ task: { state: 'SUCCESS', retries: null } });
      expect(answer.body.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
        [['task', 'retries'], 'UNDECODABLE_META'],
      ]);
    }
  });

  it('a TTL beyond what ttlSeconds and expiresAt hold is UNDECODABLE_META on those fields', async () => {
    const id = await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 1 });
    await lens.redis.client().pexpire(`celery-task-meta-${id}`, 2 ** 62);
    for (const answer of await postBoth(lens.app, { query: `{ task(id: "${id}") { state ttlSeconds expiresAt } }` })) {
      expect(answer.body.data).toEqual({ task: { state: 'SUCCESS', ttlSeconds: null, expiresAt: null } });
      expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual([
        'UNDECODABLE_META',
        'UNDECODABLE_META',
      ]);
    }
  });

  it('chord counters that are not counts are UNDECODABLE_META for the group', async () => {
    const gid = randomUUID();
    await lens.redis.client().set(`celery-taskset-meta-${gid}.t`, String(2 ** 40));
    for (const answer of await postBoth(lens.app, { query: `{ group(id: "${gid}") { id completed } }` })) {
      expect(summary(answer)).toMatchObject({ data: { group: null }, codes: ['UNDECODABLE_META'] });
    }
  });
});

describe('payload fields under a status-only credential', () => {
  it('keeps error.type and module: only the payload fields are FORBIDDEN', async () => {
    const id = await writeMeta(lens.redis.client(), {
      status: 'FAILURE',
      result: { exc_type: 'ValueError', exc_message: ['secret'], exc_module: 'builtins' },
      traceback: 'Traceback…',
    });
    const response = await fetch(secured.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': STATUS_KEY },
      body: JSON.stringify({ query: `{ task(id: "${id}") { state error { type module message args traceback } } }` }),
    });
    const body = (await response.json()) as Answer['body'];
    expect(body.data).toEqual({
      task: {
        state: 'FAILURE',
        error: { type: 'ValueError', module: 'builtins', message: null, args: null, traceback: null },
      },
    });
    expect(body.errors?.map((error) => [error.path?.at(-1), error.extensions?.code])).toEqual([
      ['message', 'FORBIDDEN'],
      ['args', 'FORBIDDEN'],
      ['traceback', 'FORBIDDEN'],
    ]);
  });
});
