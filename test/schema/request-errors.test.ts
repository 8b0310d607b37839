/**
 * Requests that cannot run answer a coded error, HTTP 400 and no data, on the
 * JSON fast path (a real port) and through Yoga alike. All of it is decided
 * before anything reads Redis, so the app here has none. Stored oddities and
 * that a document under the limits runs: test/integration/error-codes.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REDIS, startApp } from '../helpers/app.ts';
import { type Answer, postBoth, summary } from '../helpers/post-both.ts';

const lens = {} as { app: Awaited<ReturnType<typeof startApp>> };
beforeAll(async () => {
  lens.app = await startApp(NO_REDIS, ['--max-depth', '6', '--max-complexity', '200']);
});
afterAll(() => lens.app?.stop());

/** The same POST through the fast path (a real port) and through yoga.fetch. */

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
    for (const answer of await postBoth(lens.app, { query, variables })) {
      expect(summary(answer)).toEqual({ status: 400, data: undefined, codes: ['BAD_USER_INPUT'] });
    }
  });

  it('a query deeper than --max-depth or costlier than --max-complexity is QUERY_TOO_COMPLEX before it runs', async () => {
    const before = lens.app.backend.roundTrips;
    const deep = `{ task(id: "${randomUUID()}") { ${'parent { '.repeat(6)}id${' }'.repeat(6)} } }`;
    const costly = `query ($ids: [ID!]!) { tasks(ids: $ids) { id state children { id } } }`;
    for (const answer of await postBoth(lens.app, { query: deep })) {
      expect(summary(answer)).toEqual({ status: 400, data: undefined, codes: ['QUERY_TOO_COMPLEX'] });
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ measure: 'depth', value: 8, limit: 6 });
    }
    for (const answer of await postBoth(lens.app, {
      query: costly,
      variables: { ids: Array.from({ length: 20 }, () => randomUUID()) },
    })) {
      expect(summary(answer)).toEqual({ status: 400, data: undefined, codes: ['QUERY_TOO_COMPLEX'] });
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ measure: 'complexity', limit: 200 });
    }
    expect(lens.app.backend.roundTrips).toBe(before);
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
