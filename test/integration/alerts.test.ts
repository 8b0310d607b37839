/**
 * Alerts with two replicas sharing one rules file and one Redis, against a
 * real HTTP receiver: a failures rule fires once and resolves once (signed),
 * a LOST task fires its rule, alertRules and alerts answer on either
 * replica, a 500 is retried, a redirect to another host is not followed.
 * Failures are written with date_done 16 s in the past, so the 20 s window
 * passes in seconds (dates relative to now, no fixed sleep).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { celeryDate } from '../helpers/clock.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { type ReceivedRequest, type WebhookReceiver, startReceiver } from '../helpers/webhook-receiver.ts';
import { publishWorkerEvent } from '../helpers/worker-events.ts';

const AlertRules = graphql(`
  query AlertRules {
    alertRules { name kind state value threshold since }
  }
`);
const AlertLog = graphql(`
  query AlertLog($first: Int, $after: String) {
    alerts(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id rule kind state at value threshold startedAt } }
    }
  }
`);

const SECRET = `s3cret-${randomUUID()}`;
const names = {
  failing: `lens.charge-${randomUUID().slice(0, 8)}`,
  flaky: `lens.flaky-${randomUUID().slice(0, 8)}`,
  moved: `lens.moved-${randomUUID().slice(0, 8)}`,
};
let redis: RedisServer;
let client: Redis;
let receiver: WebhookReceiver;
/** Another host (localhost, not 127.0.0.1, on its own port) a redirect points to. */
let elsewhere: WebhookReceiver;
let dir: string;
let replicas: Awaited<ReturnType<typeof startApp>>[] = [];

const hook = (path: string) => ({ url: `${receiver.origin}${path}`, secret: SECRET });
const failed = (name: string, agoMs: number) =>
  writeMeta(client, {
    status: 'FAILURE',
    result: { exc_type: 'CardError', exc_message: ['declined'], exc_module: 'proj.errors' },
    date_done: celeryDate(Date.now() - agoMs),
    name,
  });
const bodyOf = (request: ReceivedRequest) => JSON.parse(request.body) as Record<string, unknown>;

beforeAll(async () => {
  [redis, receiver, elsewhere] = await Promise.all([startRedis(), startReceiver(), startReceiver('localhost')]);
  client = redis.client();
  dir = mkdtempSync(join(tmpdir(), 'lens-alerts-'));
  const rules = {
    rules: [
      {
        name: 'charges-failing',
        kind: 'failures',
        task: names.failing,
        exceptionType: 'CardError',
        windowSeconds: 20,
        threshold: 3,
        webhook: hook('/failures'),
      },
      { name: 'tasks-lost', kind: 'lost', windowSeconds: 60, webhook: hook('/lost') },
      {
        name: 'flaky-receiver',
        kind: 'failures',
        task: names.flaky,
        windowSeconds: 60,
        threshold: 1,
        webhook: hook('/flaky'),
      },
      {
        name: 'moved-receiver',
        kind: 'failures',
        task: names.moved,
        windowSeconds: 60,
        threshold: 1,
        webhook: hook('/moved'),
      },
    ],
  };
  writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules));
  const flags = ['--alert-rules', join(dir, 'rules.json'), '--alert-interval-ms', '100', '--alert-retry-ms', '200'];
  replicas = await Promise.all([startApp(redis.url(), flags), startApp(redis.url(), flags)]);
});
afterAll(async () => {
  for (const replica of replicas) await replica.stop();
  await Promise.all([receiver?.stop(), elsewhere?.stop()]);
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The stored state of a rule, as the replicas share it. */
const stored = async (rule: string) =>
  JSON.parse((await client.hget('celery-lens:{alerts}:state', rule)) ?? 'null') as { state: string; at: number } | null;

describe('alerts with two replicas on one Redis', () => {
  it('three failures within the 20 s window: exactly one signed firing POST, and one resolved once the window passes', async () => {
    for (let n = 0; n < 3; n += 1) await failed(names.failing, 16_000);
    await until(() => receiver.to('/failures').length >= 1, 15_000);
    const [firing] = receiver.to('/failures');
    expect(firing!.headers['x-celery-lens-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(firing!.body).digest('hex')}`,
    );
    expect(firing!.headers['content-type']).toBe('application/json');
    const body = bodyOf(firing!);
    expect(Object.keys(body)).toEqual(['rule', 'state', 'value', 'threshold', 'startedAt', 'text', 'link']);
    expect(body).toMatchObject({ rule: 'charges-failing', state: 'firing', value: 3, threshold: 3 });
    expect(Math.abs(Date.parse(body.startedAt as string) - Date.now())).toBeLessThan(10_000);
    expect(body.text).toMatch(
      /^\[celery-lens\] FIRING charges-failing: 3 failures of lens\.charge-.* \(CardError\) in the last 20 s/,
    );
    expect(body.link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/alerts\?rule=charges-failing$/);

    // The failures leave the window about 4 s after they were written.
    await until(() => receiver.to('/failures').length >= 2, 15_000);
    const resolved = bodyOf(receiver.to('/failures')[1]!);
    // Resolved as soon as one of the three leaves the window: fewer than 3 then.
    expect(resolved).toMatchObject({
      rule: 'charges-failing',
      state: 'resolved',
      threshold: 3,
      startedAt: body.startedAt,
    });
    expect(resolved.value).toBeLessThan(3);
    expect(resolved.text).toMatch(
      /^\[celery-lens\] RESOLVED charges-failing: [0-2] failures? of .* after \d+ s firing\./,
    );
    // Several more evaluations, on whichever replica leads: still exactly one of each.
    const resolvedAt = Date.now();
    await until(async () => ((await stored('charges-failing'))?.at ?? 0) > resolvedAt + 1000);
    expect(receiver.to('/failures').map((request) => bodyOf(request).state)).toEqual(['firing', 'resolved']);
    const ids = receiver.to('/failures').map((request) => request.headers['x-celery-lens-delivery']);
    expect(new Set(ids).size).toBe(2);
  });

  it('answers alertRules and alerts on either replica, with the same states and log', async () => {
    await until(() => receiver.to('/failures').length >= 2, 20_000);
    const answers = await Promise.all(replicas.map((replica) => execute(replica, AlertRules)));
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.alertRules.map((rule) => rule.name)).toEqual([
        'charges-failing',
        'tasks-lost',
        'flaky-receiver',
        'moved-receiver',
      ]);
      expect(answer.data!.alertRules[0]).toMatchObject({ kind: 'FAILURES', state: 'OK', threshold: 3 });
      expect(answer.data!.alertRules[0]!.value).toBeLessThan(3);
    }
    const logs = await Promise.all(replicas.map((replica) => execute(replica, AlertLog, { first: 50 })));
    expect(logs[0]!.data).toEqual(logs[1]!.data);
    const charges = logs[0]!.data!.alerts.edges.filter((edge) => edge.node.rule === 'charges-failing');
    expect(charges.map((edge) => edge.node.state)).toEqual(['RESOLVED', 'FIRING']);
    expect(charges[0]!.node).toMatchObject({ threshold: 3, startedAt: charges[1]!.node.at });
    expect(charges[1]!.node).toMatchObject({ value: 3, threshold: 3 });
    // Paging by cursor, one at a time, gives the same log.
    const first = await execute(replicas[1]!, AlertLog, { first: 1 });
    const next = await execute(replicas[0]!, AlertLog, { first: 1, after: first.data!.alerts.pageInfo.endCursor });
    expect(next.data!.alerts.edges[0]!.node.id).toBe(logs[0]!.data!.alerts.edges[1]!.node.id);
    const bad = await execute(replicas[0]!, AlertLog, { first: 1, after: 'nonsense' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
  });

  it('a LOST task fires its rule', async () => {
    const worker = `w-${randomUUID().slice(0, 8)}@host`;
    await publishWorkerEvent(client, worker, 'worker-online');
    await writeMeta(client, { status: 'STARTED', result: { pid: 1, hostname: worker }, worker, name: 'lens.sleep' });
    await until(async () => {
      const counts = await client.hlen('celery-lens:{ix}:rec');
      return counts > 0 && (await stored('tasks-lost'))?.state === 'ok';
    });
    expect(receiver.to('/lost')).toEqual([]);
    await publishWorkerEvent(client, worker, 'worker-offline');
    await until(() => receiver.to('/lost').length >= 1, 15_000);
    expect(bodyOf(receiver.to('/lost')[0]!)).toMatchObject({
      rule: 'tasks-lost',
      state: 'firing',
      value: 1,
      threshold: 1,
    });
    expect(bodyOf(receiver.to('/lost')[0]!).text).toMatch(/FIRING tasks-lost: 1 task LOST in the last 60 s/);
  });

  it('retries a receiver that answers 500, then 200; counted in /metrics', async () => {
    receiver.answer('/flaky', (request, response) => response.writeHead(request.seen === 0 ? 500 : 200).end());
    await failed(names.flaky, 0);
    await until(() => receiver.to('/flaky').length >= 2, 15_000);
    const tries = receiver.to('/flaky');
    expect(tries.map((request) => request.headers['x-celery-lens-attempt'])).toEqual(['1', '2']);
    expect(tries[0]!.headers['x-celery-lens-delivery']).toBe(tries[1]!.headers['x-celery-lens-delivery']);
    expect(tries[0]!.body).toBe(tries[1]!.body);
    // Counted by whichever replica made each try: summed over both.
    const total = async (outcome: string) => {
      const texts = await Promise.all(replicas.map(async (r) => (await fetch(new URL('/metrics', r.url))).text()));
      const pattern = new RegExp(`celery_lens_alert_deliveries_total\\{outcome="${outcome}"\\} (\\d+)`);
      return texts.reduce((sum, text) => sum + Number(pattern.exec(text)?.[1] ?? 0), 0);
    };
    await until(async () => (await total('retry')) >= 1 && (await total('delivered')) >= 4);
    const logs = replicas.flatMap((replica) => replica.logs).filter((line) => line.includes('flaky-receiver'));
    expect(logs.some((line) => line.includes('will retry') && line.includes('answered 500'))).toBe(true);
  });

  it('does not follow a redirect to another host', async () => {
    receiver.answer('/moved', (_request, response) =>
      response.writeHead(307, { location: `${elsewhere.origin}/stolen` }).end(),
    );
    await failed(names.moved, 0);
    await until(
      () =>
        replicas.some((replica) =>
          replica.logs.some((line) => line.includes('moved-receiver') && line.includes('not retried')),
        ),
      15_000,
    );
    expect(receiver.to('/moved')).toHaveLength(1);
    expect(elsewhere.requests).toEqual([]);
    const line = replicas
      .flatMap((replica) => replica.logs)
      .find((l) => l.includes('moved-receiver') && l.includes('not retried'));
    expect(line).toContain('another host, not followed');
  });
});
