/**
 * Query limits (depth, complexity, aliases, directives, tokens, ids) refuse a
 * document before it runs: these need no Redis, and prove it by asking an app
 * that has none (a read would answer BACKEND_UNAVAILABLE and count a round trip).
 * That the same limits let ordinary documents through, with data, is in
 * test/integration/graph.test.ts ('query limits').
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaApp } from '../helpers/app.ts';

const app = schemaApp();
afterAll(() => app.stop());

interface Answer {
  data?: unknown;
  errors?: { extensions: Record<string, unknown> }[];
}

async function post(query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
}

describe('query limits', () => {
  it('answers QUERY_TOO_COMPLEX for a query deeper than --max-depth, before touching Redis', async () => {
    const deep = `{ task(id: "${randomUUID()}") { ${'parent { '.repeat(20)}id${' }'.repeat(20)} } }`;
    const before = app.backend.roundTrips;
    const body = await post(deep);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'depth', limit: 15 });
    expect(app.backend.roundTrips).toBe(before);
  });

  it('counts a taskGraph as a list of --max-graph-nodes / 10 nodes: aliases cannot multiply whole-graph walks', async () => {
    const root = randomUUID();
    const graph = (alias: string) =>
      `${alias}: taskGraph(rootId: "${root}") { nodes { id task { id state status } } edges { from to } }`;
    const before = app.backend.roundTrips;
    const many = await post(`{ ${Array.from({ length: 29 }, (_, i) => graph(`g${i}`)).join(' ')} }`);
    expect(many.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'complexity' });
    expect(app.backend.roundTrips).toBe(before);
  });

  it.each([
    [
      'aliases',
      `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: backend { up }`).join(' ')} }`,
      { measure: 'maxAliases', limit: 30 },
    ],
    [
      'directives',
      `{ backend { ${Array.from({ length: 21 }, () => 'up @include(if: true)').join(' ')} } }`,
      { measure: 'maxDirectives', limit: 20 },
    ],
    [
      'tokens',
      `{ tasks(ids: [${Array.from({ length: 2100 }, () => `"${randomUUID()}"`).join(',')}]) { id } }`,
      { measure: 'maxTokens', limit: 2000 },
    ],
  ])('answers QUERY_TOO_COMPLEX for too many %s, before touching Redis', async (_name, query, extensions) => {
    const before = app.backend.roundTrips;
    const body = await post(query);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', ...extensions });
    expect(app.backend.roundTrips).toBe(before);
  });

  it('counts tasks(ids) by the number of ids', async () => {
    // 53 per task: 20 fields, children (1 + 10 × 2), error (1 + 5), parent (1 + 2), group (1 + 2).
    const query = `query ($ids: [ID!]!) { tasks(ids: $ids) { id state rawState result meta name args kwargs worker queue retries
      dateDone expiresAt ttlSeconds parentId groupId exists ready successful failed children { id state }
      error { type message module args traceback } parent { id state } group { id size } } }`;
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    expect((await post(query, { ids })).errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      measure: 'complexity',
      value: 53001,
      limit: 50000,
    });
  });

  it('answers TOO_MANY_IDS past the limit', async () => {
    const ids = Array.from({ length: 1001 }, () => randomUUID());
    const { data, errors } = await post('query ($ids: [ID!]!) { tasks(ids: $ids) { id state exists } }', { ids });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_IDS', count: 1001, limit: 1000 });
  });
});
