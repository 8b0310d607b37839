/**
 * Task messages shaped as Celery 5.2.6 LPUSHes them on a Redis broker
 * (docs/celery-wire-format.md, "Task messages"), for tests that need queued
 * tasks without a Celery client.
 */
import { randomUUID } from 'node:crypto';

export interface MessageOptions {
  readonly protocol?: 1 | 2;
  readonly queue?: string;
  readonly parentId?: string | null;
  readonly rootId?: string | null;
  readonly group?: string | null;
  readonly args?: readonly unknown[];
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const repr = (args: readonly unknown[]) =>
  `(${args.map((a) => (typeof a === 'string' ? `'${a}'` : JSON.stringify(a))).join(', ')}${args.length === 1 ? ',' : ''})`;

export function taskMessage(
  id: string,
  { protocol = 2, queue = 'celery', parentId = null, rootId = id, group = null, args = [1, 2] }: MessageOptions = {},
): string {
  const embed = { callbacks: null, errbacks: null, chain: null, chord: null };
  const properties = {
    correlation_id: id,
    reply_to: randomUUID(),
    delivery_mode: 2,
    delivery_info: { exchange: '', routing_key: queue },
    priority: 0,
    body_encoding: 'base64',
    delivery_tag: randomUUID(),
  };
  const envelope = (body: string, headers: object) => ({
    body,
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers,
    properties,
  });
  if (protocol === 1) {
    const body = {
      task: 'lens.add',
      id,
      args,
      kwargs: {},
      group,
      group_index: null,
      retries: 0,
      eta: null,
      expires: null,
      utc: true,
      callbacks: null,
      errbacks: null,
      timelimit: [null, null],
      taskset: null,
      chord: null,
    };
    return JSON.stringify(envelope(b64(body), {}));
  }
  const headers = {
    lang: 'py',
    task: 'lens.add',
    id,
    shadow: null,
    eta: null,
    expires: null,
    group,
    group_index: null,
    retries: 0,
    timelimit: [null, null],
    root_id: rootId,
    parent_id: parentId,
    argsrepr: repr(args),
    kwargsrepr: '{}',
    origin: 'gen29526@vm',
    ignore_result: false,
  };
  return JSON.stringify(envelope(b64([args, {}, embed]), headers));
}
