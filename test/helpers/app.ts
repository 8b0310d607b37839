import { Writable } from 'node:stream';
import { pino } from 'pino';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';

/**
 * A celery-lens app on a free port against the given backend URL; extra CLI
 * flags as in production (`--max-ids`, …). Its JSON log lines are collected in `logs`, not printed.
 */
export async function startApp(
  backendUrl: string,
  flags: readonly string[] = [],
): Promise<App & { url: string; logs: string[] }> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString().trimEnd().split('\n'));
      done();
    },
  });
  // Polling loops in tests would trip the production rate limit; the limit has its own test.
  const config = loadConfig(['--backend', backendUrl, '--port', '0', '--rate-limit', '0', ...flags], {});
  const app = createApp(config, { logger: pino(sink) });
  const { url } = await app.start();
  return Object.assign(app, { url, logs });
}
