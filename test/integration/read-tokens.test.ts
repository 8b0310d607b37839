/**
 * Scoped read tokens: createReadToken behind the tokens scope; a token
 * reads exactly its task, workflow or goal, over HTTP (over a port and yoga.fetch),
 * SSE (Bearer and ?token=) and graphql-ws (connectionParams.token), and
 * every other id, root field and link is refused; forged, expired and
 * foreign tokens answer coded errors.
 */
import { createHash, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadTokens } from '../../src/auth/read-token.ts';
import { startApp } from '../helpers/app.ts';
import { publishEvents, writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { wsClient } from '../helpers/ws-client.ts';
import { historyRecordOf } from '../helpers/history-record.ts';

const TOKEN_SECRET = 'read-token-secret-0123456789-abcdefghij';
const JWT_SECRET = 'jwt-secret-with-enough-entropy-0123456789';
const BACKEND_KEY = `backend-${randomUUID()}`;
const MINTER_KEY = `minter-${randomUUID()}`;
const READER_KEY = `reader-${randomUUID()}`;
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const lens = useLens([
  '--auth',
  'true',
  '--api-keys',
  `backend:${hash(BACKEND_KEY)}:status+payload+tokens,minter:${hash(MINTER_KEY)}:tokens,reader:${hash(READER_KEY)}:status+payload`,
  '--token-secret',
  TOKEN_SECRET,
  '--jwt-secret',
  JWT_SECRET,
]);

type Json = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[];
};

/** Ids of the fixture: one task, a workflow of four (two proven by parents, one by its events), another workflow, a goal. */
const ids = {
  single: randomUUID(),
  root: randomUUID(),
  child: randomUUID(),
  grandchild: randomUUID(),
  seen: randomUUID(),
  otherRoot: randomUUID(),
  otherChild: randomUUID(),
  attempt: randomUUID(),
  goal: `report:${randomUUID()}`,
};

const now = () => Date.now() / 1000;
const event = (type: string, uuid: string, extra: Record<string, unknown> = {}) => ({
  hostname: 'w@vm',
  utcoffset: 0,
  pid: 1,
  clock: 1,
  uuid,
  timestamp: now(),
  type,
  ...extra,
});

async function post(
  headers: Record<string, string>,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Json & { status: number }> {
  const response = await fetch(lens.app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Json) };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const codes = (result: Json) => (result.errors ?? []).map((error) => error.extensions?.code);

async function mint(args: string, key = BACKEND_KEY): Promise<string> {
  const result = await post({ 'x-api-key': key }, `mutation { createReadToken(${args}) { token expiresAt } }`);
  const token = (result.data?.createReadToken as { token: string } | undefined)?.token;
  if (!token) throw new Error(JSON.stringify(result));
  return token;
}

const tokens: Record<'task' | 'taskPayload' | 'root' | 'goal', string> = {
  task: '',
  taskPayload: '',
  root: '',
  goal: '',
};

beforeAll(async () => {
  const redis = lens.redis.client();
  const done = { date_done: new Date().toISOString().slice(0, -1) };
  await writeMeta(
    redis,
    { status: 'SUCCESS', result: 'secret', children: [[[ids.child, null], null]], ...done },
    { id: ids.single },
  );
  await writeMeta(
    redis,
    { status: 'SUCCESS', result: 1, children: [[[ids.child, null], null]], ...done },
    { id: ids.root },
  );
  await writeMeta(
    redis,
    { status: 'SUCCESS', result: 2, parent_id: ids.root, children: [[[ids.grandchild, null], null]], ...done },
    { id: ids.child },
  );
  await writeMeta(
    redis,
    { status: 'STARTED', result: { pid: 1, hostname: 'h' }, parent_id: ids.child },
    { id: ids.grandchild },
  );
  await writeMeta(redis, { status: 'SUCCESS', result: 3, ...done }, { id: ids.otherRoot });
  await writeMeta(redis, { status: 'SUCCESS', result: 4, parent_id: ids.otherRoot, ...done }, { id: ids.otherChild });
  await writeMeta(redis, { status: 'SUCCESS', result: 5, ...done }, { id: ids.attempt });
  // Known only from its events (sent, not stored yet): its root_id says which workflow it is in.
  await publishEvents(redis, 0, [
    event('task-sent', ids.seen, { name: 'lens.add', root_id: ids.root, parent_id: ids.grandchild }),
  ]);
  const goal = await post({ 'x-api-key': BACKEND_KEY }, `mutation { createGoal(key: "${ids.goal}") { key } }`);
  expect(goal.errors).toBeUndefined();
  await post(
    { 'x-api-key': BACKEND_KEY },
    `mutation { attachTask(key: "${ids.goal}", taskId: "${ids.attempt}") { key } }`,
  );
  await until(async () => (await historyRecordOf(lens.redis.client(), ids.seen))?.fields.rootId === ids.root);
  tokens.task = await mint(`taskId: "${ids.single}"`);
  tokens.taskPayload = await mint(`taskId: "${ids.single}", payload: true, ttlSeconds: 60`);
  tokens.root = await mint(`rootId: "${ids.root}"`);
  tokens.goal = await mint(`goalKey: "${ids.goal}", payload: true`);
});

describe('createReadToken', () => {
  it('answers a clt_ token and when it expires', async () => {
    const result = await post(
      { 'x-api-key': BACKEND_KEY },
      `mutation { createReadToken(taskId: "${ids.single}", ttlSeconds: 120) { token expiresAt } }`,
    );
    const created = result.data?.createReadToken as { token: string; expiresAt: string };
    expect(created.token).toMatch(/^clt_[\w-]+\.[\w-]+$/);
    expect(Math.abs(Date.parse(created.expiresAt) - Date.now() - 120_000)).toBeLessThan(2000);
  });

  it('needs the tokens scope, and payload to grant payload; a tokens-only key mints but reads nothing', async () => {
    expect(
      codes(await post({ 'x-api-key': READER_KEY }, `mutation { createReadToken(taskId: "${ids.single}") { token } }`)),
    ).toEqual(['FORBIDDEN']);
    expect(
      codes(
        await post(
          { 'x-api-key': MINTER_KEY },
          `mutation { createReadToken(taskId: "${ids.single}", payload: true) { token } }`,
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(await mint(`taskId: "${ids.single}"`, MINTER_KEY)).toMatch(/^clt_/);
    expect(codes(await post({ 'x-api-key': MINTER_KEY }, `{ task(id: "${ids.single}") { state } }`))).toContain(
      'FORBIDDEN',
    );
  });

  it.each([
    ['none of the ids', 'ttlSeconds: 60', 'INVALID_ARGUMENT'],
    ['two of them', `taskId: "${ids.single}", rootId: "${ids.root}"`, 'INVALID_ARGUMENT'],
    ['a ttl of 0', `taskId: "${ids.single}", ttlSeconds: 0`, 'INVALID_ARGUMENT'],
    ['a ttl over a day', `taskId: "${ids.single}", ttlSeconds: 86401`, 'INVALID_ARGUMENT'],
    ['a bad task id', 'taskId: "nope"', 'INVALID_TASK_ID'],
    ['a bad goal key', 'goalKey: "no spaces"', 'INVALID_GOAL_KEY'],
  ])('%s is a coded error', async (_what, args, code) => {
    expect(codes(await post({ 'x-api-key': BACKEND_KEY }, `mutation { createReadToken(${args}) { token } }`))).toEqual([
      code,
    ]);
  });
});

describe('a task token', () => {
  it('reads its task, payload fields only when granted', async () => {
    const plain = await post(bearer(tokens.task), `{ task(id: "${ids.single}") { state result } }`);
    expect(plain.data?.task).toEqual({ state: 'SUCCESS', result: null });
    expect(plain.errors?.[0]).toMatchObject({ path: ['task', 'result'], extensions: { code: 'FORBIDDEN' } });
    const full = await post(bearer(tokens.taskPayload), `{ task(id: "${ids.single}") { state result } }`);
    expect(full).toMatchObject({ data: { task: { state: 'SUCCESS', result: 'secret' } } });
    expect(full.errors).toBeUndefined();
  });

  it.each([
    ['task', (other: string) => `{ task(id: "${other}") { state } }`],
    ['tasks', (other: string) => `{ tasks(ids: ["${ids.single}", "${other}"]) { state } }`],
    ['taskGraph', () => `{ taskGraph(rootId: "${ids.single}") { nodes { id } } }`],
    ['group', () => `{ group(id: "${randomUUID()}") { size } }`],
    ['goal', () => `{ goal(key: "${ids.goal}") { status } }`],
    ['awaitTask', (other: string) => `{ awaitTask(id: "${other}", timeoutSeconds: 1) { timedOut } }`],
    [
      'awaitTasks',
      (other: string) => `{ awaitTasks(ids: ["${ids.single}", "${other}"], timeoutSeconds: 1) { timedOut } }`,
    ],
    ['workers', () => '{ workers { hostname } }'],
    ['backend', () => '{ backend { up } }'],
    ['a fragment', (other: string) => `{ ...F } fragment F on Query { task(id: "${other}") { state } }`],
    ['a variable', () => 'query ($id: ID!) { task(id: $id) { state } }'],
    ['a mutation', () => `mutation { createGoal(key: "x:${randomUUID()}") { key } }`],
    ['createReadToken', (other: string) => `mutation { createReadToken(taskId: "${other}") { token } }`],
    ['searchTasks', () => '{ searchTasks { totalCount } }'],
    ['taskStats', () => '{ taskStats { groups { key } } }'],
    ['failures', () => '{ failures { totalCount } }'],
    ['queues', () => '{ queues { name length } }'],
    ['viewer', () => '{ viewer { canControl } }'],
    ['revokeTask', (other: string) => `mutation { revokeTask(id: "${other}") { id } }`],
    ['sendTask', () => 'mutation { sendTask(name: "lens.add") { id } }'],
  ])('%s for another id is FORBIDDEN, nothing watched', async (_path, query) => {
    const result = await post(bearer(tokens.taskPayload), query(ids.otherRoot), { id: ids.otherRoot });
    expect(result.data ?? null).toBeNull();
    expect(codes(result)).toEqual(['FORBIDDEN']);
    expect(lens.app.watcher.watchedCount).toBe(0);
  });

  it('cannot follow links to other tasks', async () => {
    const result = await post(bearer(tokens.taskPayload), `{ task(id: "${ids.single}") { state children { id } } }`);
    expect(result.data?.task).toEqual({ state: 'SUCCESS', children: [null] });
    expect(result.errors).toMatchObject([{ path: ['task', 'children', 0], extensions: { code: 'FORBIDDEN' } }]);
    const group = await post(bearer(tokens.taskPayload), `{ task(id: "${ids.single}") { group { id } root { id } } }`);
    expect(group.data?.task).toEqual({ group: null, root: { id: ids.single } });
  });

  it('awaits its own task', async () => {
    const result = await post(
      bearer(tokens.task),
      `{ awaitTask(id: "${ids.single}", timeoutSeconds: 1) { timedOut task { state } } }`,
    );
    expect(result.data).toEqual({ awaitTask: { timedOut: false, task: { state: 'SUCCESS' } } });
  });

  it('with an API key alongside: the token decides', async () => {
    const result = await post(
      { ...bearer(tokens.task), 'x-api-key': BACKEND_KEY },
      `{ task(id: "${ids.otherRoot}") { state } }`,
    );
    expect(codes(result)).toEqual(['FORBIDDEN']);
  });
});

describe('subscriptions with a token', () => {
  const sse = async (init: { url?: string; headers?: Record<string, string> }, query: string) => {
    const response = await fetch(init.url ?? `${lens.app.url}?query=${encodeURIComponent(query)}`, {
      headers: { accept: 'text/event-stream', ...init.headers },
    });
    return response.text();
  };
  const own = `subscription { taskCompleted(id: "${ids.single}") { state } }`;
  const other = `subscription { taskCompleted(id: "${ids.otherRoot}") { state } }`;

  it('SSE with Authorization: Bearer', async () => {
    expect(await sse({ headers: bearer(tokens.task) }, own)).toContain('"taskCompleted":{"state":"SUCCESS"}');
    const refused = await sse({ headers: bearer(tokens.task) }, other);
    expect(refused).toContain('"code":"FORBIDDEN"');
    expect(refused).not.toContain('SUCCESS');
  });

  it('SSE GET with ?token= (EventSource)', async () => {
    const url = (query: string, token: string) =>
      `${lens.app.url}?query=${encodeURIComponent(query)}&token=${encodeURIComponent(token)}`;
    expect(await sse({ url: url(own, tokens.task) }, own)).toContain('"taskCompleted":{"state":"SUCCESS"}');
    expect(await sse({ url: url(other, tokens.task) }, other)).toContain('"code":"FORBIDDEN"');
    expect(await sse({ url: url(own, `${tokens.task}x`) }, own)).toContain('"code":"INVALID_TOKEN"');
  });

  it('graphql-ws with connectionParams.token', async () => {
    const run = (token: string, query: string) => {
      const client = wsClient(lens.app.url, { token });
      return new Promise<Json[]>((resolve) => {
        const results: Json[] = [];
        client.subscribe(
          { query },
          {
            next: (value) => void results.push(value as Json),
            error: (error) => resolve([...results, { errors: error as Json['errors'] }]),
            complete: () => resolve(results),
          },
        );
      }).finally(() => client.dispose());
    };
    expect(await run(tokens.task, own)).toEqual([{ data: { taskCompleted: { state: 'SUCCESS' } } }]);
    expect(codes((await run(tokens.task, other))[0] as Json)).toEqual(['FORBIDDEN']);
    // The last character's lowest bit is a spare one (32 bytes in 43 characters): the same bytes, spelt otherwise, are refused too.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const forged = await run(
      tokens.task.replace(/.$/, (c) => alphabet[alphabet.indexOf(c) ^ 1] as string),
      own,
    );
    expect(codes(forged[0] as Json)).toEqual(['INVALID_TOKEN']);
  });
});

/** The events of a graphql-ws subscription until `count` arrived (or it ended), then closed. */
async function wsEvents(token: string, query: string, count: number): Promise<Json[]> {
  const client = wsClient(lens.app.url, { token });
  const results: Json[] = [];
  try {
    await new Promise<void>((resolve) => {
      client.subscribe(
        { query },
        {
          next: (value) => {
            results.push(value as Json);
            if (results.length >= count) resolve();
          },
          error: (error) => {
            results.push({ errors: error as Json['errors'] });
            resolve();
          },
          complete: resolve,
        },
      );
    });
  } finally {
    await client.dispose();
  }
  return results;
}

describe('live subscriptions of a token', () => {
  it('a workflow token subscribes to its graph; a goal token to its goal', async () => {
    const [graph] = await wsEvents(
      tokens.root,
      `subscription { taskGraph(rootId: "${ids.root}") { nodes { id task { state } } } }`,
      1,
    );
    expect(graph?.errors).toBeUndefined();
    // root, child, grandchild, and the grandchild's child seen only in events (taskGraph follows seen children).
    expect((graph?.data?.taskGraph as { nodes: { id: string }[] }).nodes.map((node) => node.id).sort()).toEqual(
      [ids.root, ids.child, ids.grandchild, ids.seen].sort(),
    );
    const [other] = await wsEvents(
      tokens.root,
      `subscription { taskGraph(rootId: "${ids.otherRoot}") { nodes { id } } }`,
      1,
    );
    expect(codes(other as Json)).toEqual(['FORBIDDEN']);
    const [goal] = await wsEvents(
      tokens.goal,
      `subscription { goal(key: "${ids.goal}") { status currentTask { id } } }`,
      1,
    );
    expect(goal?.data).toEqual({ goal: { status: 'PENDING', currentTask: { id: ids.attempt } } });
    const [tasks] = await wsEvents(
      tokens.root,
      `subscription { tasks(ids: ["${ids.child}", "${ids.otherChild}"]) { id } }`,
      1,
    );
    expect(codes(tasks as Json)).toEqual(['FORBIDDEN']);
    await until(() => lens.app.watcher.watchedCount === 0);
  });

  it('events after the token expires are TOKEN_EXPIRED', async () => {
    const id = randomUUID();
    // Seconds enough to connect and read PENDING on a loaded machine before it expires (rounded down to the second).
    const expiresAt = Date.now() + 4000;
    const token = new ReadTokens(TOKEN_SECRET).create({ kind: 'task', id, payload: false, expiresAt });
    const events = wsEvents(token, `subscription { task(id: "${id}") { state } }`, 2);
    await until(() => lens.app.watcher.watchedCount === 1);
    // Expiry is to the second (rounded down), so it has passed once this holds.
    await until(() => Date.now() > expiresAt);
    await writeMeta(lens.redis.client(), { status: 'STARTED', result: { pid: 1, hostname: 'h' } }, { id });
    const [first, second] = await events;
    expect(first?.data).toEqual({ task: { state: 'PENDING' } });
    expect(codes(second as Json)).toEqual(['TOKEN_EXPIRED']);
  });
});

describe('a workflow token', () => {
  it('reads the root, its descendants by stored parents, and one known from its events only', async () => {
    for (const id of [ids.root, ids.child, ids.grandchild, ids.seen]) {
      const result = await post(bearer(tokens.root), `{ task(id: "${id}") { id status } }`);
      expect(result.errors, id).toBeUndefined();
    }
    const graph = await post(
      bearer(tokens.root),
      `{ taskGraph(rootId: "${ids.root}") { nodes { id task { state } } } }`,
    );
    expect(graph.errors).toBeUndefined();
    expect((graph.data?.taskGraph as { nodes: { id: string }[] }).nodes.map((node) => node.id).sort()).toEqual(
      [ids.root, ids.child, ids.grandchild, ids.seen].sort(),
    );
    const links = await post(bearer(tokens.root), `{ task(id: "${ids.grandchild}") { root { id } parent { id } } }`);
    expect(links.data).toEqual({ task: { root: { id: ids.root }, parent: { id: ids.child } } });
  });

  it('refuses another workflow, and a task it has not seen yet', async () => {
    for (const query of [
      `{ task(id: "${ids.otherChild}") { state } }`,
      `{ task(id: "${randomUUID()}") { state } }`,
      `{ taskGraph(rootId: "${ids.otherRoot}") { nodes { id } } }`,
      `{ tasks(ids: ["${ids.root}", "${ids.otherRoot}"]) { state } }`,
    ]) {
      expect(codes(await post(bearer(tokens.root), query)), query).toEqual(['FORBIDDEN']);
    }
  });
});

describe('a goal token', () => {
  it('reads its goal and its attempts, nothing else', async () => {
    const goal = await post(bearer(tokens.goal), `{ goal(key: "${ids.goal}") { status attempts { id result } } }`);
    expect(goal).toMatchObject({ data: { goal: { status: 'PENDING', attempts: [{ id: ids.attempt, result: 5 }] } } });
    expect((await post(bearer(tokens.goal), `{ task(id: "${ids.attempt}") { state } }`)).errors).toBeUndefined();
    expect(codes(await post(bearer(tokens.goal), `{ task(id: "${ids.single}") { state } }`))).toEqual(['FORBIDDEN']);
    expect(codes(await post(bearer(tokens.goal), `{ goal(key: "other:${randomUUID()}") { status } }`))).toEqual([
      'FORBIDDEN',
    ]);
  });
});

describe('bad tokens', () => {
  const query = `{ task(id: "${ids.single}") { state } }`;

  it('forged, altered or signed with another secret: INVALID_TOKEN (401)', async () => {
    const [body, signature] = tokens.task.split('.') as [string, string];
    const widened = Buffer.from(
      JSON.stringify({ v: 1, k: 'root', id: ids.otherRoot, p: true, exp: 9_999_999_999 }),
    ).toString('base64url');
    for (const token of [
      `clt_${widened}.${signature}`,
      `${body}.${signature.slice(1)}`,
      new ReadTokens('another-secret-another-secret-0000').create({
        kind: 'task',
        id: ids.single,
        payload: true,
        expiresAt: Date.now() + 60_000,
      }),
    ]) {
      const result = await post(bearer(token), query);
      expect(result.status).toBe(401);
      expect(codes(result)).toEqual(['INVALID_TOKEN']);
    }
  });

  it('expired: TOKEN_EXPIRED (401)', async () => {
    const expired = new ReadTokens(TOKEN_SECRET).create({
      kind: 'task',
      id: ids.single,
      payload: false,
      expiresAt: Date.now() - 1000,
    });
    const result = await post(bearer(expired), query);
    expect(result.status).toBe(401);
    expect(codes(result)).toEqual(['TOKEN_EXPIRED']);
  });

  it('JWTs still work beside read tokens, and a read token never passes for a JWT', async () => {
    const signed = jwt.sign({ sub: 'svc', scope: 'status' }, JWT_SECRET, { expiresIn: 60 });
    expect((await post(bearer(signed), `{ task(id: "${ids.otherRoot}") { state } }`)).data).toEqual({
      task: { state: 'SUCCESS' },
    });
    const minter = jwt.sign({ sub: 'backend', scope: 'celery-lens:tokens' }, JWT_SECRET, { expiresIn: 60 });
    const minted = await post(bearer(minter), `mutation { createReadToken(taskId: "${ids.single}") { token } }`);
    expect((minted.data?.createReadToken as { token: string }).token).toMatch(/^clt_/);
    const asJwt = new ReadTokens(JWT_SECRET).create({
      kind: 'task',
      id: ids.single,
      payload: false,
      expiresAt: Date.now() + 60_000,
    });
    expect(codes(await post(bearer(asJwt), query))).toEqual(['INVALID_TOKEN']);
  });
});

describe('without --token-secret', () => {
  let jwtOnly: Awaited<ReturnType<typeof startApp>>;
  let none: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    jwtOnly = await startApp(lens.redis.url(), [
      '--auth',
      'true',
      '--jwt-secret',
      JWT_SECRET,
      '--api-keys',
      `backend:${hash(BACKEND_KEY)}:status+tokens`,
    ]);
    none = await startApp(lens.redis.url(), [
      '--auth',
      'true',
      '--api-keys',
      `backend:${hash(BACKEND_KEY)}:status+tokens`,
    ]);
  });
  afterAll(async () => {
    await jwtOnly?.stop();
    await none?.stop();
  });
  const call = async (url: string, headers: Record<string, string>, query: string) =>
    (await (
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query }),
      })
    ).json()) as Json;

  it('signs with the JWT secret; with no secret at all, TOKENS_DISABLED', async () => {
    const created = await call(
      jwtOnly.url,
      { 'x-api-key': BACKEND_KEY },
      `mutation { createReadToken(taskId: "${ids.single}") { token } }`,
    );
    const token = (created.data?.createReadToken as { token: string }).token;
    expect((await call(jwtOnly.url, bearer(token), `{ task(id: "${ids.single}") { state } }`)).data).toEqual({
      task: { state: 'SUCCESS' },
    });
    expect(
      codes(
        await call(
          none.url,
          { 'x-api-key': BACKEND_KEY },
          `mutation { createReadToken(taskId: "${ids.single}") { token } }`,
        ),
      ),
    ).toEqual(['TOKENS_DISABLED']);
    expect(codes(await call(none.url, bearer(token), `{ task(id: "${ids.single}") { state } }`))).toEqual([
      'INVALID_TOKEN',
    ]);
  });
});
