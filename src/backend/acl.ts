/**
 * The Redis ACL rule celery-lens needs, and no more: read-only on Celery's
 * keys and the broker queues it inspects, read-write on its own prefix, the
 * pub/sub channels it listens to, and its own goal channels to publish.
 * `celery-lens acl` prints it for the current configuration.
 */
import { eventChannelPattern } from '../celery/events.ts';
import { normalizeGlobalKeyprefix } from '../celery/keys.ts';
import type { Config } from '../config.ts';

const COMMANDS = [
  // connection: ioredis' ready check, db selection, connection names
  'ping', 'info', 'select', 'client|setname',
  // reading Celery's keys and the broker queues
  'mget', 'get', 'pttl', 'exists', 'lrange',
  // celery-lens' own keys (timelines, indexes, tombstones, goals)
  'hgetall', 'hexists', 'zrange', 'hset', 'hsetnx', 'expire', 'zadd', 'set', 'rpush', 'multi', 'exec',
  // the numbered states resumable subscriptions replay (state-log.ts: a script, and what it runs)
  'evalsha', 'eval', 'hget', 'hmget', 'hdel', 'hincrby', 'zscore', 'zcard', 'zcount', 'zrangebyscore', 'zremrangebyrank',
  // pub/sub
  'subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'publish',
];

export function aclRule(
  config: Pick<Config, 'globalKeyprefix' | 'lensPrefix' | 'broker' | 'queues'>,
  username: string,
  password: string,
): string[] {
  const celery = normalizeGlobalKeyprefix(config.globalKeyprefix);
  return [
    'ACL', 'SETUSER', username, 'reset', 'on', `>${password}`,
    '-@all', ...COMMANDS.map((command) => `+${command}`),
    `%R~${celery}celery-task-meta-*`,
    `%R~${celery}celery-taskset-meta-*`,
    ...config.queues.map((queue) => `%R~${queue}`),
    `~${config.lensPrefix}*`,
    `&${celery}celery-task-meta-*`,
    `&${eventChannelPattern(config.broker.db)}`,
    `&${config.lensPrefix}*`,
  ];
}
