/**
 * The process' logs: JSON lines (pino) on stdout through one buffered
 * asynchronous destination, since a write per request costs ~8% of
 * throughput. Only the per-operation lines wait in the buffer (up to 4 KiB);
 * every other line (start-up, AUTH IS OFF, connection changes, errors) is
 * written at once, and a crash writes out whatever is buffered before the
 * process exits.
 */
import { type Logger, type LoggerOptions, pino } from 'pino';

export interface Logging {
  /** Start-up, warnings, errors: written at once. */
  readonly logger: Logger;
  /** One line per GraphQL operation: buffered. */
  readonly operationLogger: Logger;
  /** Writes out the buffer now, synchronously (at exit). */
  readonly flushSync: () => void;
}

export function createLogging(options: LoggerOptions = {}): Logging {
  const destination = pino.destination({ sync: false, minLength: 4096 });
  // flush() starts a write unless one is in flight; a write in flight takes only
  // what was buffered before it, so the rest is flushed once it ends.
  let armed = false;
  const flushSoon = () => {
    destination.flush();
    if (armed) return;
    armed = true;
    destination.once('write', () =>
      setImmediate(() => {
        armed = false;
        destination.flush();
      }),
    );
  };
  const operationLogger = pino(options, destination);
  const logger = pino(
    {
      ...options,
      hooks: {
        logMethod(args, method) {
          method.apply(this, args);
          flushSoon();
        },
      },
    },
    destination,
  );
  const flushSync = () => {
    try {
      destination.flushSync();
    } catch {
      // Not open yet (nothing written) or stdout is gone: nothing more can be said.
    }
  };
  return { logger, operationLogger, flushSync };
}
