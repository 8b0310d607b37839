/**
 * `npm run demo` as a new user runs it: a real Celery worker, its own Redis,
 * celery-lens on the port asked for. Every printed link names a task already
 * sent (its workflow's root), and every feature of the page is on.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { freePort } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The kinds of workflow the demo sends, and the name of the first task of each (the one its link must name). */
const FIRST_TASK: Record<string, string> = {
  long: 'demo.report',
  chord: 'demo.map_reduce',
  chain: 'demo.fetch',
  group: 'demo.batch',
  failure: 'demo.fetch',
  retry: 'demo.flaky',
  revoked: 'demo.report',
};

interface Link {
  readonly id: string;
  /** How long after the link was printed celery-lens first knew its task (not UNKNOWN); null: not within a minute. */
  readonly knownAfterMs: Promise<number | null>;
  /** Each `name:state` its workflow's graph showed, polled from the moment the link was printed until all were ready. */
  readonly watched: Promise<Set<string>>;
}

interface Demo {
  readonly child: ChildProcess;
  /** Its exit code (null: killed by a signal). */
  readonly exited: Promise<number | null>;
  readonly lines: string[];
  origin: string | null;
  /** The private redis-server's port. */
  redisPort: string | null;
  /** The first link printed for each kind of workflow. */
  readonly links: Map<string, Link>;
}

async function query<T>(origin: string, document: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: document, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Polls a printed task from the moment its link is printed until celery-lens knows it. */
async function knownAfter(origin: string, id: string): Promise<number | null> {
  const printed = Date.now();
  const known = async () =>
    (await query<{ task: { status: string } }>(origin, 'query ($id: ID!) { task(id: $id) { status } }', { id })).task
      .status !== 'UNKNOWN';
  return until(known, 60_000).then(
    () => Date.now() - printed,
    () => null,
  );
}

const GRAPH = 'query ($rootId: ID!) { taskGraph(rootId: $rootId) { ready nodes { task { id name state rawState } } } }';
type GraphTask = { id: string; name: string | null; state: string; rawState: string };
type GraphView = { taskGraph: { ready: boolean; nodes: { task: GraphTask | null }[] } };

async function watchGraph(origin: string, rootId: string): Promise<Set<string>> {
  const seen = new Set<string>();
  await until(async () => {
    const graph = (await query<GraphView>(origin, GRAPH, { rootId })).taskGraph;
    for (const { task } of graph.nodes) if (task) seen.add(`${task.name}:${task.rawState}`);
    return graph.ready && graph.nodes.length > 1;
  }, 120_000).catch(() => {});
  return seen;
}

function startDemo(port: number, interval: string): Demo {
  // As `npm run demo` runs it: one Node process with tsx's loader, so SIGINT reaches the demo itself (tsx's
  // CLI relays it and SIGKILLs a child that has not answered within 30 ms, which a loaded machine misses).
  const args = ['--import', 'tsx', 'demo/run.ts', '--interval', interval, '--port', String(port)];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const demo: Demo = { child, exited, lines: [], origin: null, redisPort: null, links: new Map() };
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    demo.lines.push(line);
    const page = /^ {2}page +(http:\/\/\S+)\/$/.exec(line);
    if (page?.[1]) demo.origin = page[1];
    const backend = /^ {2}backend +redis:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
    if (backend?.[1]) demo.redisPort = backend[1];
    const sent = /^ {2}(\w+) +http:\/\/\S+\/tasks\/(\S+)$/.exec(line);
    if (sent?.[1] && sent[2] && demo.origin && !demo.links.has(sent[1])) {
      const watched = sent[1] === 'chain' ? watchGraph(demo.origin, sent[2]) : Promise.resolve(new Set<string>());
      demo.links.set(sent[1], { id: sent[2], knownAfterMs: knownAfter(demo.origin, sent[2]), watched });
    }
  });
  return demo;
}

/** Ctrl-C, as a user stops it: the demo stops what it started (SIGKILL would leave its worker and Redis running). */
async function stopDemo(demo: Demo): Promise<void> {
  demo.child.kill('SIGINT');
  expect(await demo.exited).toBe(0);
}

interface TaskView {
  id: string;
  name: string | null;
  state: string;
  rawState: string;
  status: string;
  parentId: string | null;
  result: unknown;
  retries: number | null;
  error: { type: string } | null;
  children: { id: string }[];
  kwargs: Record<string, unknown> | null;
}
const TASK =
  'query ($id: ID!) { task(id: $id) { id name state rawState status parentId result retries error { type } children { id } kwargs } }';

let demo: Demo;
let origin: string;
let askedPort: number;
const others: Demo[] = [];
afterAll(async () => {
  // After a failed test: stopped as Ctrl-C does, so nothing it started outlives the file.
  for (const running of [demo, ...others]) {
    if (running?.child.exitCode !== null || running.child.signalCode !== null) continue;
    running.child.kill('SIGINT');
    await running.exited;
  }
}, 60_000);

beforeAll(async () => {
  askedPort = await freePort();
  // Every 3 s: the worker (4 processes) keeps up, so nothing waits in a growing queue.
  demo = startDemo(askedPort, '3');
  await until(() => Object.keys(FIRST_TASK).every((kind) => demo.links.has(kind)), 120_000);
  origin = demo.origin as string;
}, 150_000);

/** Polls the printed task of `kind` until `check` holds. */
async function settled(
  kind: string,
  check: (task: TaskView) => boolean,
  id = demo.links.get(kind)?.id as string,
): Promise<TaskView> {
  let last: TaskView | null = null;
  await until(async () => check((last = (await query<{ task: TaskView }>(origin, TASK, { id })).task)), 90_000).catch(
    () => {
      throw new Error(`${kind} ${id} never settled: ${JSON.stringify(last)}`);
    },
  );
  return last as unknown as TaskView;
}

/** Polls the workflow drawn from the printed task of `kind` until one of its tasks passes `check`. */
async function inGraph(kind: string, check: (task: GraphTask) => boolean): Promise<GraphTask> {
  const rootId = demo.links.get(kind)?.id as string;
  let found: GraphTask | undefined;
  await until(async () => {
    found =
      (await query<GraphView>(origin, GRAPH, { rootId })).taskGraph.nodes
        .map((node) => node.task)
        .find((task) => task !== null && check(task)) ?? undefined;
    return found !== undefined;
  }, 90_000);
  return found as GraphTask;
}

describe('npm run demo', () => {
  it('serves the page on the port it is asked for', () => {
    expect(origin).toBe(`http://127.0.0.1:${askedPort}`);
    expect(demo.lines.some((line) => line.includes('is taken'))).toBe(false);
  });

  it('prints links to tasks already sent: each its workflow first task, known to celery-lens at once', async () => {
    for (const [kind, name] of Object.entries(FIRST_TASK)) {
      // Links used to name a chain's or chord's last task: UNKNOWN until the workflow reached it, and not its root.
      const knownAfterMs = await (demo.links.get(kind) as Link).knownAfterMs;
      expect(knownAfterMs, kind).not.toBeNull();
      expect(knownAfterMs, kind).toBeLessThan(20_000);
      const task = await settled(kind, (view) => view.name !== null);
      expect({ kind, name: task.name, parentId: task.parentId }).toEqual({ kind, name, parentId: null });
    }
  }, 180_000);

  it("shows a chain's PROGRESS step, and a chord's callback, from their printed links", async () => {
    // Watched from the moment the link was printed: the resize step's PROGRESS lasts 4 s.
    const chain = await (demo.links.get('chain') as Link).watched;
    expect([...chain]).toEqual(
      expect.arrayContaining(['demo.fetch:SUCCESS', 'demo.resize:PROGRESS', 'demo.publish:SUCCESS']),
    );
    const total = await inGraph('chord', (task) => task.name === 'demo.total' && task.state === 'SUCCESS');
    expect((await settled('chord', () => true, total.id)).result).toBe(506);
  }, 180_000);

  it('runs every kind of workflow to its end', async () => {
    await settled('long', (task) => task.rawState === 'PROGRESS' || task.state === 'SUCCESS');
    const chord = await settled('chord', (task) => task.state === 'SUCCESS');
    expect((await settled('chord', (task) => task.state === 'SUCCESS', chord.result as string)).result).toBe(506);
    await inGraph('chain', (task) => task.name === 'demo.publish' && task.state === 'SUCCESS');
    await settled('group', (task) => task.status === 'SUCCEEDED' && task.children.length === 20);
    const charge = await inGraph('failure', (task) => task.name === 'demo.charge' && task.state === 'FAILURE');
    expect((await settled('failure', () => true, charge.id)).error?.type).toBe('ValueError');
    await settled('retry', (task) => task.state === 'SUCCESS' && task.retries === 2);
    await settled('revoked', (task) => task.state === 'REVOKED');
  }, 300_000);

  it("turns control on: sendTask sends the demo's tasks, which its worker runs", async () => {
    const { viewer } = await query<{ viewer: { canControl: boolean } }>(origin, '{ viewer { canControl } }');
    expect(viewer.canControl).toBe(true);
    const sent = await query<{ sendTask: { id: string } }>(
      origin,
      'mutation { sendTask(name: "demo.square", args: [7], kwargs: { tenant: "acme" }) { id } }',
    );
    const task = await settled('sendTask', (view) => view.state === 'SUCCESS', sent.sendTask.id);
    expect(task.result).toBe(49);
    const refused = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { sendTask(name: "other.task") { id } }' }),
    });
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      'SEND_NOT_ALLOWED',
    );
  }, 120_000);

  it('indexes the tenant kwarg every task carries', async () => {
    const { viewer } = await query<{ viewer: { indexedKwargs: string[] } }>(origin, '{ viewer { indexedKwargs } }');
    expect(viewer.indexedKwargs).toEqual(['tenant']);
    const SEARCH =
      'query ($value: String!) { searchTasks(first: 500, filter: { kwargs: [{ key: "tenant", value: $value }] }) { edges { node { kwargs } } } }';
    type Search = { searchTasks: { edges: { node: { kwargs: { tenant?: string } | null } }[] } };
    let acme: Search['searchTasks']['edges'] = [];
    // A task still queued has no kwargs to show yet (Celery stores them with its result).
    const tenants = () => acme.map((edge) => edge.node.kwargs?.tenant).filter((tenant) => tenant !== undefined);
    await until(async () => {
      acme = (await query<Search>(origin, SEARCH, { value: 'acme' })).searchTasks.edges;
      return tenants().length >= 10;
    }, 60_000);
    expect(tenants()).toEqual(tenants().map(() => 'acme'));
    expect((await query<Search>(origin, SEARCH, { value: 'nobody' })).searchTasks.edges).toEqual([]);
  }, 120_000);

  it("gives celery-lens the app's result_expires: a live card's expiry is within the hour", async () => {
    const sent = await query<{ sendTask: { id: string } }>(
      origin,
      'mutation { sendTask(name: "demo.report", args: [20], kwargs: { tenant: "acme" }) { id } }',
    );
    const id = sent.sendTask.id;
    const client = wsClient(`${origin}/graphql`);
    type Live = { task: { rawState: string; ttlSeconds: number | null } };
    const document = parse('subscription ($id: ID!) { task(id: $id) { rawState ttlSeconds } }') as TypedDocumentNode<
      Live,
      { id: string }
    >;
    const live = subscribe(client, document, { id });
    const progress = () => live.events.filter((event) => event.task.rawState === 'PROGRESS');
    try {
      // PROGRESS arrives as Celery publishes it, and the card shows its expiry from the event.
      await until(() => progress().length >= 3, 90_000).catch(() => {
        throw new Error(`3 PROGRESS events expected: ${JSON.stringify({ events: live.events, errors: live.errors })}`);
      });
      for (const { task } of progress())
        expect(task.ttlSeconds).toSatisfy((seconds: number) => seconds > 3000 && seconds <= 3600);
    } finally {
      live.stop();
      await client.dispose();
    }
    // celery-lens keeps its own record of a task a day longer than Celery's result: 3600 s + 1 day, not 2 days.
    const redis = new Redis({ port: Number(demo.redisPort), host: '127.0.0.1' });
    try {
      expect(await redis.ttl(lensKeys().history(id))).toSatisfy(
        (seconds: number) => seconds > 86_400 && seconds <= 3600 + 86_400,
      );
    } finally {
      redis.disconnect();
    }
  }, 120_000);

  it('a second demo finds the port taken, says so, and serves on another', async () => {
    const second = startDemo(askedPort, '30');
    others.push(second);
    await until(() => second.origin !== null, 120_000);
    expect(second.origin).not.toBe(origin);
    expect(second.lines).toContain(
      `Port ${askedPort} is taken (another demo?): celery-lens listens on ${new URL(second.origin as string).port} this time (--port N picks one).`,
    );
    expect((await fetch(`${second.origin}/readyz`)).ok).toBe(true);
    await stopDemo(second);
    const server = `127.0.0.1:${second.redisPort}`;
    expect(
      execFileSync('ps', ['-e', '-ww', '-o', 'args', 'e'])
        .toString()
        .split('\n')
        .filter((line) => line.includes(server)),
    ).toEqual([]);
  }, 150_000);

  it('Ctrl-C leaves nothing behind', async () => {
    // The demo's processes name its Redis server: redis-server in its title, the others in their environment (`e`).
    const server = `127.0.0.1:${demo.redisPort}`;
    const naming = () =>
      execFileSync('ps', ['-e', '-ww', '-o', 'args', 'e'])
        .toString()
        .split('\n')
        .filter((line) => line.includes(server));
    const running = naming();
    for (const part of [/^redis-server/, /dist\/main\.js/, /send_workflows\.py/, /-m celery -A demo_app worker/]) {
      expect(
        running.some((line) => part.test(line)),
        String(part),
      ).toBe(true);
    }
    await stopDemo(demo);
    await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
    expect(naming()).toEqual([]);
  }, 60_000);
});
