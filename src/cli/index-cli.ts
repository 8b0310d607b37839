/**
 * `celery-lens index --backfill [--restart] [--scan-count N] [options]`:
 * indexes the result keys Redis holds now (see store/index/index-backfill.ts),
 * with the serve command's options (--backend, --store, --lens-prefix, --index-*).
 * Progress on stderr, a JSON summary on stdout; Ctrl-C stops after the
 * batch in progress, and the next run resumes there.
 */
import { createRedis } from '../redis/connection.ts';
import { backfillIndex } from '../store/index/index-backfill.ts';
import { lensKeys } from '../store/lens-keys.ts';
import { guarded } from '../redis/redis-replies.ts';
import { TaskIndex } from '../store/index/task-index.ts';
import { celeryKeys } from '../celery/keys.ts';
import { loadConfig } from '../config/config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { LensError } from '../errors/lens-error.ts';

export const INDEX_USAGE = 'Usage: celery-lens index --backfill [--restart] [--scan-count N] [options of serve]';

/** Takes the index command's own flags out of argv; the rest are serve's options. */
function ownFlags(argv: readonly string[]) {
  const rest: string[] = [];
  let backfill = false;
  let restart = false;
  let count = 1000;
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index] as string;
    if (word === '--backfill') backfill = true;
    else if (word === '--restart') restart = true;
    else if (word === '--scan-count') {
      const value = argv[index + 1] ?? '';
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100_000)
        throw new ConfigError(`--scan-count must be an integer from 1 to 100000, got "${value}"`);
      count = Number(value);
      index += 1;
    } else rest.push(word);
  }
  if (!backfill) throw new ConfigError(`the index command needs --backfill\n${INDEX_USAGE}`);
  return { rest, restart, count };
}

/** Runs the command; resolves with the exit code. */
export async function runIndexCommand(
  argv: readonly string[],
  stderr: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const { rest, restart, count } = ownFlags(argv);
  const config = loadConfig(rest);
  if (!config.index) throw new ConfigError('--index false: there is no index to backfill');
  const settings = {
    commandTimeoutMs: Math.max(config.redisTimeoutMs, 10_000),
    sentinelMaster: config.sentinelMaster,
    sentinelPassword: config.sentinelPassword,
    connectionName: 'celery-lens-backfill',
  };
  const redis = createRedis(config.backend, settings);
  // Read from the backend, written to the store (--store): the backend itself by default.
  const store = config.store ? createRedis(config.store, { ...settings, role: 'store' }) : redis;
  for (const connection of new Set([redis, store])) connection.on('error', () => {});
  const stop = new AbortController();
  const interrupted = () => {
    stderr('stopping after this batch; run the same command again to resume');
    stop.abort();
  };
  process.once('SIGINT', interrupted);
  try {
    await guarded(() => redis.connect());
    if (store !== redis) await guarded(() => store.connect());
    const index = new TaskIndex(store, lensKeys(config.lensPrefix).index, {
      maxTasks: config.indexMaxTasks,
      retentionSeconds: config.indexSeconds,
      shards: config.indexShards,
    });
    const started = Date.now();
    const result = await backfillIndex(redis, index, celeryKeys(config.globalKeyprefix), {
      count,
      restart,
      store,
      kwargKeys: config.indexKwargs,
      signal: stop.signal,
      progress: (p) =>
        stderr(
          `backfill: ${p.scanned} result keys read, ${p.indexed} indexed, ${p.skipped} skipped${p.complete ? ', done' : ''}`,
        ),
    });
    if (result.resumed) stderr('backfill: resumed the run that had stopped (--restart starts over)');
    console.log(JSON.stringify({ ...result, seconds: (Date.now() - started) / 1000 }));
    return result.complete ? 0 : 1;
  } catch (error) {
    // Redis away or refusing (BACKEND_UNAVAILABLE): said in one line; the saved cursor lets a rerun resume.
    if (!(error instanceof LensError)) throw error;
    stderr(`backfill stopped: ${error.message}`);
    return 1;
  } finally {
    process.off('SIGINT', interrupted);
    redis.disconnect();
    store.disconnect();
  }
}
