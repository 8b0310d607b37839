/**
 * Every client mistake and every stored oddity answers a coded error (and,
 * for a request that cannot run, HTTP 400), on the JSON fast path (a real
 * port) and through Yoga alike.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';

interface Answer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
  };
}

const lens = useLens(['--max-depth', '6', '--max-complexity', '200']);
const STATUS_KEY = `status-${randomUUID()}`;
let secured: Awaited<ReturnType<typeof startApp>>;
beforeAll(async () => {
  const hash = createHash('sha256').update(STATUS_KEY).digest('hex');
  secured = await startApp(lens.redis.url(), ['--auth', 'true', '--api-keys', `dash:${hash}:status`]);
});
afterAll(() => secured.stop());

/** The same POST through the fast path (a real port) and through yoga.fetch. */
async function postBoth(body: unknown, headers: Record<string, string> = {}): Promise<Answer[]> {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  };
  const answers: Answer[] = [];
  for (const response of [await fetch(lens.app.url, init), await lens.app.yoga.fetch('http://yoga/graphql', init)]) {
    answers.push({ status: response.status, body: (await response.json()) as Answer['body'] });
  }
  return answers;
}

const summary = ({ status, body }: Answer) => ({
  status,
  data: body.data,
  codes: body.errors?.map((error) => error.extensions?.code),
});

describe('requests that cannot run: coded, HTTP 400, no data', () => {
  it.each([
    ['an object for an ID', 'query ($id: ID!) { task(id: $id) { id } }', { id: { a: 1 } }],
    ['a missing required variable', 'query ($id: ID!) { task(id: $id) { id } }', {}],
    ['a number for a list of IDs', 'query ($ids: [ID!]!) { tasks(ids: $ids) { id } }', { ids: [{}] }],
    [
      'an unknown enum value',
      'mutation ($s: GoalStatus!) { updateGoalStatus(key: "k", status: $s) { key } }',
      { s: 'NOPE' },
    ],
    ['a string for an Int', 'query ($d: Int) { taskGraph(rootId: "x", maxDepth: $d) { nodes { id } } }', { d: 'deep' }],
  ])('variables of the wrong type (%s) are BAD_USER_INPUT', async (_name, query, variables) => {
    for (const answer of await postBoth({ query, variables })) {
      expect(summary(answer)).toEqual({ status: 400, data: undefined, codes: ['BAD_USER_INPUT'] });
    }
  });

  it('a query deeper than --max-depth or costlier than --max-complexity is QUERY_TOO_COMPLEX before it runs', async () => {
    const before = lens.app.backend.roundTrips;
    const deep = `{ task(id: "${randomUUID()}") { ${'parent { '.repeat(6)}id${' }'.repeat(6)} } }`;
    const costly = `query ($ids: [ID!]!) { tasks(ids: $ids) { id state children { id } } }`;
    for (const answer of await postBoth({ query: deep })) {
      expect(summary(answer)).toEqual({ status: 400, data: undefined, codes: ['QUERY_TOO_COMPLEX'] });
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ measure: 'depth', value: 8, limit: 6 });
    }
    for (const answer of await postBoth({
      query: costly,
      variables: { ids: Array.from({ length: 20 }, () => randomUUID()) },
    })) {
      expect(summary(answer)).toEqual({ status: 400, data: undefined, codes: ['QUERY_TOO_COMPLEX'] });
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ measure: 'complexity', limit: 200 });
    }
    expect(lens.app.backend.roundTrips).toBe(before);
    // Under the limits, the same document runs.
    for (const answer of await postBoth({ query: costly, variables: { ids: [randomUUID()] } }))
      expect(summary(answer)).toMatchObject({ status: 200, codes: undefined });
  });

  it('subscriptions are checked the same way before they start (SSE)', async () => {
    const deep = `subscription { task(id: "${randomUUID()}") { ${'parent { '.repeat(6)}id${' }'.repeat(6)} } }`;
    const badVariable = 'subscription ($id: ID!) { task(id: $id) { id } }';
    for (const [body, code] of [
      [{ query: deep }, 'QUERY_TOO_COMPLEX'],
      [{ query: badVariable, variables: { id: {} } }, 'BAD_USER_INPUT'],
    ] as const) {
      const init = {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(body),
      };
      for (const response of [
        await fetch(lens.app.url, init),
        await lens.app.yoga.fetch('http://yoga/graphql', init),
      ]) {
        const text = await response.text();
        expect([response.status, text.includes(`"code":"${code}"`), text.includes('"data"')]).toEqual([
          400,
          true,
          false,
        ]);
      }
    }
  });

  it.each([
    ['variables', 'variables=%7Bbad'],
    ['extensions', 'extensions=%7Bbad'],
  ])('a GET with malformed %s is BAD_REQUEST (HTTP 400), not a 500', async (_name, param) => {
    const url = `${lens.app.url}?query=${encodeURIComponent('{ backend { up } }')}&${param}`;
    const response = await fetch(url, { headers: { accept: 'application/json' } });
    const body = (await response.json()) as Answer['body'];
    expect({ status: response.status, codes: body.errors?.map((error) => error.extensions?.code) }).toEqual({
      status: 400,
      codes: ['BAD_REQUEST'],
    });
    // The same parameters in a form-encoded POST body.
    const form = await fetch(lens.app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: `query=${encodeURIComponent('{ backend { up } }')}&${param}`,
    });
    expect(form.status).toBe(400);
    expect(((await form.json()) as Answer['body']).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('stored values GraphQL cannot show as they are', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'a custom state named "%s" is CUSTOM / RUNNING like any custom state',
    async (state) => {
      const id = await writeMeta(lens.redis.client(), { status: state, result: { step: 1 } });
      for (const answer of await postBoth({ query: `{ task(id: "${id}") { state rawState status ready meta } }` })) {
        expect(answer.body).toEqual({
          data: { task: { state: 'CUSTOM', rawState: state, status: 'RUNNING', ready: false, meta: { step: 1 } } },
        });
      }
    },
  );

  it('retries beyond a GraphQL Int is UNDECODABLE_META on that field; the rest resolves', async () => {
    const id = await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 1, name: 't', retries: 2 ** 31 });
    for (const answer of await postBoth({ query: `{ task(id: "${id}") { state retries } }` })) {
      expect(answer.body.data).toEqual({ task: { state: 'SUCCESS', retries: null } });
      expect(answer.body.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
        [['task', 'retries'], 'UNDECODABLE_META'],
      ]);
    }
  });

  it('a TTL beyond what ttlSeconds and expiresAt hold is UNDECODABLE_META on those fields', async () => {
    const id = await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 1 });
    await lens.redis.client().pexpire(`celery-task-meta-${id}`, 2 ** 62);
    for (const answer of await postBoth({ query: `{ task(id: "${id}") { state ttlSeconds expiresAt } }` })) {
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
    for (const answer of await postBoth({ query: `{ group(id: "${gid}") { id completed } }` })) {
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
