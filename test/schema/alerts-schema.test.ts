/**
 * alertRules and alerts without a Redis: no rules answers [] without a read;
 * the log answers BACKEND_UNAVAILABLE, never an empty history; bad arguments
 * are coded before anything is read.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { schemaApp } from '../helpers/app.ts';

const app = schemaApp();
afterAll(() => app.stop());

async function post(query: string) {
  const response = await app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
}

describe('alerts in the schema', () => {
  it('alertRules without --alert-rules is empty, read from nowhere', async () => {
    expect(await post('{ alertRules { name } }')).toEqual({ data: { alertRules: [] } });
  });

  it('the log answers BACKEND_UNAVAILABLE when Redis is away', async () => {
    const body = await post('{ alerts(first: 5) { totalCount } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
  });

  it.each([
    ['{ alerts(first: 501) { totalCount } }', 'INVALID_ARGUMENT'],
    ['{ alerts(after: "not-a-cursor") { totalCount } }', 'INVALID_CURSOR'],
  ])('%s is %s before any read', async (query, code) => {
    // A read would have failed first, BACKEND_UNAVAILABLE: this app has no Redis.
    const body = await post(query);
    expect(body.errors?.[0]?.extensions?.code).toBe(code);
  });
});
