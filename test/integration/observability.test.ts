import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { publishEvents, writeMeta } from '../helpers/celery-meta.ts';
import { startApp } from '../helpers/app.ts';
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
    // A GET carries its operation in the URL: the label is the path alone.
    await lens.app.yoga.fetch(`http://yoga/graphql?query=${encodeURIComponent('{ __typename }')}`);
    const client = wsClient(lens.app.url);
    try {
      const sub = subscribe(client, Watch, { id: randomUUID() });
      await sub.waitFor(1);
      const text = await metrics();
      expect(text).toMatch(/^graphql_envelop_request_duration_bucket\{.*operationName="Secret".*\} \d+/m);
      expect(text).toMatch(
        /^graphql_yoga_http_duration_bucket\{.*operationName="Secret".*method="POST",statusCode="200",url="\/graphql".*\} \d+/m,
      );
      expect(text).toMatch(/^graphql_yoga_http_duration_count\{.*method="GET",statusCode="200",url="\/graphql"\} 1$/m);
      expect(text).not.toContain('__typename');
      expect(value(text, 'celery_lens_errors_total{code="INVALID_TASK_ID"}')).toBe(1);
      expect(value(text, 'celery_lens_redis_round_trip_seconds_count')).toBeGreaterThan(0);
      expect(value(text, 'celery_lens_task_watchers')).toBe(1);
      // Consuming, the process hears states on the consumer's pattern: no task channel of its own.
      expect(value(text, 'celery_lens_subscribed_task_channels')).toBe(0);
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
      status: 'SUCCESS',
      result: 'secret-result-value',
      args: ['secret-arg-value'],
      kwargs: { token: 'secret-kwarg-value' },
    });
    const { data } = await execute(lens.app, Secret, { id });
    expect(data?.task?.result).toBe('secret-result-value');
    await execute(lens.app, Secret, { id: 'bad' });
    const lines = lens.app.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'operation');
    expect(lines.at(-2)).toMatchObject({
      operation: 'Secret',
      type: 'query',
      errors: [],
      durationMs: expect.any(Number),
    });
    expect(lines.at(-1)).toMatchObject({ operation: 'Secret', type: 'query', errors: ['INVALID_TASK_ID'] });
    expect(lens.app.logs.join('\n')).not.toMatch(/secret-(result|arg|kwarg)-value/);
  });
});

// /metrics labels and the log of documents that fail to parse or validate: test/schema/metrics-labels.test.ts.

describe('event consumer failures', () => {
  const failures = (app: { logs: string[] }) =>
    app.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'event consumer failure');

  it('are logged: a PSUBSCRIBE the ACL refuses (NOPERM)', async () => {
    const password = randomUUID();
    // A wrong ACL an operator could write: every key and command, no channels.
    await lens.redis
      .client()
      .call('ACL', 'SETUSER', 'no-channels', 'reset', 'on', `>${password}`, '~*', '+@all', 'resetchannels');
    const deaf = await startApp(`redis://no-channels:${password}@127.0.0.1:${lens.redis.port}/0`);
    try {
      await until(() => failures(deaf).length > 0);
      expect(failures(deaf)[0]).toMatchObject({
        level: 50,
        what: 'subscribe',
        reason: expect.stringContaining('NOPERM'),
      });
    } finally {
      await deaf.stop();
    }
  });

  it('are logged: writes the ACL refuses (NOPERM), after the retries', async () => {
    const password = randomUUID();
    // Another wrong ACL: keys read-only, so celery-lens cannot record what it hears.
    await lens.redis
      .client()
      .call('ACL', 'SETUSER', 'read-only', 'reset', 'on', `>${password}`, '%R~*', '+@all', 'allchannels');
    const mute = await startApp(`redis://read-only:${password}@127.0.0.1:${lens.redis.port}/0`);
    try {
      // Published until one is heard: nothing tells when its PSUBSCRIBE is in place (NUMPAT counts unique patterns).
      let polls = 0;
      await until(async () => {
        if (polls++ % 10 === 0) await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 1 });
        return failures(mute).length > 0;
      });
      expect(failures(mute)[0]).toMatchObject({
        level: 50,
        what: 'record',
        reason: expect.stringContaining('NOPERM'),
        failed: expect.any(Number),
      });
    } finally {
      await mute.stop();
    }
  });

  it('are logged: a published meta it cannot decode, once however often it comes', async () => {
    const id = randomUUID();
    for (let i = 0; i < 5; i += 1) await lens.redis.client().publish(`celery-task-meta-${id}`, '\x80\x04pickled');
    await until(() => failures(lens.app).length > 0);
    await until(async () => value(await metrics(), 'celery_lens_consumed_messages_total{result="failed"}') === 5);
    expect(failures(lens.app)).toEqual([
      expect.objectContaining({ level: 50, what: 'decode', failed: expect.any(Number) }),
    ]);
  });

  it('are logged: an event message of more events than a worker batches is refused whole, nothing of it recorded', async () => {
    const app = await startApp(lens.redis.url());
    try {
      const redis = lens.redis.client();
      const at = Date.now() / 1000;
      const event = (uuid: string) => ({
        type: 'task-received',
        uuid,
        hostname: 'w@vm',
        timestamp: at,
        name: 'lens.add',
      });
      // Heard once a few ordinary events were recorded: its PSUBSCRIBE is in place.
      const probe = randomUUID();
      await until(async () => {
        await publishEvents(redis, 0, [event(probe)]);
        return (await redis.exists(`celery-lens:t:${probe}`)) === 1;
      });
      // Celery flushes at 24 events; 5,000 (1.2 MB) took the process seconds and hundreds of MB to record.
      const ids = Array.from({ length: 5000 }, () => randomUUID());
      await publishEvents(redis, 0, ids.map(event));
      await until(() => failures(app).some((line) => line.what === 'decode'));
      expect(failures(app)).toEqual([
        expect.objectContaining({ level: 50, what: 'decode', reason: expect.stringContaining('5000 events') }),
      ]);
      expect(await redis.exists(...ids.slice(0, 100).map((id) => `celery-lens:t:${id}`))).toBe(0);
    } finally {
      await app.stop();
    }
  });
});
