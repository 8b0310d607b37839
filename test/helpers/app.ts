import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';

/**
 * A backend URL no Redis answers: a socket file that does not exist (a TCP port
 * picked as free could be taken meanwhile by another test's redis-server).
 */
export const NO_REDIS = `unix://${join(tmpdir(), `celery-lens-no-redis-${randomUUID()}.sock`)}?db=0`;

/**
 * A celery-lens app against the given backend URL, built but not started: no
 * port, no connection. Extra CLI flags as in production (`--max-ids`, …). Its
 * JSON log lines are collected in `logs`, not printed.
 */
export function buildApp(backendUrl: string, flags: readonly string[] = []): App & { logs: string[] } {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString().trimEnd().split('\n'));
      done();
    },
  });
  // Polling loops in tests would trip the production rate limit; the limit has its own test.
  const config = loadConfig(['--backend', backendUrl, '--port', '0', '--rate-limit', '0', ...flags], {});
  return Object.assign(createApp(config, { logger: pino(sink) }), { logs });
}

/** buildApp, started on a free port. */
export async function startApp(
  backendUrl: string,
  flags: readonly string[] = [],
): Promise<App & { url: string; logs: string[] }> {
  const app = buildApp(backendUrl, flags);
  const { url } = await app.start();
  return Object.assign(app, { url });
}

/**
 * For schema tests through `yoga.fetch` (the unit tier): an app that never
 * reaches a Redis. Its connections are lazy and never opened, so a request that
 * does read Redis answers BACKEND_UNAVAILABLE at once instead of passing unnoticed.
 */
export const schemaApp = (flags: readonly string[] = []) => buildApp(NO_REDIS, flags);
