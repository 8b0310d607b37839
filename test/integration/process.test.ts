/** celery-lens as an operator runs it: the CLI, two processes, SIGTERM. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OPTIONS } from '../../src/config/options.ts';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { freePort } from '../helpers/redis-server.ts';
import { until } from '../helpers/until.ts';
import { watchersAt } from '../helpers/watching.ts';

const BIN = fileURLToPath(new URL('../../bin/celery-lens.mjs', import.meta.url));
const lens = useLens();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

async function serve(): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve', '--backend', lens.redis.url(), '--port', String(port)], {
    stdio: 'ignore',
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}/graphql`;
  await until(async () => (await fetch(url.replace('/graphql', '/readyz')).catch(() => null))?.ok === true, 20_000);
  return { child, url, exited };
}

/** An SSE subscription read to its end; resolves with the whole stream. */
function sse(url: string, query: string): Promise<string> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query }),
  }).then((response) => response.text());
}

/** A raw graphql-ws subscription: its messages, and the close code. */
function ws(url: string, query: string) {
  const socket = new WebSocket(url.replace('http', 'ws'), 'graphql-transport-ws');
  const messages: { type: string; payload?: unknown }[] = [];
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; payload?: unknown };
    messages.push(message);
    if (message.type === 'connection_ack')
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
  });
  return { messages, closed };
}

describe('the celery-lens command', () => {
  it('--help lists every option with its environment variable; a bad value is one line and exit 2', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const [name, spec] of Object.entries(OPTIONS)) {
      expect(help.stdout).toContain(`--${name}`);
      expect(help.stdout).toContain(spec.env);
    }
    const bad = spawnSync(process.execPath, [BIN, '--port', 'eighty'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'celery-lens: --port (PORT) must be an integer from 0 to 65535, got "eighty"',
    ]);
  });

  it('an unknown option or a missing value names --help and exits 2, for every command', () => {
    const said = (...args: string[]) => {
      const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
      return { status: run.status, lines: run.stderr.trim().split('\n'), stdout: run.stdout };
    };
    expect(said('--foo')).toEqual({
      status: 2,
      lines: ['celery-lens: unknown option --foo (see celery-lens --help)'],
      stdout: '',
    });
    expect(said('serve', '--backend', lens.redis.url(), '--ws-idle-timeout=5')).toMatchObject({
      status: 2,
      lines: ['celery-lens: unknown option --ws-idle-timeout (see celery-lens --help)'],
    });
    expect(said('--port')).toMatchObject({
      status: 2,
      lines: ['celery-lens: --port needs a value (see celery-lens --help)'],
    });
    expect(said('index', '--backfill', '--bogus')).toMatchObject({
      status: 2,
      lines: ['celery-lens: unknown option --bogus (see celery-lens --help)'],
    });
    expect(said('acl', '--nope', 'x')).toMatchObject({
      status: 2,
      lines: ['celery-lens: unknown option --nope (see celery-lens --help)'],
    });
  }, 300_000);

  it('two processes on one Redis: subscribers on both get every update; SIGTERM completes SSE and closes WebSockets with 1001', async () => {
    const [a, b] = await Promise.all([serve(), serve()]);
    const id = randomUUID();
    const onA = ws(a.url, `subscription { taskCompleted(id: "${id}") { state result } }`);
    const onB = sse(b.url, `subscription { taskCompleted(id: "${id}") { state result } }`);
    await until(async () => (await watchersAt(a.url)) === 1 && (await watchersAt(b.url)) === 1);
    await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 42 }, { id });
    expect(await onB).toContain('"taskCompleted":{"state":"SUCCESS","result":42}');
    await until(() => onA.messages.some((m) => m.type === 'complete'));
    expect(onA.messages.find((m) => m.type === 'next')?.payload).toEqual({
      data: { taskCompleted: { state: 'SUCCESS', result: 42 } },
    });

    // Long-lived subscriptions, then SIGTERM.
    const open = randomUUID();
    const wsLive = ws(a.url, `subscription { task(id: "${open}", untilReady: false) { state } }`);
    const sseLive = sse(b.url, `subscription { task(id: "${open}", untilReady: false) { state } }`);
    await until(async () => (await watchersAt(a.url)) === 1 && (await watchersAt(b.url)) === 1);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await sseLive).toMatch(/event: complete/);
    expect(await wsLive.closed).toBe(1001);
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
  });
});
