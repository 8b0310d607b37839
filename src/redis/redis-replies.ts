/**
 * How every store turns what ioredis answers into values or coded errors.
 *
 * ioredis rejects a failed single command, but resolves a pipeline or MULTI
 * with one `[error, value]` per command, a dead or stalled Redis included
 * ("Stream isn't writeable…", "Command timed out"). A store that only
 * destructures the values reads an outage as "no such key"; these helpers
 * make every failure BACKEND_UNAVAILABLE, and a key of the wrong Redis type
 * a LensDataError naming it.
 */
import type { ChainableCommander } from 'ioredis';
import { BackendUnavailableError } from '../errors/backend-unavailable-error.ts';
import { LensDataError } from '../errors/lens-data-error.ts';
import { LensError } from '../errors/lens-error.ts';
import { StoreUnavailableError } from '../errors/store-unavailable-error.ts';
import { isStoreError } from './store-errors.ts';

export type Reply = [Error | null, unknown];

/** Redis' answer to a command on a key that holds another type (a hash where a list was expected, …). */
export function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError' && error.message.startsWith('WRONGTYPE');
}

/**
 * Any failure to get an answer from Redis (connection, timeout, NOPERM, OOM,
 * LOADING, …): STORE_UNAVAILABLE when it came from a store apart from the
 * backend (store-errors.ts), else BACKEND_UNAVAILABLE.
 */
export function unavailable(error: unknown): LensError {
  if (error instanceof LensError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (isStoreError(error)) return new StoreUnavailableError(reason, { cause: error });
  return new BackendUnavailableError(reason, { cause: error });
}

/** Runs one Redis call; whatever it throws, LensErrors aside, is BACKEND_UNAVAILABLE. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw unavailable(error);
  }
}

/** Executes a pipeline or MULTI and returns one reply per command; throws when it failed as a whole. */
export async function execAll(commands: ChainableCommander): Promise<Reply[]> {
  const replies = await guarded(() => commands.exec());
  // exec() answers null only for a transaction a WATCH aborted; none of ours watches.
  if (!replies) throw new BackendUnavailableError('Redis discarded the transaction');
  return replies as Reply[];
}

/**
 * The value of one reply to a command on `key`. WRONGTYPE is a LensDataError
 * naming the key; any other error is BACKEND_UNAVAILABLE.
 */
export function valueOf(reply: Reply | undefined, key: string): unknown {
  if (!reply) throw new BackendUnavailableError(`no reply for ${key}`);
  const [error, value] = reply;
  if (!error) return value;
  if (isWrongType(error))
    throw new LensDataError(key, 'the key holds another Redis type than celery-lens writes there');
  throw unavailable(error);
}
