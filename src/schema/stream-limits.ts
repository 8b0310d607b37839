import { clientBuffered } from '../http/client-buffered.ts';
import type { LensContext } from './context.ts';

/**
 * What bounds a subscription's task stream: its queue for a slow client (in
 * updates, and in bytes counting what the client's socket still holds), the
 * process' shutdown, and the watch quota of its connection and caller.
 */
export function streamLimits(context: LensContext) {
  return {
    maxQueued: context.config.maxQueued,
    maxQueuedBytes: context.config.maxQueuedBytes,
    buffered: clientBuffered(context),
    signal: context.shutdown,
    quota: context.watchQuota,
  };
}
