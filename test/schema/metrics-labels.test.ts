/**
 * What /metrics and the operation log make of documents and names clients
 * choose: all decided without reading Redis, on an app that has none.
 */
import { describe, expect, it } from 'vitest';
import { schemaApp } from '../helpers/app.ts';

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

/** A raw operation through yoga.fetch (names and documents the codegen cannot know). */
const post = async (
  app: { yoga: { fetch: (url: string, init: RequestInit) => Promise<Response> | Response } },
  query: string,
  operationName?: string,
) =>
  (
    await app.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, operationName }),
    })
  ).json();

describe('/metrics labels', () => {
  it('stay bounded whatever operation names and error paths clients choose', async () => {
    const app = schemaApp();
    try {
      const flood = async (from: number, count: number) => {
        for (let i = from; i < from + count; i += 100) {
          await Promise.all(
            Array.from({ length: 100 }, (_, j) =>
              post(app, `query Op${i + j} { alias${i + j}: task(id: "not-an-id") { state } }`),
            ),
          );
        }
      };
      // Past the names /metrics learns: from here on every new name is "other".
      await flood(0, 100);
      const before = (await (await app.yoga.fetch('http://yoga/metrics')).text()).length;
      await flood(100, 1500);
      const text = await (await app.yoga.fetch('http://yoga/metrics')).text();
      expect(text.length).toBeLessThan(before + 1000);
      expect(text).not.toMatch(/path="alias/);
      expect(text).toMatch(
        /graphql_envelop_request_duration_count\{operationName="other",operationType="query"\} 1550/,
      );
      expect(text).toMatch(/graphql_envelop_request_duration_count\{operationName="Op0",operationType="query"\} 1/);
      expect(text).toMatch(
        /graphql_envelop_error_result\{operationName="other",operationType="query",phase="execute"\} 1550/,
      );
    } finally {
      await app.stop();
    }
  }, 60_000);

  it('--metrics-operations names the operations labelled by name; the rest are "other"', async () => {
    const app = schemaApp(['--metrics-operations', 'Dashboard, Poller']);
    try {
      await post(app, 'query Dashboard { __typename }');
      await post(app, 'query Intruder { __typename }');
      const text = await (await app.yoga.fetch('http://yoga/metrics')).text();
      expect(text).toMatch(
        /graphql_envelop_request_count\{operationName="Dashboard",operationType="query"\} 1|graphql_envelop_request\{operationName="Dashboard",operationType="query"\} 1/,
      );
      expect(text).toMatch(/\{operationName="other",operationType="query"\} 1/);
      expect(text).not.toContain('Intruder');
    } finally {
      await app.stop();
    }
  });

  it('counts and logs documents that fail to parse or validate', async () => {
    const app = schemaApp();
    try {
      await post(app, '{ task(', 'Broken');
      await post(app, 'query Invalid { nope }');
      const text = await (await app.yoga.fetch('http://yoga/metrics')).text();
      expect(value(text, 'celery_lens_errors_total{code="GRAPHQL_PARSE_FAILED"}')).toBe(1);
      expect(value(text, 'celery_lens_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
      const lines = app.logs
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === 'operation');
      expect(lines).toEqual([
        expect.objectContaining({ level: 40, operation: 'Broken', errors: ['GRAPHQL_PARSE_FAILED'] }),
        expect.objectContaining({
          level: 40,
          operation: 'Invalid',
          type: 'query',
          errors: ['GRAPHQL_VALIDATION_FAILED'],
        }),
      ]);
    } finally {
      await app.stop();
    }
  });
});
