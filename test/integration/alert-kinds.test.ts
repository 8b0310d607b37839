/**
 * The other alert kinds on one replica (queue_length, worker_offline,
 * no_events), the alerts subscription, a delivery taken over after its
 * claimer's lease ran out, and the rules file: a bad one refused at start
 * with a coded error, a bad reload keeping the rules in force.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAlertStore } from '../../src/alerts/alert-store.ts';
import { Deliverer } from '../../src/alerts/deliverer.ts';
import { parseAlertRules } from '../../src/alerts/alert-rules.ts';
import { AlertRulesError } from '../../src/errors/alert-rules-error.ts';
import { graphql } from '../gql/index.js';
import { buildApp, startApp } from '../helpers/app.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, freePort, startRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { type WebhookReceiver, startReceiver } from '../helpers/webhook-receiver.ts';
import { publishWorkerEvent } from '../helpers/worker-events.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';

const Rules = graphql(`
  query KindRules {
    alertRules { name kind state value threshold }
  }
`);
const Follow = graphql(`
  subscription FollowAlerts {
    alerts { id rule kind state value threshold }
  }
`);

const BIN = fileURLToPath(new URL('../../bin/celery-lens.mjs', import.meta.url));
const SECRET = 'a-secret-of-the-operator';
const children: ChildProcess[] = [];
const worker = `w-${randomUUID().slice(0, 8)}@batch`;
let redis: RedisServer;
let client: Redis;
let receiver: WebhookReceiver;
let dir: string;
let app: Awaited<ReturnType<typeof startApp>>;
const hook = (path: string) => ({ url: `${receiver.origin}${path}`, secret: SECRET });
const file = (name: string) => join(dir, name);
const rulesOf = (rules: unknown[]) => JSON.stringify({ rules });
const kinds = () => [
  { name: 'backlog', kind: 'queue_length', queue: 'celery', threshold: 2, webhook: hook('/backlog') },
  { name: 'batch-offline', kind: 'worker_offline', worker: '*@batch', webhook: hook('/offline') },
  { name: 'silence', kind: 'no_events', seconds: 1, webhook: hook('/silence') },
];
const states = async () =>
  Object.fromEntries((await execute(app, Rules)).data!.alertRules.map((rule) => [rule.name, rule.state]));

beforeAll(async () => {
  [redis, receiver] = await Promise.all([startRedis(), startReceiver()]);
  client = redis.client();
  dir = mkdtempSync(join(tmpdir(), 'lens-alert-kinds-'));
  writeFileSync(file('rules.json'), rulesOf(kinds()));
  app = await startApp(redis.url(), ['--alert-rules', file('rules.json'), '--alert-interval-ms', '100']);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await app?.stop();
  await receiver?.stop();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('alert kinds', () => {
  it('no_events fires after a silence and resolves when an event comes; the alerts subscription hears both', async () => {
    const ws = wsClient(app.url);
    try {
      const sub = subscribe(ws, Follow, {});
      await until(() => receiver.to('/silence').length >= 1, 15_000);
      await publishWorkerEvent(client, worker, 'worker-online');
      await until(() => receiver.to('/silence').length >= 2, 15_000);
      expect(receiver.to('/silence').map((r) => JSON.parse(r.body).state)).toEqual(['firing', 'resolved']);
      // The subscription may have started after the firing; it hears the resolution at least.
      await until(() =>
        sub.events.some((event) => event.alerts.rule === 'silence' && event.alerts.state === 'RESOLVED'),
      );
      expect(sub.events.find((event) => event.alerts.state === 'RESOLVED')!.alerts).toMatchObject({
        kind: 'NO_EVENTS',
        threshold: 1,
      });
      sub.stop();
    } finally {
      await ws.dispose();
    }
  });

  it('worker_offline counts the workers of its pattern that are gone', async () => {
    await publishWorkerEvent(client, worker, 'worker-heartbeat');
    await until(async () => (await states())['batch-offline'] === 'OK');
    await publishWorkerEvent(client, 'other@web', 'worker-offline');
    await publishWorkerEvent(client, worker, 'worker-offline');
    await until(() => receiver.to('/offline').length >= 1, 15_000);
    expect(JSON.parse(receiver.to('/offline')[0]!.body)).toMatchObject({ state: 'firing', value: 1, threshold: 1 });
    expect(JSON.parse(receiver.to('/offline')[0]!.body).text).toContain('1 worker matching *@batch offline');
  });

  it('queue_length fires at its threshold and resolves when the queue drains', async () => {
    await client.lpush('celery', 'one', 'two');
    await until(() => receiver.to('/backlog').length >= 1, 15_000);
    expect(JSON.parse(receiver.to('/backlog')[0]!.body)).toMatchObject({ state: 'firing', value: 2, threshold: 2 });
    await client.del('celery');
    await until(() => receiver.to('/backlog').length >= 2, 15_000);
    expect(JSON.parse(receiver.to('/backlog')[1]!.body)).toMatchObject({ state: 'resolved', value: 0 });
  });
});

describe('a delivery whose claimer died', () => {
  it('is taken over once the lease runs out, and delivered once', async () => {
    const store = new RedisAlertStore(client, redis.client(), `test-${randomUUID()}:{alerts}:`);
    const set = parseAlertRules('inline', {
      rules: [{ name: 'r', kind: 'no_events', seconds: 1, webhook: hook('/takeover') }],
    });
    expect(await store.lead('leader', 10_000)).toBe(true);
    const payload = JSON.stringify({ rule: 'r', state: 'firing', text: 'composed by the recorder' });
    const observation = { rule: 'r', kind: 'no_events', firing: true, value: 5, threshold: 1, at: Date.now(), payload };
    const transition = await store.record('leader', observation);
    expect(transition).toMatchObject({ rule: 'r', state: 'firing' });
    // A replica claims it and dies before posting.
    const claimed = await store.claim('dead-replica', 600);
    expect(claimed).toMatchObject({ attempt: 1 });
    const claimedAt = Date.now();
    const reports: string[] = [];
    const deliverer = new Deliverer(
      store,
      () => set,
      () => 'http://lens/alerts',
      (r) => reports.push(r.outcome),
      {
        timeoutMs: 2000,
        attempts: 3,
        retryBaseMs: 100,
        pollMs: 50,
      },
    );
    deliverer.start();
    try {
      await until(() => receiver.to('/takeover').length >= 1);
      expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(550);
      expect(receiver.to('/takeover')[0]!.headers).toMatchObject({
        'x-celery-lens-delivery': transition!.id,
        'x-celery-lens-attempt': '2',
      });
      // The body recorded with the transition, signed by the replica that posts it.
      expect(receiver.to('/takeover')[0]!.body).toBe(payload);
      await until(() => reports.length === 1);
      // The dead replica's lease is gone: its late settle changes nothing.
      expect(await store.settle(claimed!, 'done')).toBe(false);
      expect(await store.claim('anyone', 600)).toBeNull();
      expect(reports).toEqual(['delivered']);
    } finally {
      await deliverer.stop();
    }
  });
});

describe('the evaluation lease', () => {
  it('is taken over once a dead holder’s lease runs out', async () => {
    const engine = app.alerts.engine!;
    await until(() => engine.leading);
    // Another replica takes the lease (as if this one had paused) and dies holding it.
    const takenAt = Date.now();
    await client.set('celery-lens:{alerts}:leader', 'a-dead-replica', 'PX', 700);
    await until(() => !engine.leading);
    await until(() => engine.leading);
    expect(Date.now() - takenAt).toBeGreaterThanOrEqual(690);
    expect(await client.get('celery-lens:{alerts}:leader')).toBe(engine.token);
  });
});

describe('the rules file', () => {
  it('a bad file at start is a coded error naming the field', () => {
    writeFileSync(file('bad.json'), rulesOf([{ ...kinds()[0], threshold: -1 }]));
    expect(() => buildApp(redis.url(), ['--alert-rules', file('bad.json')])).toThrow(AlertRulesError);
    expect(() => buildApp(redis.url(), ['--alert-rules', file('bad.json')])).toThrow(
      /ALERT_RULES_INVALID: rules\[0\]\.threshold must be a number above 0/,
    );
    expect(() => buildApp(redis.url(), ['--alert-rules', file('missing.json')])).toThrow(/ALERT_RULES_UNREADABLE/);
    const failures = { name: 'f', kind: 'failures', windowSeconds: 60, threshold: 1, webhook: hook('/f') };
    writeFileSync(file('index.json'), rulesOf([kinds()[0], failures]));
    expect(() => buildApp(redis.url(), ['--alert-rules', file('index.json'), '--index', 'false'])).toThrow(
      /rules\[1\]\.kind failures counts tasks in the task index, which --index false turns off/,
    );
    writeFileSync(file('queue.json'), rulesOf([{ ...kinds()[0], queue: 'nowhere' }]));
    expect(() => buildApp(redis.url(), ['--alert-rules', file('queue.json')])).toThrow(
      /rules\[0\]\.queue "nowhere" is not one of --queues/,
    );
  });

  it('a bad reload keeps the rules in force and says why; a good one replaces them', async () => {
    writeFileSync(file('rules.json'), '{"rules": [');
    expect(app.alerts.reload()).toBe(false);
    expect(app.logs.some((line) => line.includes('NOT reloaded') && line.includes('ALERT_RULES_NOT_JSON'))).toBe(true);
    expect(Object.keys(await states())).toEqual(['backlog', 'batch-offline', 'silence']);
    writeFileSync(file('rules.json'), rulesOf(kinds().slice(0, 1)));
    expect(app.alerts.reload()).toBe(true);
    expect(Object.keys(await states())).toEqual(['backlog']);
  });

  it('the command: exit 2 and one coded line for a bad file; SIGHUP reloads, keeping the rules when the file is bad', async () => {
    writeFileSync(file('bad-start.json'), rulesOf([{ ...kinds()[0], threshold: -1 }]));
    const bad = spawnSync(process.execPath, [BIN, '--backend', redis.url(), '--alert-rules', file('bad-start.json')], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(
      /^celery-lens: --alert-rules .*bad-start\.json: ALERT_RULES_INVALID: rules\[0\]\.threshold /,
    );

    writeFileSync(file('served.json'), rulesOf(kinds()));
    const port = await freePort();
    const args = ['--backend', redis.url(), '--port', String(port), '--alert-rules', file('served.json')];
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const url = `http://127.0.0.1:${port}/graphql`;
    const names = async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ alertRules { name } }' }),
      });
      const body = (await response.json()) as { data: { alertRules: { name: string }[] } };
      return body.data.alertRules.map((rule) => rule.name);
    };
    await until(async () => (await fetch(url.replace('/graphql', '/readyz')).catch(() => null))?.ok === true, 20_000);
    writeFileSync(file('served.json'), rulesOf([{ ...kinds()[1], worker: 7 }]));
    child.kill('SIGHUP');
    // A loaded machine (other test files starting processes) may take a while to run the handler.
    await until(() => stdout.includes('NOT reloaded'), 20_000);
    expect(stdout).toContain('"field":"rules[0].worker"');
    expect(await names()).toEqual(['backlog', 'batch-offline', 'silence']);
    writeFileSync(file('served.json'), rulesOf(kinds().slice(2)));
    child.kill('SIGHUP');
    await until(async () => (await names()).join() === 'silence', 20_000);
    expect(stdout).toContain('alert rules reloaded');
    child.kill('SIGTERM');
  });
});
