/**
 * sendTask and resendTask against real Redis, without a worker: one send per
 * id (reserved under --lens-prefix before its message is written, and
 * refused while anything knows the id), and arguments Celery cannot decode
 * refused before anything is written. On both set-ups: the broker in the
 * backend's Redis, and a broker of its own. That Celery runs what is
 * accepted: test/interop/control.test.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ARGUMENT_DEPTH } from '../../src/celery/outgoing-messages.ts';
import { taskIdOfMessage } from '../../src/celery/task-message.ts';
import { graphql } from '../gql/index.js';
import { startApp } from '../helpers/app.ts';
import { taskMessage } from '../helpers/broker-messages.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { execute } from '../helpers/graphql.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { publishTaskSent } from '../helpers/worker-events.ts';

const Send = graphql(`
  mutation OnceSend($name: String!, $args: JSON, $kwargs: JSON, $queue: String, $countdown: Int, $id: ID) {
    sendTask(name: $name, args: $args, kwargs: $kwargs, queue: $queue, countdown: $countdown, id: $id) { id }
  }
`);
const Resend = graphql(`
  mutation OnceResend($id: ID!, $queue: String) { resendTask(id: $id, queue: $queue) { id } }
`);
const Status = graphql(`
  query OnceStatus($id: ID!) { task(id: $id) { status } }
`);

const MAX_VALUE_BYTES = 2048;
const TIMEOUT_MS = 500;
const QUEUES = ['celery', 'idle'];
const BROKER_DB = 3;

/** JSON text of a list `depth` levels deep (the list itself is one): JSON.stringify would overflow on the deepest. */
const deepList = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
/** JSON text of an object `depth` levels deep. */
const deepObject = (depth: number) => `${'{"k":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** The same object as a GraphQL literal. */
const deepLiteral = (depth: number) => `${'{k:'.repeat(depth)}1${'}'.repeat(depth)}`;

interface Answer {
  readonly status: number;
  readonly data?: { sendTask?: { id: string } | null } | null;
  readonly errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe.each([
  ['the broker in the backend Redis', false],
  ['a broker of its own', true],
])('with %s', (_setup, ownBroker) => {
  let redis: RedisServer;
  let brokerServer: RedisServer;
  let app: Awaited<ReturnType<typeof startApp>>;
  /** A replica that neither consumes events nor scans queues: only the reservation tells it an id is taken. */
  let bare: Awaited<ReturnType<typeof startApp>>;
  let broker: Redis;
  let backend: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    brokerServer = ownBroker ? await startRedis() : redis;
    const brokerDb = ownBroker ? 0 : BROKER_DB;
    broker = brokerServer.client(brokerDb);
    backend = redis.client();
    const flags = [
      '--broker',
      brokerServer.url(brokerDb),
      '--queues',
      QUEUES.join(','),
      '--control',
      'true',
      '--send-allow',
      'lens.*',
      '--max-value-bytes',
      String(MAX_VALUE_BYTES),
      '--redis-timeout-ms',
      String(TIMEOUT_MS),
      // So that a deep literal reaches the parser: the default token limit refuses it earlier.
      '--max-tokens',
      '1000000',
      '--max-body-bytes',
      '1000000',
    ];
    [app, bare] = await Promise.all([
      startApp(redis.url(), flags),
      startApp(redis.url(), [...flags, '--consume', 'false', '--queue-scan-limit', '0']),
    ]);
  });
  afterAll(async () => {
    await bare?.stop();
    await app?.stop();
    if (ownBroker) await brokerServer?.stop();
    await redis?.stop();
  });

  /** Through yoga.fetch, or over the port. */
  const post = async (body: string, overPort = false): Promise<Answer> => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body };
    const response = overPort ? await fetch(app.url, init) : await app.yoga.fetch('http://yoga/graphql', init);
    return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
  };
  /** sendTask with `args` or `kwargs` given as JSON text, as a variable. */
  const sendVariable = (argument: 'args' | 'kwargs', json: string, overPort = false) =>
    post(
      `{"query":${JSON.stringify(`mutation ($v: JSON) { sendTask(name: "lens.echo", ${argument}: $v) { id } }`)},"variables":{"v":${json}}}`,
      overPort,
    );
  /** sendTask with `args` or `kwargs` written in the document. */
  const sendLiteral = (argument: 'args' | 'kwargs', literal: string, overPort = false) =>
    post(
      JSON.stringify({ query: `mutation { sendTask(name: "lens.echo", ${argument}: ${literal}) { id } }` }),
      overPort,
    );
  const code = (answer: { errors?: { extensions?: Record<string, unknown> }[] }) =>
    answer.errors?.[0]?.extensions?.code;

  const queued = async (id: string) => {
    const lists = await Promise.all(QUEUES.map((queue) => broker.lrange(queue, 0, -1)));
    return lists.flat().filter((message) => taskIdOfMessage(message) === id).length;
  };
  const reservations = async () => (await backend.keys('celery-lens:sent:*')).length;
  const lpushes = async () =>
    Number(/cmdstat_lpush:calls=(\d+)/.exec((await broker.info('commandstats')) as string)?.[1] ?? 0);
  /** What a send writes: messages on the queues, LPUSHes, reservations. */
  const written = async () => ({
    lengths: await Promise.all(QUEUES.map((queue) => broker.llen(queue))),
    lpushes: await lpushes(),
    reservations: await reservations(),
  });

  describe('one send per id', () => {
    it('of 10 concurrent sends of one new id to two replicas, one is accepted and 9 are TASK_EXISTS; one message is queued', async () => {
      const id = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          execute(index % 2 ? app : bare, Send, { name: 'lens.add', args: [1, 2], queue: 'idle', id }),
        ),
      );
      expect(answers.filter((answer) => answer.data?.sendTask?.id === id)).toHaveLength(1);
      expect(answers.map(code).filter((each) => each === 'TASK_EXISTS')).toHaveLength(9);
      expect(await queued(id)).toBe(1);
    });

    it('refuses the id again while its message is queued, and once a worker took it', async () => {
      const id = randomUUID();
      expect((await execute(bare, Send, { name: 'lens.add', args: [1, 2], queue: 'idle', id })).errors).toBeUndefined();
      for (const replica of [bare, app]) {
        const again = await execute(replica, Send, { name: 'lens.add', args: [3, 4], id });
        expect(code(again)).toBe('TASK_EXISTS');
        expect(again.errors?.[0]?.message).toContain(id);
      }
      // A worker took it off the queue (and sent no event of its own yet): still taken.
      const [message] = (await broker.lrange('idle', 0, -1)).filter((each) => taskIdOfMessage(each) === id);
      await broker.lrem('idle', 0, message as string);
      expect(code(await execute(bare, Send, { name: 'lens.add', id }))).toBe('TASK_EXISTS');
      expect(await queued(id)).toBe(0);
    });

    it('reserves every id it sends, its own uuids and resendTask’s too, for as long as timelines are kept after the eta', async () => {
      const later = await execute(app, Send, { name: 'lens.add', args: [1, 2], queue: 'idle', countdown: 3600 });
      const id = later.data!.sendTask.id;
      // result-expires (a day) + the day timelines outlive results, counted from the eta an hour away.
      const ttl = await backend.ttl(`celery-lens:sent:${id}`);
      expect(ttl).toBeGreaterThan(2 * 86_400 + 3600 - 60);
      expect(ttl).toBeLessThanOrEqual(2 * 86_400 + 3600);
      expect(code(await execute(bare, Send, { name: 'lens.add', id }))).toBe('TASK_EXISTS');

      const done = await writeMeta(backend, {
        status: 'SUCCESS',
        result: 3,
        name: 'lens.add',
        args: [1, 2],
        kwargs: {},
        queue: 'celery',
      });
      const resent = await execute(app, Resend, { id: done, queue: 'idle' });
      expect(resent.errors).toBeUndefined();
      const next = resent.data!.resendTask.id;
      expect(await backend.ttl(`celery-lens:sent:${next}`)).toBeGreaterThan(2 * 86_400 - 60);
      expect(code(await execute(bare, Send, { name: 'lens.add', id: next }))).toBe('TASK_EXISTS');
      expect(await queued(next)).toBe(1);
    });

    it('refuses an id others used: a result, a queued message, events; and writes nothing then', async () => {
      const finished = await writeMeta(backend, { status: 'SUCCESS', result: 3 });
      const inQueue = randomUUID();
      await broker.lpush('celery', taskMessage(inQueue));
      const seen = randomUUID();
      await publishTaskSent(broker, seen, { db: ownBroker ? 0 : BROKER_DB });
      await expect.poll(async () => (await execute(app, Status, { id: seen })).data?.task?.status).toBe('QUEUED');
      const before = await written();
      for (const id of [finished, inQueue, seen]) {
        const answer = await execute(app, Send, { name: 'lens.add', id });
        expect(code(answer), id).toBe('TASK_EXISTS');
      }
      expect(await written()).toEqual(before);
    });

    it('frees the id when Redis refuses the message (nothing queued), and keeps it when the broker did not answer', async () => {
      const id = randomUUID();
      await broker.set('idle', 'not a list');
      try {
        expect(code(await execute(app, Send, { name: 'lens.add', queue: 'idle', id }))).toBe('UNDECODABLE_LENS_DATA');
        expect(await backend.exists(`celery-lens:sent:${id}`)).toBe(0);
      } finally {
        await broker.del('idle');
      }
      expect((await execute(app, Send, { name: 'lens.add', queue: 'idle', id })).errors).toBeUndefined();
      expect(await queued(id)).toBe(1);
      if (!ownBroker) return;
      // A stalled broker runs the LPUSH when it wakes: the message may be out, so the id stays taken.
      // (Sent without an id: with one, the queue scan before the send would meet the stall first.)
      const known = new Set(await backend.keys('celery-lens:sent:*'));
      brokerServer.pause();
      try {
        expect(code(await execute(app, Send, { name: 'lens.add', queue: 'idle' }))).toBe('BACKEND_UNAVAILABLE');
      } finally {
        brokerServer.resume();
      }
      const [reserved, ...others] = (await backend.keys('celery-lens:sent:*')).filter((key) => !known.has(key));
      expect(others).toEqual([]);
      const stalled = (reserved as string).slice('celery-lens:sent:'.length);
      await expect.poll(() => queued(stalled)).toBe(1);
      expect(code(await execute(bare, Send, { name: 'lens.add', queue: 'idle', id: stalled }))).toBe('TASK_EXISTS');
      expect(await queued(stalled)).toBe(1);
    });
  });

  describe('arguments Celery cannot decode are refused, and nothing is written', () => {
    it(`refuses args and kwargs 5,000 levels deep (variables): INVALID_ARGUMENT, the limit being ${MAX_ARGUMENT_DEPTH}`, async () => {
      const before = await written();
      // Twice each and over the port: the later runs are compiled (--jit), and answer the same.
      const sends = [
        ['args', deepList(5000)],
        ['kwargs', deepObject(5000)],
        ['args', deepList(MAX_ARGUMENT_DEPTH + 1)],
      ] as const;
      for (const [argument, json, overPort] of [
        ...sends,
        ...sends.map(([argument, json]) => [argument, json, true] as const),
      ]) {
        const answer = await sendVariable(argument, json, overPort);
        expect(answer.data?.sendTask ?? null).toBeNull();
        expect(answer.errors?.[0]?.extensions).toEqual({
          code: 'INVALID_ARGUMENT',
          argument,
          measure: 'depth',
          limit: MAX_ARGUMENT_DEPTH,
        });
        expect(answer.errors?.[0]?.message).toMatch(
          new RegExp(`^${argument} is nested deeper than ${MAX_ARGUMENT_DEPTH} levels`),
        );
      }
      expect(await written()).toEqual(before);
    });

    it('refuses deep literals: 5,000 levels before parsing (QUERY_TOO_COMPLEX), past the limit when run (INVALID_ARGUMENT)', async () => {
      const before = await written();
      for (const [argument, overPort] of [
        ['args', false],
        ['kwargs', false],
        ['kwargs', true],
      ] as const) {
        const literal = argument === 'args' ? deepList(5000) : `{k: ${deepLiteral(4999)}}`;
        const answer = await sendLiteral(argument, literal, overPort);
        expect(answer.status).toBe(400);
        expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'nesting' });
      }
      const past = await sendLiteral('kwargs', `{k: ${deepLiteral(MAX_ARGUMENT_DEPTH)}}`);
      expect(past.errors?.[0]?.extensions).toMatchObject({
        code: 'INVALID_ARGUMENT',
        argument: 'kwargs',
        measure: 'depth',
      });
      expect(await written()).toEqual(before);
    });

    it(`refuses args or kwargs larger than --max-value-bytes (${MAX_VALUE_BYTES}), each`, async () => {
      const before = await written();
      // {"k":"…"}: 8 characters around the string.
      const answer = await execute(app, Send, { name: 'lens.echo', kwargs: { k: 'x'.repeat(MAX_VALUE_BYTES - 7) } });
      expect(answer.errors?.[0]?.extensions).toEqual({
        code: 'INVALID_ARGUMENT',
        argument: 'kwargs',
        measure: 'bytes',
        limit: MAX_VALUE_BYTES,
      });
      const list = await execute(app, Send, {
        name: 'lens.echo',
        args: Array.from({ length: MAX_VALUE_BYTES }, () => 1),
      });
      expect(list.errors?.[0]?.extensions).toMatchObject({ argument: 'args', measure: 'bytes' });
      expect(await written()).toEqual(before);
    });

    it('sends what is exactly at the limits, as it was given', async () => {
      const deep = await sendVariable('args', deepList(MAX_ARGUMENT_DEPTH));
      const nested = await sendLiteral('kwargs', `{k: ${deepLiteral(MAX_ARGUMENT_DEPTH - 1)}}`);
      const large = await execute(app, Send, {
        name: 'lens.echo',
        kwargs: { k: 'x'.repeat(MAX_VALUE_BYTES - 8) },
        args: ['y'.repeat(MAX_VALUE_BYTES - 4)],
      });
      for (const answer of [deep, nested, large]) expect(answer.errors).toBeUndefined();
      const body = async (id: string) => {
        const message = (await broker.lrange('celery', 0, -1)).find((each) => taskIdOfMessage(each) === id) as string;
        return JSON.parse(
          Buffer.from((JSON.parse(message) as { body: string }).body, 'base64').toString(),
        ) as unknown[];
      };
      expect((await body(deep.data!.sendTask!.id))[0]).toEqual(JSON.parse(deepList(MAX_ARGUMENT_DEPTH)));
      expect((await body(nested.data!.sendTask!.id))[1]).toEqual(JSON.parse(deepObject(MAX_ARGUMENT_DEPTH)));
      expect((await body(large.data!.sendTask.id)).slice(0, 2)).toEqual([
        ['y'.repeat(MAX_VALUE_BYTES - 4)],
        { k: 'x'.repeat(MAX_VALUE_BYTES - 8) },
      ]);
    });

    it('does not re-send a task whose stored args are past the limit (NOT_RESENDABLE), nor to a queue outside --queues', async () => {
      const deep = await writeMeta(backend, {
        status: 'FAILURE',
        name: 'lens.echo',
        args: JSON.parse(deepList(MAX_ARGUMENT_DEPTH + 1)) as unknown[],
        kwargs: {},
      });
      const large = await writeMeta(backend, {
        status: 'SUCCESS',
        name: 'lens.echo',
        args: [],
        kwargs: { k: 'x'.repeat(MAX_VALUE_BYTES) },
      });
      const plain = await writeMeta(backend, { status: 'SUCCESS', name: 'lens.add', args: [1, 2], kwargs: {} });
      const before = await written();
      const [tooDeep, tooLarge, elsewhere] = await Promise.all([
        execute(app, Resend, { id: deep }),
        execute(app, Resend, { id: large }),
        execute(app, Resend, { id: plain, queue: 'elsewhere' }),
      ]);
      expect(code(tooDeep)).toBe('NOT_RESENDABLE');
      expect(tooDeep.errors?.[0]?.message).toContain(
        `its stored args is nested deeper than ${MAX_ARGUMENT_DEPTH} levels`,
      );
      expect(code(tooLarge)).toBe('NOT_RESENDABLE');
      expect(tooLarge.errors?.[0]?.message).toContain(`larger than ${MAX_VALUE_BYTES} bytes`);
      expect(elsewhere.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'queue' });
      expect(await written()).toEqual(before);
    });
  });
});
