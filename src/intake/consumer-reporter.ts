/**
 * Event-consumer failures (a PSUBSCRIBE the ACL refuses, a message it cannot
 * decode, a write Redis refuses) as error lines: each distinct one once a
 * minute, and at most 10 lines a minute in all, since a refused write or a
 * publisher of garbage would otherwise log once per message.
 */
import type { Logger } from 'pino';

export function consumerReporter(logger: Logger, failed: () => number) {
  const said = new Set<string>();
  let windowStart = 0;
  let lines = 0;
  return (what: string, error: unknown): void => {
    const reason = error instanceof Error ? error.message : String(error);
    const now = Date.now();
    if (now - windowStart > 60_000) {
      windowStart = now;
      lines = 0;
      said.clear();
    }
    if (said.has(`${what}:${reason}`) || lines >= 10) return;
    said.add(`${what}:${reason}`);
    lines += 1;
    logger.error({ what, reason: reason.slice(0, 500), failed: failed() }, 'event consumer failure');
  };
}
