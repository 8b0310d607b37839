/**
 * The Redis ACL rule celery-lens needs, and no more: read-only on Celery's
 * keys and the broker queues it inspects, read-write on its own prefix, the
 * pub/sub channels it listens to, and its own goal channels to publish.
 * With --control true, also LPUSH on the --queues lists (and their priority
 * sub-queues) and PUBLISH on the workers' pidbox channel: still no write to a
 * result key. `celery-lens acl` prints it for the current configuration.
 */
import { eventChannelPattern } from '../celery/events.ts';
import { normalizeGlobalKeyprefix } from '../celery/keys.ts';
import { pidboxChannel, queueKey } from '../celery/outgoing-messages.ts';
import type { Config } from '../config.ts';

const COMMANDS = [
  // connection: ioredis' ready check, db selection, connection names
  'ping', 'info', 'select', 'client|setname',
  // reading Celery's keys and the broker queues
  'mget', 'get', 'pttl', 'exists', 'lrange',
  // celery-lens' own keys (timelines, indexes, tombstones, goals)
  'hgetall', 'hexists', 'zrange', 'hset', 'hsetnx', 'expire', 'zadd', 'set', 'rpush', 'multi', 'exec',
  // the task index: its scripts, the commands they run, hmget for taskStats, scan for `index --backfill`
  'eval', 'evalsha', 'hget', 'hmget', 'hdel', 'hincrby', 'incr', 'zrem', 'zcard', 'zcount', 'zscore', 'zrangebyscore', 'zrevrangebyscore', 'scan',
  // pub/sub
  'subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'publish',
];

/** What --control adds: sending on the known queues, broadcasting to workers. */
function controlRule(config: Pick<Config, 'broker' | 'queues'>): string[] {
  const lists = config.queues.flatMap((queue) => [0, 3, 6, 9].map((priority) => queueKey(queue, priority)));
  return ['+lpush', ...lists.map((list) => `%W~${list}`), `&${pidboxChannel(config.broker.db)}`];
}

export function aclRule(
  config: Pick<Config, 'globalKeyprefix' | 'lensPrefix' | 'broker' | 'queues' | 'control'>,
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
    ...(config.control ? controlRule(config) : []),
  ];
}
