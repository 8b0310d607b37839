import { createApp } from './app.ts';
import { aclRule, storeAclRule } from './redis/acl.ts';
import { amqpPermissions, setPermissionsCommand } from './broker/amqp/amqp-permissions.ts';
import { isAmqp } from './broker/amqp/amqp-url.ts';
import { loadConfig } from './config/config.ts';
import { usage } from './config/usage.ts';
import { ConfigError } from './errors/config-error.ts';
import { runCursorKeyCommand } from './cli/cursor-key-cli.ts';
import { runIndexCommand } from './cli/index-cli.ts';
import { type HeapGrowth, heapGrowth } from './heap-growth.ts';
import { createLogging } from './logging.ts';

/**
 * One word of the printed ACL rule as redis-cli's prompt reads it: quoted when it holds
 * glob or redirection characters, and in double quotes with `\xHH` escapes when
 * it holds control characters (kombu's priority queues are `<queue>\x06\x16<step>`).
 */
function redisCliWord(word: string): string {
  if (/[\x00-\x1f"\\]/.test(word))
    return `"${word.replace(/[\x00-\x1f"\\]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))}"`;
  return /[*<>~&%|]/.test(word) ? `'${word}'` : word;
}

/**
 * V8's heap growing factor: tight once the process serves (idle subscriptions' RSS),
 * V8's own while the process is busy with queries (heap-growth.ts). Not before it
 * serves: start-up's full collections would set the first limits tight, and a
 * fresh process' first queries pay for them (P2 in docs/benchmarks.md). An
 * operator's own `node --heap-growing-percent=N` (or `--heap_growing_percent`) wins, always.
 */
const operatorHeapFlag = process.execArgv.some((flag) => flag.replace(/_/g, '-').startsWith('--heap-growing-percent'));

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(usage());
  process.exit(0);
}

try {
  if (process.argv[2] === 'acl') {
    // `celery-lens acl [options]`: the least-privilege Redis user for this configuration (and RabbitMQ permissions).
    // `acl --control` alone means `--control true`: the rule for a process that will act on tasks.
    const args = process.argv
      .slice(3)
      .flatMap((word, index, all) =>
        word === '--control' && (all[index + 1] === undefined || all[index + 1]!.startsWith('--'))
          ? [word, 'true']
          : [word],
      );
    const config = loadConfig(args);
    const rule = aclRule(config, 'celery-lens', '<password>');
    // With --store elsewhere, one rule per server: which is which on stderr, so stdout stays pasteable lines.
    if (config.store) process.stderr.write(`# the result backend (${config.backend.redacted}):\n`);
    console.log(rule.map(redisCliWord).join(' '));
    if (config.store) {
      process.stderr.write(`# celery-lens' store (${config.store.redacted}):\n`);
      console.log(storeAclRule(config, 'celery-lens', '<password>').map(redisCliWord).join(' '));
    }
    // A RabbitMQ broker: its permissions on the vhost, for the user of --broker's URL.
    if (isAmqp(config.broker))
      console.log(setPermissionsCommand(config.broker.vhost, config.broker.username, amqpPermissions(config)));
    process.exit(0);
  }
  if (process.argv[2] === 'index') {
    process.exit(await runIndexCommand(process.argv.slice(3)));
  }
  if (process.argv[2] === 'cursor-key') {
    process.exit(await runCursorKeyCommand(process.argv.slice(3)));
  }
  const config = loadConfig();
  const { logger, operationLogger, flushSync } = createLogging({ base: { service: 'celery-lens' } });
  // A crash is said on stdout with the rest, and the buffered lines before it are not lost.
  // (An unhandled rejection arrives here too: Node's default is to throw it.)
  process.on('uncaughtException', (error, origin) => {
    logger.fatal({ err: error, origin }, 'crashed');
    flushSync();
    process.exit(1);
  });
  let heap: HeapGrowth | null = null;
  let queries = 0;
  const onQuery = () => {
    queries += 1;
    heap?.queried(app.cohorts.size);
  };
  const app = createApp(config, { logger, operationLogger, onQuery });
  // The alert rules file is read again; a bad one is logged and the rules in force are kept.
  // Listened to before start: SIGHUP's default action would end the process.
  process.on('SIGHUP', () => app.alerts.reload());
  const { url } = await app.start();
  if (!operatorHeapFlag)
    heap = heapPolicy(
      () => queries,
      () => app.cohorts.size,
    );
  logger.info({ url, backend: config.backend.redacted, broker: config.broker.redacted }, 'serving');
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => {
        flushSync();
        process.exit(0);
      },
      () => {
        flushSync();
        process.exit(1);
      },
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

/**
 * The heap policy's clock: the queries of the last second, looked at every 100 ms
 * (the counts a second ago, one per tick, in a ring), so a burst of queries
 * loosens the factor within 100 ms; each query also loosens it at once.
 */
function heapPolicy(queries: () => number, live: () => number): HeapGrowth {
  const heap = heapGrowth();
  const counts = new Array<number>(10).fill(0);
  let tick = 0;
  setInterval(() => {
    const slot = tick++ % counts.length;
    const secondAgo = counts[slot] ?? 0;
    counts[slot] = queries();
    heap.tick(live(), queries() - secondAgo);
  }, 100).unref();
  return heap;
}
