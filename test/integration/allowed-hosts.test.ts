/**
 * DNS rebinding (issue 24): a page on attacker.example whose name resolves to
 * 127.0.0.1 sends `Host: attacker.example:<port>`. Every HTTP request and
 * WebSocket upgrade naming a host that is not allowed gets 421
 * HOST_NOT_ALLOWED and runs nothing; localhost, IP addresses and the names
 * in --allowed-hosts pass; a WebSocket's Origin is checked against the
 * allowlist, not against the Host the request itself names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApp } from '../helpers/app.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { type RawAnswer, rawRequest } from '../helpers/raw-http.ts';
import { until } from '../helpers/until.ts';

type Started = Awaited<ReturnType<typeof startApp>>;
const lens = useLens(['--control', 'true', '--send-allow', 'lens.*']);
const apps = {} as Record<'listed' | 'any' | 'everywhere', Started>;

beforeAll(async () => {
  apps.listed = await startApp(lens.redis.url(), [
    '--allowed-hosts',
    'lens.example.com, .corp.example, pinned.example:8443',
    '--cors-origins',
    'https://app.example:8443',
  ]);
  apps.any = await startApp(lens.redis.url(), ['--allowed-hosts', '*']);
  apps.everywhere = await startApp(lens.redis.url(), ['--host', '0.0.0.0']);
});
afterAll(async () => {
  await Promise.all(Object.values(apps).map((app) => app?.stop()));
});

const port = (app: Started) => new URL(app.url).port;
const ATTACKER = () => `attacker.example:${port(lens.app)}`;
const SEND = JSON.stringify({ query: 'mutation { sendTask(name: "lens.add", args: [1, 2]) { id } }' });
const SEARCH = JSON.stringify({ query: '{ searchTasks(first: 10) { edges { node { id result } } } }' });

/** A request to `app` (on 127.0.0.1) that names `host`. */
function ask(
  app: Started,
  host: string,
  path = '/graphql',
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const url = new URL(path, `http://127.0.0.1:${port(app)}`);
  return rawRequest(url, { ...init, headers: { host, ...init.headers } });
}
const post = (app: Started, host: string, body: string, headers: Record<string, string> = {}) =>
  ask(app, host, '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

function expectRefused(answer: RawAnswer, what: string) {
  expect([what, answer.status]).toEqual([what, 421]);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(answer.json()).toMatchObject({
    errors: [{ message: expect.stringContaining('--allowed-hosts'), extensions: { code: 'HOST_NOT_ALLOWED' } }],
  });
}

/** Opens a WebSocket to `app` naming `host` (and `origin`); the upgrade's status, and the refusal's body. */
function upgrade(app: Started, host: string, origin?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port(app)}/graphql`, 'graphql-transport-ws', {
      headers: { host },
      ...(origin === undefined ? {} : { origin }),
    });
    socket.once('open', () => {
      socket.close();
      resolve({ status: 101, body: '' });
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.once('error', () => resolve({ status: -1, body: '' }));
  });
}

describe('a Host that is not allowed', () => {
  it('runs no mutation: sendTask with --control true writes nothing', async () => {
    const redis = lens.redis.client();
    const before = await redis.dbsize();
    const host = `attacker.example:${port(lens.app)}`;
    expectRefused(await post(lens.app, host, SEND, { origin: `http://${host}` }), 'sendTask');
    expectRefused(await post(lens.app, host, SEND), 'sendTask without an Origin');
    expect(await redis.llen('celery')).toBe(0);
    expect(await redis.dbsize()).toBe(before);
    // The same request naming the server as localhost is sent: the refusal above is the Host's doing.
    const sent = await post(lens.app, `localhost:${port(lens.app)}`, SEND);
    expect(sent.status).toBe(200);
    const { data } = sent.json<{ data: { sendTask: { id: string } } }>();
    expect(await redis.llen('celery')).toBe(1);
    expect((await redis.lrange('celery', 0, -1))[0]).toContain(data.sendTask.id);
    await redis.del('celery');
  });

  it('reads nothing: searchTasks, the page, GraphiQL, /healthz, /metrics and SSE subscriptions are refused', async () => {
    const id = await writeMeta(lens.redis.client(), {
      status: 'SUCCESS',
      result: { secret: 'payload' },
      name: 'lens.add',
    });
    const search = (host: string) => post(lens.app, host, SEARCH);
    await until(async () => (await search(`127.0.0.1:${port(lens.app)}`)).body.toString().includes(id));
    const refused = await search(ATTACKER());
    expectRefused(refused, 'searchTasks');
    expect(refused.body.toString()).not.toContain('payload');
    expectRefused(await ask(lens.app, ATTACKER(), '/'), 'GET /');
    expectRefused(await ask(lens.app, ATTACKER(), '/tasks/x'), 'GET /tasks/x');
    expectRefused(await ask(lens.app, ATTACKER(), '/graphql', { headers: { accept: 'text/html' } }), 'GraphiQL');
    expectRefused(await ask(lens.app, ATTACKER(), '/graphql?query=%7B__typename%7D'), 'GET /graphql?query');
    expectRefused(await ask(lens.app, ATTACKER(), '/healthz'), '/healthz');
    expectRefused(await ask(lens.app, ATTACKER(), '/metrics'), '/metrics');
    const subscription = `subscription { taskCompleted(id: "${id}") { id result } }`;
    expectRefused(
      await post(lens.app, ATTACKER(), JSON.stringify({ query: subscription }), { accept: 'text/event-stream' }),
      'SSE over POST',
    );
    const sse = await ask(lens.app, ATTACKER(), `/graphql?query=${encodeURIComponent(subscription)}`, {
      headers: { accept: 'text/event-stream' },
    });
    expectRefused(sse, 'SSE over GET');
  });

  it('gets no WebSocket: the upgrade is refused with 421 and the code', async () => {
    const refused = await upgrade(lens.app, ATTACKER(), `http://${ATTACKER()}`);
    expect(refused.status).toBe(421);
    expect(JSON.parse(refused.body)).toMatchObject({ errors: [{ extensions: { code: 'HOST_NOT_ALLOWED' } }] });
    expect((await upgrade(lens.app, ATTACKER())).status).toBe(421);
    expect((await upgrade(lens.app, `127.0.0.1:${port(lens.app)}`)).status).toBe(101);
  });

  it('is refused whatever its spelling, and logged once per name', async () => {
    for (const host of [
      '127.0.0.1.attacker.example',
      'localhost.attacker.example',
      'evil@127.0.0.1',
      '127.0.0.1/x',
      '::1',
      'a b',
    ]) {
      expectRefused(await ask(lens.app, host, '/healthz'), host);
    }
    const logged = lens.app.logs.filter((line) => line.includes('"host":"attacker.example:'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('--allowed-hosts');
  });
});

describe('allowed hosts', () => {
  it('by default: localhost and IP addresses, any case, any port, with or without the final dot', async () => {
    const p = port(lens.app);
    for (const host of [
      `127.0.0.1:${p}`,
      `localhost:${p}`,
      `LocalHost:${p}`,
      `localhost.:${p}`,
      `[::1]:${p}`,
      `10.1.2.3:${p}`,
      'localhost',
      `127.0.0.1:1`,
    ]) {
      const answer = await post(lens.app, host, JSON.stringify({ query: '{ __typename }' }));
      expect([host, answer.status, answer.json()]).toEqual([host, 200, { data: { __typename: 'Query' } }]);
    }
    expect((await upgrade(lens.app, `localhost:${p}`)).status).toBe(101);
  });

  it('--allowed-hosts: names, domains with their subdomains, a pinned port; and the --cors-origins hosts', async () => {
    const verdicts = async (hosts: string[]) =>
      Promise.all(hosts.map(async (host) => [host, (await ask(apps.listed, host, '/healthz')).status]));
    expect(
      await verdicts([
        'lens.example.com',
        'LENS.example.com:4000',
        'corp.example',
        'a.b.corp.example:80',
        'pinned.example:8443',
        'app.example',
        'localhost',
      ]),
    ).toEqual(
      [
        'lens.example.com',
        'LENS.example.com:4000',
        'corp.example',
        'a.b.corp.example:80',
        'pinned.example:8443',
        'app.example',
        'localhost',
      ].map((host) => [host, 200]),
    );
    expect(
      await verdicts([
        'example.com',
        'evil-lens.example.com',
        'evilcorp.example',
        'corp.example.evil',
        'pinned.example',
        'pinned.example:8444',
        'attacker.example',
      ]),
    ).toEqual(
      [
        'example.com',
        'evil-lens.example.com',
        'evilcorp.example',
        'corp.example.evil',
        'pinned.example',
        'pinned.example:8444',
        'attacker.example',
      ].map((host) => [host, 421]),
    );
    expect((await upgrade(apps.listed, 'lens.example.com')).status).toBe(101);
    expect((await upgrade(apps.listed, 'attacker.example')).status).toBe(421);
  });

  it("--allowed-hosts '*' answers any Host, and says at start that rebinding is not refused", async () => {
    expect((await ask(apps.any, 'attacker.example', '/healthz')).status).toBe(200);
    expect(apps.any.logs.some((line) => line.includes('"level":40') && line.includes("ALLOWED HOSTS IS '*'"))).toBe(
      true,
    );
    expect(lens.app.logs.some((line) => line.includes('ALLOWED HOSTS'))).toBe(false);
  });

  it('--host 0.0.0.0: the same rule (IP addresses and localhost), and a line at start naming --allowed-hosts', async () => {
    expect((await ask(apps.everywhere, `192.168.7.7:${port(apps.everywhere)}`, '/healthz')).status).toBe(200);
    expect((await ask(apps.everywhere, 'localhost', '/healthz')).status).toBe(200);
    expectRefused(await ask(apps.everywhere, 'celery-lens.default.svc.cluster.local', '/healthz'), 'a service name');
    expect(
      apps.everywhere.logs.some(
        (line) => line.includes('listening on every address') && line.includes('--allowed-hosts'),
      ),
    ).toBe(true);
    expect(lens.app.logs.some((line) => line.includes('listening on every address'))).toBe(false);
  });
});

describe("a WebSocket's Origin", () => {
  it('is checked against the allowed hosts and the Host together: a foreign or other-port origin is refused even when the Host is allowed', async () => {
    const p = port(lens.app);
    const self = `127.0.0.1:${p}`;
    const refused = await upgrade(lens.app, self, `http://attacker.example:${p}`);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ errors: [{ extensions: { code: 'ORIGIN_NOT_ALLOWED' } }] });
    // Another local site, on another port: not this server's page.
    expect((await upgrade(lens.app, self, 'http://127.0.0.1:5173')).status).toBe(403);
    // The page at localhost:<port> opening a socket to 127.0.0.1:<port>: another origin.
    expect((await upgrade(lens.app, self, `http://localhost:${p}`)).status).toBe(403);
    expect((await upgrade(lens.app, self, `http://${self}`)).status).toBe(101);
    expect((await upgrade(lens.app, `localhost:${p}`, `http://localhost:${p}`)).status).toBe(101);
    // A listed origin may open one, whatever the Host (as long as the Host is allowed).
    expect((await upgrade(apps.listed, 'lens.example.com', 'https://app.example:8443')).status).toBe(101);
    // Its own page behind a TLS proxy that keeps the Host: the scheme differs, the host is the same.
    expect((await upgrade(apps.listed, 'lens.example.com', 'https://lens.example.com')).status).toBe(101);
    expect((await upgrade(apps.listed, 'lens.example.com', 'https://corp.example')).status).toBe(403);
  });
});
