import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';

const Secret = graphql(`
  query Secret($id: ID!) {
    task(id: $id) { state result args kwargs }
  }
`);
const Watch = graphql(`
  subscription WatchForMetrics($id: ID!) {
    task(id: $id, untilReady: false) { state }
  }
`);

const lens = useLens();
const metrics = async () => (await lens.app.yoga.fetch('http://yoga/metrics')).text();
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('/metrics', () => {
  it('counts requests, errors by code, Redis round trips and live subscriptions', async () => {
    await execute(lens.app, Secret, { id: randomUUID() });
    await execute(lens.app, Secret, { id: 'not-an-id' });
    const client = wsClient(lens.app.url);
    try {
      const sub = subscribe(client, Watch, { id: randomUUID() });
      await sub.waitFor(1);
      const text = await metrics();
      expect(text).toMatch(/^graphql_envelop_request_duration_bucket\{.*operationName="Secret".*\} \d+/m);
      expect(value(text, 'celery_lens_errors_total{code="INVALID_TASK_ID"}')).toBe(1);
      expect(value(text, 'celery_lens_redis_round_trip_seconds_count')).toBeGreaterThan(0);
      expect(value(text, 'celery_lens_task_watchers')).toBe(1);
      expect(value(text, 'celery_lens_subscribed_task_channels')).toBe(1);
      expect(value(text, 'celery_lens_consumed_messages_total{result="failed"}')).toBe(0);
    } finally {
      await client.dispose();
    }
    await until(async () => value(await metrics(), 'celery_lens_task_watchers') === 0);
  });
});

describe('logs', () => {
  it('one JSON line per operation: name, type, duration, error codes; never results or args', async () => {
    const id = await writeMeta(lens.redis.client(), {
      status: 'SUCCESS', result: 'secret-result-value', args: ['secret-arg-value'], kwargs: { token: 'secret-kwarg-value' },
    });
    const { data } = await execute(lens.app, Secret, { id });
    expect(data?.task?.result).toBe('secret-result-value');
    await execute(lens.app, Secret, { id: 'bad' });
    const lines = lens.app.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'operation');
    expect(lines.at(-2)).toMatchObject({ operation: 'Secret', type: 'query', errors: [], durationMs: expect.any(Number) });
    expect(lines.at(-1)).toMatchObject({ operation: 'Secret', type: 'query', errors: ['INVALID_TASK_ID'] });
    expect(lens.app.logs.join('\n')).not.toMatch(/secret-(result|arg|kwarg)-value/);
  });
});
