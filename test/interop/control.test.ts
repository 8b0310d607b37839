/**
 * Acting on tasks against a real Celery 5.2.6 prefork worker: what
 * celery-lens sends must be what Celery's own client sends (compared byte for
 * byte where the bytes are not random), and workers must act on it; sends,
 * revokes and re-sends on a Redis broker and on a RabbitMQ one alike.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type DocumentNode, print } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aclRule } from '../../src/redis/acl.ts';
import { MAX_ARGUMENT_DEPTH } from '../../src/celery/outgoing-messages.ts';
import { loadConfig } from '../../src/config/config.ts';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { type CeleryWorker, celery, ensureCelery, startWorker } from '../helpers/celery.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { BROKER_KINDS, type BrokerKind, testBroker } from '../helpers/test-broker.ts';
import { until } from '../helpers/until.ts';

const Send = graphql(`
  mutation ControlSend($name: String!, $args: JSON, $kwargs: JSON, $queue: String, $countdown: Int, $eta: DateTime, $expires: DateTime, $priority: Int, $id: ID) {
    sendTask(name: $name, args: $args, kwargs: $kwargs, queue: $queue, countdown: $countdown, eta: $eta, expires: $expires, priority: $priority, id: $id) { id status }
  }
`);
const Revoke = graphql(`
  mutation ControlRevoke($id: ID!, $terminate: Boolean! = false, $signal: String! = "SIGTERM") {
    revokeTask(id: $id, terminate: $terminate, signal: $signal) { id }
  }
`);
const RevokeMany = graphql(`
  mutation ControlRevokeMany($ids: [ID!]!) { revokeTasks(ids: $ids) { id } }
`);
const Resend = graphql(`
  mutation ControlResend($id: ID!) { resendTask(id: $id) { id resentFrom { id } } }
`);
const Look = graphql(`
  query ControlLook($id: ID!) {
    task(id: $id) { id state status result dateDone name args kwargs error { type } timeline { type at } resentAs { id } resentFrom { id } }
  }
`);

const BROKER_DB = 15;
const IDLE = 'ctl-idle'; // a queue no worker consumes: messages stay where kombu put them
let redis: RedisServer;
let worker: CeleryWorker;
let app: Awaited<ReturnType<typeof startApp>>;
let env = () => ({ brokerUrl: redis.url(BROKER_DB), backendUrl: redis.url(0) });
const controlFlags = (broker = redis.url(BROKER_DB)) => [
  '--broker',
  broker,
  '--queues',
  `celery,${IDLE}`,
  '--control',
  'true',
  '--send-allow',
  'lens.*',
];

async function look(id: string) {
  const { data, errors } = await execute(app, Look, { id });
  expect(errors).toBeUndefined();
  return data!.task!;
}
const settled = async (id: string) => {
  await until(async () => ['SUCCESS', 'FAILURE', 'REVOKED'].includes((await look(id)).state), 30_000);
  return look(id);
};
type SendVariables = Parameters<typeof execute<unknown, { name: string }>>[2] & {
  name: string;
  [argument: string]: unknown;
};
async function sent(variables: SendVariables) {
  const { data, errors } = await execute(app, Send, variables as { name: string });
  expect(errors).toBeUndefined();
  return data!.sendTask;
}

beforeAll(async () => {
  await ensureCelery();
  redis = await startRedis();
  [worker, app] = await Promise.all([
    startWorker({ ...env(), pool: 'prefork', concurrency: 1 }),
    startApp(redis.url(0), controlFlags()),
  ]);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await worker?.stop();
  await redis?.stop();
});

/**
 * Points the suites at a broker mode: the file's own worker and celery-lens on
 * Redis, or a worker and a celery-lens on a private RabbitMQ vhost (the same
 * Redis as result backend); resolves with what puts the Redis ones back.
 */
async function onBroker(kind: BrokerKind): Promise<() => Promise<void>> {
  if (kind === 'redis') return async () => {};
  const saved = { app, worker, env };
  const broker = await testBroker(kind, redis);
  env = () => ({ brokerUrl: broker.url, backendUrl: redis.url(0) });
  [worker, app] = await Promise.all([
    startWorker({ ...env(), pool: 'prefork', concurrency: 1 }),
    startApp(redis.url(0), controlFlags(broker.url)),
  ]);
  return async () => {
    await app.stop();
    await worker.stop();
    await broker.dispose();
    ({ app, worker, env } = saved);
  };
}

describe.each(BROKER_KINDS)('on a %s broker', (kind) => {
  let restore: () => Promise<void> = async () => {};
  beforeAll(async () => {
    restore = await onBroker(kind);
  }, 60_000);
  afterAll(() => restore());

  describe('sendTask', () => {
    it('runs a task by name with args and kwargs, seen QUEUED first through its task-sent event', async () => {
      const task = await sent({
        name: 'lens.echo',
        args: [1, 'two', { three: 3 }],
        kwargs: { k: ['v', null, true] },
        queue: IDLE,
      });
      await until(async () => (await look(task.id)).status === 'QUEUED');
      expect((await look(task.id)).timeline.map((entry) => entry.type)).toEqual(['SENT']);
      const run = await sent({ name: 'lens.echo', args: [1, 'two', { three: 3 }], kwargs: { k: ['v', null, true] } });
      const done = await settled(run.id);
      expect(done).toMatchObject({
        state: 'SUCCESS',
        result: { args: [1, 'two', { three: 3 }], kwargs: { k: ['v', null, true] } },
        name: 'lens.echo',
      });
      const [python] = await celery<{ state: string; result: unknown }[]>('view', { ids: [run.id] }, env());
      expect(python).toMatchObject({ state: 'SUCCESS', result: done.result });
    });

    it('honours countdown and eta: the worker runs the task no sooner', async () => {
      const before = Date.now();
      const eta = new Date(before + 2500);
      const [byCountdown, byEta] = [
        await sent({ name: 'lens.add', args: [1, 2], countdown: 2 }),
        await sent({ name: 'lens.add', args: [3, 4], eta: eta.toISOString() }),
      ];
      const [first, second] = [await settled(byCountdown.id), await settled(byEta.id)];
      expect(first.result).toBe(3);
      expect(second.result).toBe(7);
      expect(new Date(first.dateDone as string).getTime()).toBeGreaterThanOrEqual(before + 2000);
      expect(new Date(second.dateDone as string).getTime()).toBeGreaterThanOrEqual(eta.getTime());
    });

    // RabbitMQ has no sub-queues: its x-max-priority queue is counted once (amqp-queues.test.ts).
    it.runIf(kind === 'redis')('puts a priority on the sub-queue kombu uses for it', async () => {
      const broker = redis.client(BROKER_DB);
      const queue = `${IDLE}`;
      const before = await Promise.all(
        [queue, `${queue}\x06\x163`, `${queue}\x06\x166`, `${queue}\x06\x169`].map((key) => broker.llen(key)),
      );
      for (const priority of [0, 4, 6, 9]) await sent({ name: 'lens.add', args: [0, priority], queue, priority });
      const after = await Promise.all(
        [queue, `${queue}\x06\x163`, `${queue}\x06\x166`, `${queue}\x06\x169`].map((key) => broker.llen(key)),
      );
      expect(after.map((count, index) => count - (before[index] as number))).toEqual([1, 1, 1, 1]);
    });

    // On RabbitMQ the bytes are compared through a frame tap (amqp-broker.test.ts).
    it.runIf(kind === 'redis')(
      "writes the message and the task-sent event app.send_task writes, but for the sender's own fields",
      async () => {
        const broker = redis.client(BROKER_DB);
        const events = new Redis(redis.port, { db: BROKER_DB });
        const captured: string[] = [];
        events.on('message', (_channel: string, message: string) => captured.push(message));
        await events.subscribe(`/${BROKER_DB}.celeryev/task.sent`);
        try {
          const id = randomUUID();
          const call = {
            name: 'lens.echo',
            args: [2, { quote: "it's", é: 'ü 😀' }, [[[['deep']]]]],
            kwargs: { k: 'v'.repeat(1100) },
            queue: IDLE,
            eta: new Date(Date.now() + 3_600_000),
            expires: new Date(Date.now() + 7_200_000),
            priority: 3,
          };
          const list = `${IDLE}\x06\x163`;
          // celery-lens first: it would refuse an id the Python client's task-sent event made known (TASK_EXISTS).
          await sent({ ...call, id, eta: call.eta.toISOString(), expires: call.expires.toISOString() });
          const ours = (await broker.lpop(list)) as string;
          await celery(
            'send_task',
            { ...call, task_id: id, eta: call.eta.toISOString(), expires: call.expires.toISOString() },
            env(),
          );
          const python = (await broker.lpop(list)) as string;
          await until(() => captured.length === 2);
          // origin, reply_to, delivery_tag are the sending process'; expiration is the ms left at sending.
          const sameFields = (text: string) =>
            text.replace(/"(origin|reply_to|delivery_tag|expiration)": "[^"]*"/g, '"$1": "…"');
          expect(sameFields(ours)).toBe(sameFields(python));
          const expiration = (text: string) =>
            Number((JSON.parse(text) as { properties: { expiration: string } }).properties.expiration);
          expect(Math.abs(expiration(ours) - expiration(python))).toBeLessThan(5000);
          const body = (text: string) =>
            JSON.parse(Buffer.from((JSON.parse(text) as { body: string }).body, 'base64').toString()) as Record<
              string,
              unknown
            >;
          const ownFields = ['hostname', 'pid', 'clock', 'timestamp', 'utcoffset'];
          const [ourEvent, pythonEvent] = captured
            .map(body)
            .map((event) => Object.fromEntries(Object.entries(event!).filter(([key]) => !ownFields.includes(key))));
          expect(ourEvent).toEqual(pythonEvent);
          expect(Object.keys(captured.map(body)[1]!)).toEqual(Object.keys(captured.map(body)[0]!));
        } finally {
          events.disconnect();
        }
      },
    );

    it(`runs args and kwargs as deep as sendTask accepts (${MAX_ARGUMENT_DEPTH} levels) on a prefork worker; one level more is refused`, async () => {
      const list = (depth: number): unknown => (depth === 1 ? [1] : [list(depth - 1)]);
      const object = (depth: number): Record<string, unknown> => (depth === 1 ? { k: 1 } : { k: object(depth - 1) });
      const [args, kwargs] = [list(MAX_ARGUMENT_DEPTH) as unknown[], object(MAX_ARGUMENT_DEPTH)];
      const task = await sent({ name: 'lens.echo', args, kwargs });
      const done = await settled(task.id);
      expect(done).toMatchObject({ state: 'SUCCESS', args, kwargs, result: { args, kwargs } });
      const [python] = await celery<{ state: string; result: unknown }[]>('view', { ids: [task.id] }, env());
      expect(python).toMatchObject({ state: 'SUCCESS', result: { args, kwargs } });
      const deeper: { args?: unknown[]; kwargs?: Record<string, unknown> }[] = [
        { args: [args] },
        { kwargs: { deeper: kwargs } },
      ];
      for (const variables of deeper) {
        const { errors } = await execute(app, Send, { name: 'lens.echo', ...variables });
        expect(errors?.[0]?.extensions).toMatchObject({
          code: 'INVALID_ARGUMENT',
          measure: 'depth',
          limit: MAX_ARGUMENT_DEPTH,
        });
      }
    });

    it('sends an unknown name on to the worker, which reports it as Celery does (NotRegistered)', async () => {
      const task = await sent({ name: 'lens.nope', args: [] });
      const done = await settled(task.id);
      expect(done).toMatchObject({ state: 'FAILURE', error: { type: 'NotRegistered' } });
      const [python] = await celery<{ state: string }[]>('view', { ids: [task.id] }, env());
      expect(python?.state).toBe('FAILURE');
    });
  });

  describe('revokeTask', () => {
    it('discards a queued task and terminates a running one; both end REVOKED and inspect lists them', async () => {
      const long = await sent({ name: 'lens.sleep', args: [60] });
      await until(async () => (await look(long.id)).status === 'RUNNING', 20_000);
      const next = await sent({ name: 'lens.add', args: [5, 5] });
      expect((await execute(app, Revoke, { id: next.id })).errors).toBeUndefined();
      expect((await execute(app, Revoke, { id: long.id, terminate: true, signal: 'SIGKILL' })).errors).toBeUndefined();
      const [killed, discarded] = [await settled(long.id), await settled(next.id)];
      expect(killed.state).toBe('REVOKED');
      expect(discarded.state).toBe('REVOKED');
      expect(discarded.timeline.map((entry) => entry.type)).not.toContain('STARTED');
      // Polled: a busy worker may answer Celery's 2 s broadcast late (then the answer is empty), or not have the revoke yet.
      await expect
        .poll(async () => Object.values(await celery<Record<string, string[]>>('inspect_revoked', {}, env())).flat(), {
          timeout: 20_000,
        })
        .toEqual(expect.arrayContaining([long.id, next.id]));
    }, 60_000);

    // The broadcast is read off Redis' pidbox channel here; on RabbitMQ through the frame tap (amqp-broker.test.ts).
    it.runIf(kind === 'redis')('revokes many in one broadcast', async () => {
      const broker = new Redis(redis.port, { db: BROKER_DB });
      const heard: string[] = [];
      broker.on('message', (_channel: string, message: string) => heard.push(message));
      await broker.subscribe(`/${BROKER_DB}.celery.pidbox`);
      try {
        const ids = [randomUUID(), randomUUID(), randomUUID()];
        const { data, errors } = await execute(app, RevokeMany, { ids });
        expect(errors).toBeUndefined();
        expect(data?.revokeTasks.map((task) => task.id)).toEqual(ids);
        await until(() => heard.length === 1);
        const body = JSON.parse(
          Buffer.from((JSON.parse(heard[0]!) as { body: string }).body, 'base64').toString(),
        ) as unknown;
        expect(body).toEqual({
          method: 'revoke',
          arguments: { task_id: ids, terminate: false, signal: 'SIGTERM' },
          destination: null,
          pattern: null,
          matcher: null,
        });
        await expect
          .poll(
            async () => Object.values(await celery<Record<string, string[]>>('inspect_revoked', {}, env())).flat(),
            {
              timeout: 20_000,
            },
          )
          .toEqual(expect.arrayContaining(ids));
      } finally {
        broker.disconnect();
      }
    });
  });

  describe('resendTask', () => {
    it('runs a failed task again under a new id, and both record the link', async () => {
      const first = await sent({ name: 'lens.fail', args: ['boom'] });
      expect((await settled(first.id)).state).toBe('FAILURE');
      const { data, errors } = await execute(app, Resend, { id: first.id });
      expect(errors).toBeUndefined();
      const again = data!.resendTask;
      expect(again.id).not.toBe(first.id);
      expect(again.resentFrom?.id).toBe(first.id);
      const done = await settled(again.id);
      expect(done).toMatchObject({ state: 'FAILURE', name: 'lens.fail', args: ['boom'], resentFrom: { id: first.id } });
      expect((await look(first.id)).resentAs).toEqual([{ id: again.id }]);
    });

    it('refuses a task that is not finished or has no result, with NOT_RESENDABLE', async () => {
      const queued = await sent({ name: 'lens.add', args: [1, 1], queue: IDLE });
      for (const id of [queued.id, randomUUID()]) {
        const { errors } = await execute(app, Resend, { id });
        expect(errors?.[0]?.extensions?.code).toBe('NOT_RESENDABLE');
      }
    });
  });
});

describe('what is refused writes nothing', () => {
  const hash = (key: string) => createHash('sha256').update(key).digest('hex');
  let quiet: RedisServer;
  const apps: Awaited<ReturnType<typeof startApp>>[] = [];
  beforeAll(async () => {
    quiet = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(apps.map((each) => each.stop()));
    await quiet?.stop();
  });
  const writes = async () => {
    const stats = (await quiet.client().info('commandstats')) as string;
    return ['lpush', 'publish', 'rpush', 'set'].map(
      (command) => new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? '0',
    );
  };

  it('--control false, a name outside --send-allow, bad arguments, a key without the control scope: coded errors', async () => {
    const base = ['--queues', 'celery', '--send-allow', 'lens.add,other.*'];
    const off = await startApp(quiet.url(), base);
    const on = await startApp(quiet.url(), [
      ...base,
      '--control',
      'true',
      '--auth',
      'true',
      '--api-keys',
      `ops:${hash('ops-key')}:status+control,viewer:${hash('viewer-key')}:status+payload`,
    ]);
    apps.push(off, on);
    const before = await writes();
    const code = async (target: typeof off, document: DocumentNode, variables: object, key?: string) => {
      const response = await target.yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return ((await response.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions
        ?.code;
    };
    const id = randomUUID();
    expect(await code(off, Send, { name: 'lens.add' })).toBe('CONTROL_DISABLED');
    expect(await code(off, Revoke, { id })).toBe('CONTROL_DISABLED');
    expect(await code(on, Send, { name: 'lens.add' }, 'viewer-key')).toBe('FORBIDDEN');
    expect(await code(on, Revoke, { id }, 'viewer-key')).toBe('FORBIDDEN');
    expect(await code(on, Send, { name: 'lens.fail' }, 'ops-key')).toBe('SEND_NOT_ALLOWED');
    expect(await code(on, Send, { name: 'lens.add', args: { a: 1 } }, 'ops-key')).toBe('INVALID_ARGUMENT');
    expect(await code(on, Send, { name: 'lens.add', kwargs: [1] }, 'ops-key')).toBe('INVALID_ARGUMENT');
    expect(await code(on, Send, { name: 'lens.add', queue: 'elsewhere' }, 'ops-key')).toBe('INVALID_ARGUMENT');
    expect(await code(on, Send, { name: 'lens.add', priority: 10 }, 'ops-key')).toBe('INVALID_ARGUMENT');
    expect(await code(on, Send, { name: 'lens.add', id: 'not-an-id' }, 'ops-key')).toBe('INVALID_TASK_ID');
    expect(await code(on, Revoke, { id, signal: 'SIGNOPE' }, 'ops-key')).toBe('INVALID_ARGUMENT');
    expect(await code(on, Revoke, { id, signal: 'sigterm' }, 'ops-key')).toBe('INVALID_ARGUMENT');
    expect(await writes()).toEqual(before);
    // What was allowed is logged with who asked, and counted; refusals by code.
    expect(await code(on, Send, { name: 'lens.add', args: ['secret-value'] }, 'ops-key')).toBeUndefined();
    const line = on.logs
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry.control === 'send' && entry.outcome === 'ok');
    expect(line).toMatchObject({ by: 'key:ops', taskCount: 0 });
    expect(on.logs.join('\n')).not.toContain('secret-value');
    const metrics = await (await on.yoga.fetch('http://yoga/metrics')).text();
    expect(metrics).toContain('celery_lens_control_actions_total{action="send",outcome="ok"} 1');
    expect(metrics).toContain('celery_lens_control_actions_total{action="send",outcome="SEND_NOT_ALLOWED"} 1');
  });

  it('`celery-lens acl --control` prints the wider rule: LPUSH on the queues and their sub-queues, PUBLISH on the pidbox', () => {
    const bin = fileURLToPath(new URL('../../bin/celery-lens.mjs', import.meta.url));
    const print = (...flags: string[]) => execFileSync(process.execPath, [bin, 'acl', ...flags]).toString();
    const wider = print('--queues', 'jobs', '--control');
    expect(wider).toContain(
      `+lpush '%W~jobs' "%W~jobs\\x06\\x163" "%W~jobs\\x06\\x166" "%W~jobs\\x06\\x169" '&/0.celery.pidbox'`,
    );
    expect(print('--queues', 'jobs')).not.toMatch(/lpush|pidbox|%W~/);
  });

  it('under the ACL user `celery-lens acl --control true` prints, sends and revokes work; result keys stay read-only', async () => {
    const password = randomUUID();
    const flags = ['--queues', 'celery', '--control', 'true', '--send-allow', 'lens.*'];
    const [command, ...args] = aclRule(loadConfig(flags, {}), 'lens-control', password);
    await quiet.client().call(command as string, ...args);
    const url = `redis://lens-control:${password}@127.0.0.1:${quiet.port}/0`;
    const limited = await startApp(url, flags);
    apps.push(limited);
    const sentTask = await execute(limited, Send, { name: 'lens.add', args: [1, 2], priority: 9 });
    expect(sentTask.errors).toBeUndefined();
    expect(await quiet.client().llen('celery\x06\x169')).toBe(1);
    expect((await execute(limited, Revoke, { id: randomUUID() })).errors).toBeUndefined();
    const user = new Redis(url, { maxRetriesPerRequest: 0 });
    try {
      await expect(user.set(`celery-task-meta-${randomUUID()}`, '{}')).rejects.toThrow(/NOPERM/);
      await expect(user.lpush('some-other-list', 'x')).rejects.toThrow(/NOPERM/);
    } finally {
      user.disconnect();
    }
  });
});
