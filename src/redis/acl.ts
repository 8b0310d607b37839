/**
 * The Redis ACL rule celery-lens needs, and no more: read-only on Celery's
 * keys and the broker queues it inspects, read-write on its own prefix, the
 * pub/sub channels it listens to, and its own goal channels to publish.
 * With --control true, also LPUSH on the --queues lists (and their priority
 * sub-queues), PUBLISH on the workers' pidbox channel and SADD/SREM of this
 * process' member of kombu's reply binding set: still no write to a result
 * key. With --store apart from the backend, two rules: the backend's reads
 * (no key of celery-lens' but the control replies' list) and the store's (its
 * own keys and channels only). `celery-lens acl` prints them for the current
 * configuration.
 */
import { eventChannelPattern } from '../celery/events.ts';
import { normalizeGlobalKeyprefix } from '../celery/keys.ts';
import { pidboxChannel } from '../celery/outgoing-messages.ts';
import { REPLY_BINDING_KEY } from '../celery/pidbox.ts';
import { priorityKeys } from '../celery/queue-keys.ts';
import type { RedisTarget } from './redis-url.ts';

const COMMANDS = [
  // connection: ioredis' ready check, db selection, connection names
  'ping',
  'info',
  'select',
  'client|setname',
  // reading Celery's keys and the broker queues
  'mget',
  'get',
  'pttl',
  'exists',
  'lrange',
  'llen',
  'lindex',
  // celery-lens' own keys (timelines, indexes, tombstones, goals)
  'hgetall',
  'hexists',
  'zrange',
  'hset',
  'hsetnx',
  'expire',
  'zadd',
  'set',
  'rpush',
  'multi',
  'exec',
  // the task index: its scripts, the commands they run, hmget for taskStats, scan for `index --backfill` and the index' heal after a pub/sub drop (with pttl and mget), hscan for its cells' sweep
  'eval',
  'evalsha',
  'hget',
  'hmget',
  'hlen',
  'hdel',
  'hincrby',
  'incr',
  'zrem',
  'zcard',
  'zcount',
  'zscore',
  'zrangebyscore',
  'zrevrangebyscore',
  'scan',
  'del',
  'hscan',
  // alerts (alerts/alert-store.ts): the transitions' log, Redis' clock in their scripts (their leases' PEXPIRE is below)
  'xadd',
  'xrevrange',
  'xlen',
  'time',
  // bulk actions (src/bulk/: their records, leases and scripts, besides the above), and pexpire and zremrangebyscore for the rollups (store/stats/lua/record.lua)
  'sadd',
  'srem',
  'smembers',
  'zrevrank',
  'zrevrange',
  'zremrangebyscore',
  'pexpire',
  // pub/sub
  'subscribe',
  'unsubscribe',
  'psubscribe',
  'punsubscribe',
  'publish',
];

/** What the result backend is asked when celery-lens' store is elsewhere: Celery's keys read, its channels heard. */
const BACKEND_COMMANDS = [
  ...['ping', 'info', 'select', 'client|setname'],
  ...['mget', 'get', 'pttl', 'exists', 'lrange', 'llen', 'lindex', 'zcard', 'hlen', 'scan', 'multi', 'exec'],
  ...['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe'],
];

/** The options the rule follows (config/config.ts has their meaning): plain values, so redis/ sits below config. */
export interface AclConfig {
  readonly globalKeyprefix: string;
  readonly lensPrefix: string;
  /** A Redis broker's db; a RabbitMQ broker (`kind: 'amqp'`) takes nothing on Redis: its rights are RabbitMQ's (broker/amqp/amqp-permissions.ts). */
  readonly broker: Pick<RedisTarget, 'db'> | { readonly kind: 'amqp' };
  readonly queues: readonly string[];
  readonly prioritySteps: readonly number[];
  readonly prioritySep: string;
  readonly control: boolean;
  /** celery-lens' store apart from the backend (--store); null: its keys are on the backend. */
  readonly store: object | null;
}

/** What --control adds: sending on the known queues, broadcasting to workers. */
function controlRule(config: AclConfig, db: number): string[] {
  const naming = { steps: config.prioritySteps, sep: config.prioritySep };
  const lists = config.queues.flatMap((queue) => priorityKeys(queue, naming).map(({ key }) => key));
  // The reply queue's binding for inspect and worker control (broker/redis/redis-mailbox.ts), and its list under
  // --lens-prefix: with the store elsewhere, the only key of celery-lens' on the broker, and the commands for it.
  const replies = ['+publish', '+sadd', '+srem', '+del', `%RW~${config.lensPrefix}pidbox-replies:*`];
  return [
    '+lpush',
    ...(config.store ? replies : []),
    ...lists.map((list) => `%W~${list}`),
    `&${pidboxChannel(db)}`,
    `%RW~${REPLY_BINDING_KEY}`,
  ];
}

/** A Redis broker's queue lists, read: each queue's own and kombu's priority sub-queues (`<queue>\x06\x16<step>`). */
function queueLists(config: AclConfig): string[] {
  return config.queues.flatMap((queue) =>
    priorityKeys(queue, { steps: config.prioritySteps, sep: config.prioritySep }).map(({ key }) => `%R~${key}`),
  );
}

/** ACL SETUSER from nothing: the user on, its password, no command until the rule's. */
const setUser = (username: string, password: string): string[] => [
  'ACL',
  'SETUSER',
  username,
  'reset',
  'on',
  `>${password}`,
  '-@all',
];

/** The rule for the result backend (and a Redis broker): with the store elsewhere, no key or channel of celery-lens'. */
export function aclRule(config: AclConfig, username: string, password: string): string[] {
  const celery = normalizeGlobalKeyprefix(config.globalKeyprefix);
  // A RabbitMQ broker's rights are RabbitMQ's: on Redis, the backend's keys and channels only.
  const db = 'db' in config.broker ? config.broker.db : null;
  const own = config.store === null;
  return [
    ...setUser(username, password),
    ...(own ? COMMANDS : BACKEND_COMMANDS).map((command) => `+${command}`),
    `%R~${celery}celery-task-meta-*`,
    `%R~${celery}celery-taskset-meta-*`,
    ...(db === null ? [] : queueLists(config)),
    // Its own keys, the hash-tagged ones too (`<prefix>{ix}:…`, `<prefix>{states}:…`: lens-keys.ts).
    ...(own ? [`~${config.lensPrefix}*`] : []),
    `&${celery}celery-task-meta-*`,
    ...(db === null ? [] : [`&${eventChannelPattern(db)}`]),
    ...(own ? [`&${config.lensPrefix}*`] : []),
    ...(config.control && db !== null ? controlRule(config, db) : []),
  ];
}

/**
 * The rule for celery-lens' store apart from the backend (--store): its own
 * keys and channels, nothing of Celery's; on a Redis Cluster also what
 * ioredis' Cluster client asks each node (CLUSTER SLOTS for the slot map,
 * CLUSTER INFO for its ready check).
 */
export function storeAclRule(
  config: Pick<AclConfig, 'lensPrefix'> & { readonly store?: { readonly cluster?: unknown } | null },
  username: string,
  password: string,
): string[] {
  const cluster = Boolean(config.store?.cluster);
  return [
    ...setUser(username, password),
    ...COMMANDS.map((command) => `+${command}`),
    ...(cluster ? ['+cluster|slots', '+cluster|info'] : []),
    `~${config.lensPrefix}*`,
    `&${config.lensPrefix}*`,
  ];
}
