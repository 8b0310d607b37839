import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';

/**
 * A celery-lens app on a free port against the given backend URL; extra CLI
 * flags as in production (`--max-ids`, …). Log lines are collected, not printed.
 */
export async function startApp(
  backendUrl: string,
  flags: readonly string[] = [],
): Promise<App & { url: string; logs: string[] }> {
  const logs: string[] = [];
  const config = loadConfig(['--backend', backendUrl, '--port', '0', ...flags], {});
  const app = createApp(config, { log: (line) => logs.push(line) });
  const { url } = await app.start();
  return Object.assign(app, { url, logs });
}
