/**
 * Subscriptions that share one execution (task(id) over graphql-ws shares it
 * among the subscriptions with the same document, variables and scopes) are
 * still each governed by their own credential: a key without `payload`
 * gets FORBIDDEN where one with it gets the value, whoever subscribed first
 * and after the first one left.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { wsClient } from '../helpers/ws-client.ts';

const keys = { first: randomBytes(24), second: randomBytes(24), statusOnly: randomBytes(24) };
const sha = (key: Buffer) => createHash('sha256').update(key.toString('hex')).digest('hex');
const lens = useLens([
  '--auth',
  'true',
  '--api-keys',
  `first:${sha(keys.first)}:status+payload,second:${sha(keys.second)}:status+payload,status-only:${sha(keys.statusOnly)}:status`,
]);

const WATCH = `
  subscription CohortByCredential($id: ID!) {
    task(id: $id, untilReady: false) { id rawState meta }
  }
`;

interface Received {
  readonly data: { task: { rawState: string; meta: unknown } | null }[];
  readonly codes: string[];
}

function watch(client: Client, id: string): Received & { waitFor(count: number): Promise<void> } {
  const received: Received = { data: [], codes: [] };
  client.subscribe<{ task: { rawState: string; meta: unknown } | null }>(
    { query: WATCH, variables: { id } },
    {
      next: (result) => {
        if (result.data) received.data.push(result.data);
        for (const error of result.errors ?? []) received.codes.push(String(error.extensions?.code));
      },
      error: () => {},
      complete: () => {},
    },
  );
  const waitFor = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while (received.data.length < count) {
      if (Date.now() > deadline) throw new Error(`got ${received.data.length} of ${count} events`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return Object.assign(received, { waitFor });
}

const connect = (key: Buffer) => wsClient(lens.app.url, { apiKey: key.toString('hex') });

describe('shared task(id) executions and credentials', () => {
  it('each subscriber gets what its own key allows, whoever came first and after it left', async () => {
    const client = lens.redis.client();
    const id = await writeMeta(client, { status: 'PROGRESS', result: { current: 1 } });
    let first: Client | null = connect(keys.first);
    const second = connect(keys.second);
    const statusOnly = connect(keys.statusOnly);
    try {
      const byFirst = watch(first, id);
      await byFirst.waitFor(1);
      const bySecond = watch(second, id);
      const byStatusOnly = watch(statusOnly, id);
      await Promise.all([bySecond.waitFor(1), byStatusOnly.waitFor(1)]);

      await first.dispose();
      first = null;
      await writeMeta(client, { status: 'PROGRESS', result: { current: 2 } }, { id });
      await Promise.all([bySecond.waitFor(2), byStatusOnly.waitFor(2)]);

      const steps = [1, 2].map((current) => ({ task: { id, rawState: 'PROGRESS', meta: { current } } }));
      expect(byFirst.data[0]).toEqual(steps[0]);
      expect(bySecond).toMatchObject({ data: steps, codes: [] });
      expect(byStatusOnly.codes).toEqual(['FORBIDDEN', 'FORBIDDEN']);
      expect(byStatusOnly.data).toEqual(steps.map(({ task }) => ({ task: { ...task, meta: null } })));
    } finally {
      await first?.dispose();
      await second.dispose();
      await statusOnly.dispose();
    }
  });
});
