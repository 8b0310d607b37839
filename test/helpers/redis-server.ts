/**
 * Starts a private redis-server on a free port for a test file, and lets the
 * test kill and restart it (same port) to exercise outages.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { ensureDebianPackages, runs } from './debian.ts';
import type { TlsFiles } from './tls-certs.ts';

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:<port>/<db> */
  url(db?: number): string;
  /** A plain ioredis client for arranging data; closed by stop(). */
  client(db?: number): Redis;
  /** SIGKILL: the server vanishes as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: it keeps nothing on disk). */
  restart(): Promise<void>;
  /** SIGSTOP: a stalled server; commands sent meanwhile run after resume(). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  stop(): Promise<void>;
}

/** A port nothing listens on: `preferred` when it is free, else (and by default) one the system picks. */
export async function freePort(preferred = 0): Promise<number> {
  const probe = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() =>
          typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
        );
      });
    });
  return preferred === 0 ? probe(0) : probe(preferred).catch(() => probe(0));
}

async function waitForPing(port: number, timeoutMs: number, tls: RedisOptions['tls']): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      ...(tls ? { tls } : {}),
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      probe.disconnect();
    }
  }
}

/** With `tls`, the server listens only on TLS (`url()` is then rediss://). */
export async function startRedis(options: { tls?: TlsFiles } = {}): Promise<RedisServer> {
  ensureDebianPackages(() => runs('redis-server', ['--version']), ['redis-server']);
  const port = await freePort();
  const tls = options.tls;
  const clientTls = tls ? { ca: readFileSync(tls.caFile) } : undefined;
  const listen = tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        tls.certFile,
        '--tls-key-file',
        tls.keyFile,
        '--tls-ca-cert-file',
        tls.caFile,
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  let child: ChildProcess | null = null;
  const clients: Redis[] = [];

  const launch = async () => {
    const proc = spawn(
      'redis-server',
      [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--databases', '16'],
      { stdio: 'ignore' },
    );
    child = proc;
    await waitForPing(port, 10_000, clientTls);
  };
  const kill = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };

  await launch();
  return {
    port,
    url: (db = 0) => `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}/${db}`,
    client: (db = 0) => {
      const client = new Redis({
        port,
        host: '127.0.0.1',
        db,
        maxRetriesPerRequest: 1,
        ...(clientTls ? { tls: clientTls } : {}),
      });
      client.on('error', () => {});
      clients.push(client);
      return client;
    },
    kill,
    restart: launch,
    pause: () => {
      (child as ChildProcess | null)?.kill('SIGSTOP');
    },
    resume: () => {
      (child as ChildProcess | null)?.kill('SIGCONT');
    },
    stop: async () => {
      for (const client of clients) client.disconnect();
      await kill();
    },
  };
}
