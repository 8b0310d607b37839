/**
 * awaitTask and taskCompleted(timeoutSeconds) refuse a bad timeout or id
 * before watching or reading anything, so the app here has no Redis. The
 * waits themselves are in test/integration/await.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REDIS, startApp } from '../helpers/app.ts';

let app: Awaited<ReturnType<typeof startApp>>;
beforeAll(async () => {
  app = await startApp(NO_REDIS, ['--max-await-seconds', '5', '--max-watches-per-connection', '3']);
});
afterAll(() => app?.stop());

const AWAIT =
  'query ($id: ID!, $timeoutSeconds: Int!) { awaitTask(id: $id, timeoutSeconds: $timeoutSeconds) { timedOut waitedMs task { id state result } } }';

async function awaitTask(variables: { id: string; timeoutSeconds: number }) {
  const response = await app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: AWAIT, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] };
}

describe('awaitTask', () => {
  it.each([0, -1, 6])('timeoutSeconds %i is INVALID_ARGUMENT, nothing watched', async (timeoutSeconds) => {
    const { data, errors } = await awaitTask({ id: randomUUID(), timeoutSeconds });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'timeoutSeconds' });
    expect(app.watcher.watchedCount).toBe(0);
  });

  it('a bad id is INVALID_TASK_ID', async () => {
    const { errors } = await awaitTask({ id: 'nope', timeoutSeconds: 1 });
    expect(errors?.[0]?.extensions?.code).toBe('INVALID_TASK_ID');
  });
});

describe('taskCompleted(timeoutSeconds)', () => {
  it('over SSE, with a bad timeout: INVALID_ARGUMENT', async () => {
    const query = `subscription { taskCompleted(id: "${randomUUID()}", timeoutSeconds: 0) { id } }`;
    const response = await fetch(`${app.url}?query=${encodeURIComponent(query)}`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(await response.text()).toContain('"code":"INVALID_ARGUMENT"');
  });
});
