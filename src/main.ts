import { createApp } from './app.ts';
import { loadConfig, usage } from './config.ts';
import { ConfigError } from './errors/config-error.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(usage());
  process.exit(0);
}

try {
  const config = loadConfig();
  const app = createApp(config);
  const { url } = await app.start();
  console.error(`celery-lens: serving ${url} (reading ${config.backend.redacted})`);
  const shutdown = (signal: string) => {
    console.error(`celery-lens: ${signal}, shutting down`);
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`celery-lens: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
