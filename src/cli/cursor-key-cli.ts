/**
 * `celery-lens cursor-key --rotate [options]`: a new key for page cursors in
 * the ring kept in Redis (store/cursor-key-store.ts), with the serve
 * command's options (--backend, --store, --lens-prefix). Cursors signed with the key
 * it replaces still page on; older keys stop verifying GRACE_MS after their
 * own replacement. Prints the ids of the signing key and of every key that
 * still verifies as JSON on stdout.
 */
import { createRedis } from '../redis/connection.ts';
import { GRACE_MS, REFRESH_MS, rotateStoredCursorKey } from '../store/cursor-key-store.ts';
import { lensKeys } from '../store/lens-keys.ts';
import { guarded } from '../redis/redis-replies.ts';
import { loadConfig } from '../config/config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { LensError } from '../errors/lens-error.ts';

export const CURSOR_KEY_USAGE = 'Usage: celery-lens cursor-key --rotate [options of serve]';

/** Runs the command; resolves with the exit code. */
export async function runCursorKeyCommand(
  argv: readonly string[],
  stderr: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  if (!argv.includes('--rotate')) throw new ConfigError(`the cursor-key command needs --rotate\n${CURSOR_KEY_USAGE}`);
  const config = loadConfig(argv.filter((word) => word !== '--rotate'));
  if (config.cursorSecrets.length > 0) {
    throw new ConfigError(
      '--cursor-secret is set: cursor keys come from it, not from Redis; rotate by listing a new secret first (the old one after it)',
    );
  }
  // The ring lives in celery-lens' store (--store), the backend by default.
  const redis = createRedis(config.store ?? config.backend, {
    commandTimeoutMs: config.redisTimeoutMs,
    sentinelMaster: config.sentinelMaster,
    sentinelPassword: config.sentinelPassword,
    connectionName: 'celery-lens-cursor-key',
    role: config.store ? 'store' : 'backend',
  });
  redis.on('error', () => {});
  try {
    await guarded(() => redis.connect());
    const rotated = await rotateStoredCursorKey(redis, lensKeys(config.lensPrefix).cursorKeys());
    console.log(JSON.stringify(rotated));
    stderr(
      `cursor-key: ${rotated.signing} signs on every process within ${REFRESH_MS / 1000} s; cursors of ${rotated.verifying.slice(1).join(', ') || 'no earlier key'} ` +
        `still page on (a replaced key until ${GRACE_MS / 1000} s after the rotation that follows it)`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof LensError)) throw error;
    stderr(`cursor-key: not rotated: ${error.message}`);
    return 1;
  } finally {
    redis.disconnect();
  }
}
