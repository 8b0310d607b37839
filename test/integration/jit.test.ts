/**
 * Compiled operations (--jit, src/plugins/use-compiled-operations.ts) answer
 * byte for byte as graphql-js does. Every operation the project sends — the
 * test suite's (test/gql, collected by codegen), the web page's and
 * celery-lens/client's — is sent to two apps, one with --jit true (compiling
 * after --jit-threshold runs) and one with --jit false, as the same HTTP
 * request, and their status, content type and body must be equal: with
 * several task fixtures, no credential, a status-only key (FORBIDDEN
 * payload), a full key, missing and ill-typed variables, and limits low
 * enough that some operations are refused (QUERY_TOO_COMPLEX). The codes
 * seen are asserted, so a corpus that stopped reaching them fails.
 *
 * The two apps read two Redis databases seeded alike (keys expire at the same
 * instant: SET … PXAT), so mutations change each side the same way. Both
 * requests of a pair are sent at once; a pair whose answers differ is sent
 * again (a value in whole seconds, such as ttlSeconds, can fall on either
 * side of a second), and fails if it differs every time: a difference of
 * compiling repeats, a clock's does not. Values read off the clock in ms
 * are compared within a bound (sameUpToClock). No timer is faked.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type DocumentNode,
  type GraphQLInputType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  parse,
  print,
  typeFromAST,
} from 'graphql';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as clientDocuments from '../../client/src/generated/graphql.ts';
import { schema } from '../../src/schema/index.ts';
import * as webDocuments from '../../web/src/graphql/generated/graphql.ts';
import * as testDocuments from '../gql/graphql.ts';
import { startApp } from '../helpers/app.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { celeryDate } from '../helpers/clock.ts';

const THRESHOLD = 2;
const STATUS_KEY = `status-${randomUUID()}`;
const FULL_KEY = `full-${randomUUID()}`;
const hash = (key: string) => createHash('sha256').update(key).digest('hex');

/** Every operation of the three codegen outputs, as the text a client sends. */
function corpus(): { name: string; query: string; operation: OperationDefinitionNode }[] {
  const found = new Map<string, { name: string; query: string; operation: OperationDefinitionNode }>();
  const add = (source: string, name: string, value: unknown) => {
    let document: DocumentNode | null = null;
    if (value instanceof String) document = parse(value.toString());
    else if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === Kind.DOCUMENT)
      document = value as DocumentNode;
    const operation = document?.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    if (!document || !operation) return; // fragments
    const query = print(document);
    if (!found.has(query)) found.set(query, { name: `${source} ${name}`, query, operation });
  };
  for (const [name, value] of Object.entries(testDocuments)) add('test', name, value);
  for (const [name, value] of Object.entries(webDocuments)) add('web', name, value);
  for (const [name, value] of Object.entries(clientDocuments)) add('client', name, value);
  // Beyond the corpus: what graphql-jit once answered otherwise (@skip/@include on fragment spreads, graphql-jit#197).
  add(
    'extra',
    'SkipInclude',
    parse(`
    query SkipInclude($id: ID!, $yes: Boolean!) {
      task(id: $id) { id ...Outcome @include(if: $yes) state @skip(if: $yes) ... on Task @skip(if: $yes) { rawState } }
    }
    fragment Outcome on Task { result meta error { type } }
  `),
  );
  return [...found.values()];
}

// The fixture: tasks in the states and links the schema answers about.
const ids = {
  root: randomUUID(),
  failed: randomUUID(),
  progress: randomUUID(),
  member: randomUUID(),
  chordBody: randomUUID(),
  wrongType: randomUUID(),
  missing: randomUUID(),
};
const groupId = randomUUID();
const READY = new Set<string>([ids.root, ids.failed, ids.member, ids.chordBody, groupId]);
const DATE_DONE = celeryDate();

async function seed(redis: Redis, expireAt: number): Promise<void> {
  const one = (id: string) => [[id, null], null];
  const meta = (id: string, fields: Record<string, unknown>) =>
    JSON.stringify({
      status: 'SUCCESS',
      result: null,
      traceback: null,
      children: [],
      date_done: DATE_DONE,
      ...fields,
      task_id: id,
    });
  const extended = {
    name: 'lens.add',
    args: [2, 3],
    kwargs: { tenant: 'a' },
    worker: 'celery@host',
    retries: 0,
    queue: 'celery',
  };
  const metas: [string, string][] = [
    [
      ids.root,
      meta(ids.root, {
        result: { rows: 3 },
        children: [
          [
            [groupId, null],
            [one(ids.member), one(ids.failed)],
          ],
        ],
        ...extended,
      }),
    ],
    [ids.member, meta(ids.member, { result: 5, group_id: groupId, parent_id: ids.root, ...extended })],
    [
      ids.failed,
      meta(ids.failed, {
        status: 'FAILURE',
        group_id: groupId,
        parent_id: ids.root,
        result: { exc_type: 'ValueError', exc_message: ['kaboom'], exc_module: 'builtins' },
        traceback: 'Traceback (most recent call last):\n  File "t.py", line 1\nValueError: kaboom\n',
        ...extended,
      }),
    ],
    [
      ids.progress,
      meta(ids.progress, {
        status: 'PROGRESS',
        result: { current: 3, total: 10 },
        date_done: null,
        parent_id: ids.root,
      }),
    ],
    [ids.chordBody, meta(ids.chordBody, { result: [5, null], parent_id: ids.member })],
  ];
  const pipeline = redis.pipeline();
  for (const [id, value] of metas) pipeline.set(`celery-task-meta-${id}`, value, 'PXAT', expireAt);
  pipeline.set(
    `celery-taskset-meta-${groupId}`,
    JSON.stringify({
      result: [
        [groupId, null],
        [one(ids.member), one(ids.failed)],
      ],
    }),
    'PXAT',
    expireAt,
  );
  pipeline.rpush(`celery-task-meta-${ids.wrongType}`, 'not a string');
  // A goal stored as the wrong Redis type: reading it fails inside a resolver (a masked error).
  pipeline.set('celery-lens:goal:g-wrongtype', 'not a hash');
  pipeline.lpush(
    'celery',
    JSON.stringify({ headers: { id: ids.progress, task: 'lens.add' }, properties: { priority: 0 } }),
  );
  await pipeline.exec();
}

const TASK_CASES = [ids.root, ids.failed, ids.progress, ids.member, ids.wrongType, ids.missing, 'not valid!'];
const GOAL_CASES = ['g-existing', 'g-wrongtype', 'g-missing'];

/** A value of `type` for the variable `name` in case `k`, or undefined to leave it out. */
function valueFor(name: string, type: GraphQLInputType, k: number, fresh: string): unknown {
  if (type instanceof GraphQLNonNull) return valueFor(name, type.ofType, k, fresh);
  if (type instanceof GraphQLList) {
    if (name === 'ids')
      return k % 2 === 0
        ? TASK_CASES.slice(0, 6)
        : [...TASK_CASES, groupId, ...Array.from({ length: 40 }, () => ids.member)];
    return [valueFor(name, type.ofType, k, fresh)];
  }
  if (type instanceof GraphQLEnumType) return type.getValues()[k % type.getValues().length]?.name;
  if (type instanceof GraphQLInputObjectType) {
    if (k % 2 === 0) return {};
    return Object.fromEntries(
      Object.entries(type.getFields()).flatMap(([field, { type: fieldType }]) =>
        field === 'kwargs' ? [] : [[field, valueFor(field, fieldType, k, fresh)]],
      ),
    );
  }
  if (!(type instanceof GraphQLScalarType)) return undefined;
  switch (type.name) {
    case 'ID':
      if (name === 'key' || name === 'goal') return k % 4 === 3 ? fresh : GOAL_CASES[k % GOAL_CASES.length];
      if (name === 'rootId' && k % 3 === 2) return groupId;
      if (name === 'id' && k % 7 === 6) return groupId;
      return TASK_CASES[k % TASK_CASES.length];
    case 'Int':
      if (name === 'timeoutSeconds') return 1;
      return name === 'maxDepth' ? 1 + (k % 3) : 2;
    case 'Boolean':
      return k % 2 === 0;
    case 'DateTime':
      return new Date(name === 'until' ? Date.now() + 86_400_000 : Date.now() - 30 * 86_400_000).toISOString();
    case 'JSON':
      return name === 'args' ? [1, 2] : { note: 'x', k };
    default:
      if (name === 'name' || name === 'namePrefix') return 'lens.add';
      if (name === 'after') return k % 2 === 0 ? null : 'not-a-cursor';
      return name === 'signal' ? 'SIGTERM' : 'celery';
  }
}

/** Variable sets for one operation: task and goal cases, none at all, and ill-typed ones. */
function variableSets(operation: OperationDefinitionNode, fresh: () => string): (() => Record<string, unknown>)[] {
  const definitions = operation.variableDefinitions ?? [];
  if (definitions.length === 0) return [() => ({})];
  const cases = Array.from({ length: 8 }, (_, k) => () => {
    const key = fresh();
    const values: Record<string, unknown> = {};
    for (const definition of definitions) {
      const type = typeFromAST(schema, definition.type) as GraphQLInputType;
      values[definition.variable.name.value] = valueFor(definition.variable.name.value, type, k, key);
    }
    // A wait on an unready task would end at its deadline, a duration measured in ms: those ask 0 s (refused).
    const waited = [values.id, ...((values.ids as unknown[]) ?? [])].filter((id) => id !== undefined);
    if ('timeoutSeconds' in values && !waited.every((id) => READY.has(id as string))) values.timeoutSeconds = 0;
    return values;
  });
  const wrong = () =>
    Object.fromEntries(definitions.map((definition) => [definition.variable.name.value, { wrong: [1] }]));
  return [...cases, () => ({}), wrong];
}

interface Answer {
  status: number;
  type: string | null;
  body: string;
}

async function ask(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  key: string | null,
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

/**
 * Values read off each process' clock as it answers — a goal's createdAt
 * and updatedAt, `now`-based windows (taskStats' since/until), awaitTask's
 * waitedMs — in ms, and the two sides answer a few ms apart. Answers that
 * differ only there are equal when the rest is byte for byte the same and
 * each such value is within CLOCK_SLACK_MS of the other side's. A value
 * stamped once stays as far apart as its two stamps were: a goal created
 * while the machine was loaded kept its sides' createdAt 368 ms apart in CI.
 * A difference of compiling is in the shape or the values, never a clock
 * shifted by a second or two.
 */
const CLOCK = /"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"|"waitedMs":(\d+)/g;
const CLOCK_SLACK_MS = 2000;
function sameUpToClock(a: string, b: string): boolean {
  const times = (body: string) =>
    [...body.matchAll(CLOCK)].map((match) => (match[1] ? Date.parse(match[1]) : Number(match[2])));
  const skeleton = (body: string) =>
    body.replace(CLOCK, (_match, iso?: string) => (iso ? '"<time>"' : '"waitedMs":<ms>'));
  const [ta, tb] = [times(a), times(b)];
  return (
    skeleton(a) === skeleton(b) && ta.every((time, index) => Math.abs(time - (tb[index] as number)) <= CLOCK_SLACK_MS)
  );
}

interface Pair {
  on: string;
  off: string;
}

let redis: RedisServer;
const apps: Awaited<ReturnType<typeof startApp>>[] = [];
const pairs: Record<'auth' | 'defaults', Pair> = { auth: { on: '', off: '' }, defaults: { on: '', off: '' } };

beforeAll(async () => {
  redis = await startRedis();
  const expireAt = Date.now() + 3_600_000;
  for (const db of [1, 2, 3, 4]) await seed(redis.client(db), expireAt);
  const auth = [
    '--auth',
    'true',
    '--api-keys',
    `dashboard:${hash(STATUS_KEY)}:status,backoffice:${hash(FULL_KEY)}:status+payload+control+tokens`,
    // Low enough that the larger operations of the corpus are refused.
    '--max-complexity',
    '120',
    '--max-depth',
    '6',
    '--max-ids',
    '40',
  ];
  const start = async (db: number, flags: string[]) => {
    const app = await startApp(redis.url(db), [...flags, '--jit-threshold', String(THRESHOLD)]);
    apps.push(app);
    return app.url;
  };
  pairs.auth = { on: await start(1, [...auth, '--jit', 'true']), off: await start(2, [...auth, '--jit', 'false']) };
  pairs.defaults = { on: await start(3, ['--jit', 'true']), off: await start(4, ['--jit', 'false']) };
}, 60_000);
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await redis?.stop();
});

const ATTEMPTS = 4;

describe('compiled operations (--jit)', () => {
  it('answers every operation of the test suite, the web page and the client as graphql-js does', async () => {
    const operations = corpus();
    expect(operations.length).toBeGreaterThan(80);
    const of = (kind: OperationTypeNode) => operations.filter(({ operation }) => operation.operation === kind);
    const [queries, mutations, subscriptions] = [
      of(OperationTypeNode.QUERY),
      of(OperationTypeNode.MUTATION),
      of(OperationTypeNode.SUBSCRIPTION),
    ];
    // Subscriptions are never compiled (the plugin hooks execute only): named here, not compared.
    expect(subscriptions.length + queries.length + mutations.length).toBe(operations.length);
    let counter = 0;
    const fresh = () => `g-fresh-${(counter += 1)}`;
    const codes = new Map<string, number>();
    let compared = 0;
    let resent = 0;
    let clockOnly = 0;
    const compare = async (
      pair: Pair,
      label: string,
      query: string,
      variables: () => Record<string, unknown>,
      key: string | null,
    ) => {
      let last: [Answer, Answer] | null = null;
      for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
        const sent = variables();
        const [on, off] = await Promise.all([ask(pair.on, query, sent, key), ask(pair.off, query, sent, key)]);
        compared += 1;
        const same = on.body === off.body;
        if (on.status === off.status && on.type === off.type && (same || sameUpToClock(on.body, off.body))) {
          if (!same) clockOnly += 1;
          for (const match of on.body.matchAll(/"code":"([A-Z_]+)"/g))
            codes.set(match[1] as string, (codes.get(match[1] as string) ?? 0) + 1);
          if (attempt > 0) resent += 1;
          return;
        }
        last = [on, off];
      }
      expect
        .soft(last?.[0], `${label}: --jit true answered otherwise than --jit false (${ATTEMPTS} times)`)
        .toEqual(last?.[1]);
    };
    const callers: [keyof typeof pairs, string | null, string][] = [
      ['defaults', null, 'auth off'],
      ['auth', FULL_KEY, 'full key'],
      ['auth', STATUS_KEY, 'status-only key'],
    ];
    const runOperation = async ({ name, query, operation }: (typeof operations)[number]) => {
      const sets = variableSets(operation, fresh);
      for (const [pair, key, caller] of callers) {
        // The first runs are graphql-js on both sides; then every case runs compiled on one.
        for (let run = 0; run < THRESHOLD; run += 1)
          await compare(
            pairs[pair],
            `${name} (${caller}, warm-up)`,
            query,
            sets[0] as () => Record<string, unknown>,
            key,
          );
        for (const [index, set] of sets.entries())
          await compare(pairs[pair], `${name} (${caller}, case ${index})`, query, set, key);
      }
      await compare(pairs.auth, `${name} (no credential)`, query, sets[0] as () => Record<string, unknown>, null);
    };
    // Mutations one at a time (they change what the others read), then queries a few at once.
    for (const operation of mutations) await runOperation(operation);
    const waiting = [...queries];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let next = waiting.shift(); next; next = waiting.shift()) await runOperation(next);
      }),
    );
    console.log(
      `jit equivalence: ${queries.length} queries and ${mutations.length} mutations (${subscriptions.length} subscriptions not compiled, not sent), ${compared} pairs, ${resent} sent again, ${clockOnly} equal up to the clock; codes: ${JSON.stringify(Object.fromEntries(codes))}`,
    );
    // What the corpus must reach, or the comparison proves less than it says.
    // (No masked INTERNAL_SERVER_ERROR: every failure the fixture causes is coded; a compiled run with errors is answered by graphql-js.)
    for (const code of [
      'FORBIDDEN',
      'UNAUTHENTICATED',
      'BAD_USER_INPUT',
      'QUERY_TOO_COMPLEX',
      'INVALID_TASK_ID',
      'UNDECODABLE_META',
      'INVALID_CURSOR',
    ]) {
      expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
    }
    // Compiled indeed: with auth off every query of the corpus was, with the low limits of the
    // other pair those the limits let run; and none failed to compile.
    const compiledBy = (app: (typeof apps)[number] | undefined) => {
      const lines = app?.logs ?? [];
      expect(lines.filter((line) => line.includes('could not compile'))).toEqual([]);
      return new Set(
        lines
          .filter((line) => line.includes('operation compiled'))
          .map((line) => (JSON.parse(line) as { operation: string }).operation),
      );
    };
    const [authOn, , defaultsOn] = apps;
    // Long polls are left to graphql-js (a compiled run answering errors runs again: it would wait twice).
    const waits = (operation: OperationDefinitionNode) => /\bawaitTasks?\s*\(/.test(print(operation));
    const names = queries.filter(({ operation }) => !waits(operation)).map(({ operation }) => operation.name?.value);
    const polls = queries.filter(({ operation }) => waits(operation)).map(({ operation }) => operation.name?.value);
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.filter((name) => compiledBy(defaultsOn).has(name as string))).toEqual([]);
    expect(names.filter((name) => !compiledBy(defaultsOn).has(name as string))).toEqual([]);
    expect(compiledBy(authOn).size).toBeGreaterThan(names.length / 2);
  }, 240_000);
});
