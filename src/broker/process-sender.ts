/**
 * Celery's client-side Sender for this process (celery/outgoing-messages.ts):
 * one reply-to oid and one Lamport clock, whichever broker the messages go to.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Sender } from '../celery/outgoing-messages.ts';

export function processSender(): Sender {
  let clock = 0;
  return {
    nodename: `gen${process.pid}@${hostname()}`,
    pid: process.pid,
    replyTo: randomUUID(),
    deliveryTag: randomUUID,
    tick: () => (clock += 1),
    now: () => new Date(),
  };
}
