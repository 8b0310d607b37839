/**
 * `workers` from real Celery 5.2.6 workers' heartbeats: what they report
 * (interval, load average, software, counts), and Celery's online rule for a
 * worker that says goodbye (warm shutdown) and one that dies without a word;
 * on a Redis broker and on a RabbitMQ one, with the same assertions.
 */
import { loadavg } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_SLACK_MS } from '../../src/read/worker-liveness.ts';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryEnv, type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { BROKER_KINDS, type TestBroker, testBroker } from '../helpers/test-broker.ts';
import { until } from '../helpers/until.ts';

const WorkerFields = graphql(`
  query WorkerFields {
    workers {
      hostname online lastSeen lastHeartbeat heartbeatExpires heartbeatIntervalSeconds
      active processed loadAverage software
    }
  }
`);

let redis: RedisServer;
let broker: TestBroker;
let app: Awaited<ReturnType<typeof startApp>>;
const workers: CeleryWorker[] = [];
const env = (): CeleryEnv => ({ brokerUrl: broker.url, backendUrl: redis.url(0) });

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

/** The worker's entry, found by its node name's prefix (the helper's name keeps Celery's `%h`). */
async function workerNamed(worker: CeleryWorker) {
  const prefix = `${worker.hostname.split('@')[0]}@`;
  const result = await execute(app, WorkerFields);
  expect(result.errors).toBeUndefined();
  return result.data!.workers.find((w) => w.hostname.startsWith(prefix)) ?? null;
}

async function started(queue: string): Promise<CeleryWorker> {
  const worker = await startWorker({ ...env(), queues: [queue], heartbeatInterval: 1 });
  workers.push(worker);
  await until(async () => (await workerNamed(worker))?.online === true, 15_000);
  return worker;
}

describe.each(BROKER_KINDS)('workers from real heartbeats on a %s broker', (kind) => {
  beforeAll(async () => {
    broker = await testBroker(kind, redis);
    app = await startApp(redis.url(0), ['--broker', broker.url]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await app?.stop();
    await broker?.dispose();
  });

  it('reports its interval, load average, software and counts, online while heartbeats come', async () => {
    const worker = await started('beats');
    const first = (await workerNamed(worker))!;
    expect(first).toMatchObject({ online: true, heartbeatIntervalSeconds: 1, software: 'py-celery 5.2.6', active: 0 });
    // Celery rounds os.getloadavg() up to hundredths; this host's averages move little in a few seconds (10 %, or 1 on an idle host).
    expect(first.loadAverage).toHaveLength(3);
    first.loadAverage!.forEach((load, index) =>
      expect(Math.abs(load - loadavg()[index]!)).toBeLessThan(Math.max(1, loadavg()[index]! / 10)),
    );
    // Celery's rule: online until two intervals after the heartbeat received last.
    // Two intervals (Celery's rule) and the slack LOST allows for late heartbeats: the same window.
    expect(Date.parse(first.heartbeatExpires!) - Date.parse(first.lastHeartbeat!)).toBe(2000 + HEARTBEAT_SLACK_MS);
    // Heartbeats keep coming, each one moving lastHeartbeat.
    await until(async () => (await workerNamed(worker))!.lastHeartbeat! > first.lastHeartbeat!, 5000);
    const [sent] = await celery<{ id: string }[]>('send', [{ task: 'add', args: [1, 2], queue: 'beats' }], env());
    await celery('wait', { ids: [sent!.id] }, env());
    await until(async () => (await workerNamed(worker))!.processed === 1, 5000);
  });

  it('offline at once after a warm shutdown (worker-offline), its last heartbeat kept', async () => {
    const worker = await started('leaving');
    const stopped = await worker.stop();
    await until(async () => (await workerNamed(worker))!.online === false, 5000);
    const gone = (await workerNamed(worker))!;
    // Offline by its goodbye, not by a heartbeat expiring (that one would still have an expiry time).
    const heard = app.consumer?.workers.get(gone.hostname);
    const why =
      `no worker-offline heard (last event: ${heard?.type} at ${heard?.at}); the worker stopped in ${stopped.ms} ms` +
      `${stopped.killed ? ', SIGKILLed' : ''}, its log ending:\n${worker.output().slice(-2000)}`;
    expect(gone.heartbeatExpires, why).toBeNull();
    expect(gone.lastHeartbeat).not.toBeNull();
  });

  it('offline two intervals after the last heartbeat when killed without a word', async () => {
    const worker = await started('crashing');
    await worker.kill();
    const killedAt = Date.now();
    const seen: boolean[] = [];
    await until(async () => {
      // Online means it was asked before its heartbeat expired (the answer itself may arrive later on a loaded machine).
      const asked = Date.now();
      const entry = (await workerNamed(worker))!;
      seen.push(entry.online);
      if (entry.online) expect(asked).toBeLessThan(Date.parse(entry.heartbeatExpires!) + 50);
      return !entry.online;
    }, 10_000);
    const dead = (await workerNamed(worker))!;
    // No goodbye: it went offline when its heartbeat expired, not at once.
    expect(dead.heartbeatExpires).not.toBeNull();
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(dead.heartbeatExpires!));
    expect(Date.parse(dead.heartbeatExpires!)).toBeGreaterThan(killedAt);
    expect(seen[0]).toBe(true);
  });
});
