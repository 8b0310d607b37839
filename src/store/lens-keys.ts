/**
 * celery-lens' own keys, all under one prefix (default `celery-lens:`) so an
 * ACL can give it write access there and read-only access to Celery's keys.
 */
export interface LensKeys {
  /** STRING: what events said about a task and its timeline, one compact record (history-record.ts). */
  history(taskId: string): string;
  /** HASH: what events said about a task, as earlier versions kept it; read, never written. */
  legacyHistory(taskId: string): string;
  /** ZSET: the task's events (score: ms since epoch), as earlier versions kept them; read, never written. */
  legacyEvents(taskId: string): string;
  /** ZSET: ids of tasks that named this one as their parent (score: first seen, ms). */
  children(taskId: string): string;
  /** ZSET: ids of tasks seen with this group_id (score: first seen, ms). */
  groupMembers(groupId: string): string;
  /** STRING: the last final outcome seen, kept after Celery's key expires. */
  tombstone(taskId: string): string;
  /** HASH: a business goal; no TTL. */
  goal(goalKey: string): string;
  /**
   * LIST: a goal's task attempts; no TTL. Its own kind (`goal-attempts:`), not
   * a suffix of the goal's key: goal keys may contain `:`, so `goal:K:attempts`
   * was also the hash of the goal `K:attempts`.
   */
  goalAttempts(goalKey: string): string;
  /** LIST: attempts as earlier versions stored them; read, never written (see GoalStore.read). */
  legacyGoalAttempts(goalKey: string): string;
  /** Pub/sub channel announcing changes of a goal. */
  goalChannel(goalKey: string): string;
  /**
   * STRING: the id reserved by sendTask or resendTask before its message is
   * written (SET NX, the time in ms): one send per id. Kept as long as the
   * task's timeline, counted from its eta (sent-tasks.ts).
   */
  sent(taskId: string): string;
  /** LIST: ids a task was sent again as (resendTask), oldest first. */
  resentAs(taskId: string): string;
  /** STRING: the id of the task this one is a re-send of. */
  resentFrom(taskId: string): string;
  /**
   * Prefix of the task index' keys (task-index.ts, index-keys.ts):
   * `{ix}:all`, `{ix}:rec`, `{ix}:cells`, `{ix}:c:<cell>`, `{ix}:r:<root>`,
   * `{ix}:k:<key>=<json>`, … and its `{ix}:changes` channel. One hash tag a
   * shard: the index' write script touches keys it discovers as it runs, so
   * a shard's live in one Redis Cluster slot; with several shards
   * (--index-shards) each has a tag of its own derived from this prefix,
   * `{ix:<s>}` (index-shards.ts), the channel staying `{ix}:changes`.
   */
  readonly index: string;
  /**
   * Prefix of the bulk actions' keys (src/bulk/bulk-store.ts): `{bulk}:action:<id>` HASH,
   * `{bulk}:acted:<id>` SET, `{bulk}:lease:<id>` STRING, `{bulk}:all` ZSET, `{bulk}:running`
   * SET and the `{bulk}:changes` channel. One hash tag: a batch's claim and commit scripts
   * touch several of them at once.
   */
  readonly bulk: string;
  /**
   * Prefix of the rollups' keys (stats/stats-keys.ts): `{st}:keys` and one
   * HASH per task name, queue or all tasks per minute or hour
   * (`{st}:m<minute>:n:<name>`, `{st}:h<hour>:q:<queue>`, …). One hash tag:
   * a batch's script touches them together.
   */
  readonly stats: string;
  /**
   * STRING: the states published for a task, numbered, for resuming streams (state-bytes.ts). The resume log's
   * keys share the hash tag `{states}` with its clock: the script that numbers a state touches both
   * (state-log.ts), so they live in one Redis Cluster slot.
   */
  stateLog(taskId: string): string;
  /**
   * HASH: `epoch` and `seq`, the counter every recorded state takes its sequence number from; no TTL.
   * `{states}:counter`: the `{states}:clock` of versions that kept a ZSET and a HASH per task is left
   * alone, so cursors they gave read as expired (a new epoch) instead of replaying nothing.
   */
  stateClock(): string;
  /** STRING: the keys page cursors are signed with when --cursor-secret is not set (cursor-key-store.ts); no TTL. */
  cursorKeys(): string;
  /**
   * Prefix of the alerts' keys (alerts/alert-store.ts): `{alerts}:leader`,
   * `{alerts}:state`, `{alerts}:log`, `{alerts}:outbox`, `{alerts}:deliveries`
   * and the `{alerts}:changes` channel. One hash tag: a transition's script
   * writes the state, the log and the outbox together.
   */
  readonly alerts: string;
  /**
   * LIST on the broker: the replies of workers to this process' inspect and
   * control broadcasts (broker/redis/redis-mailbox.ts), bound to Celery's
   * reply exchange while a broadcast waits; emptied as it is read, given a
   * TTL, deleted when none waits.
   */
  pidboxReplies(oid: string): string;
}

/**
 * Every key is `<prefix><kind>:<id>`, with kinds that contain no `:`, so the
 * kind decides the type and no two (kind, id) pairs share a key. The keys a
 * script touches together begin with a hash tag (`{ix}:`, `{states}:`), a
 * kind of its own followed by the kinds of that store.
 *
 * On a Redis Cluster (`cluster`), a goal's hash and attempts list are
 * `goal:{<key>}` and `goal-attempts:{<key>}`: the goal key as their hash tag
 * (goal keys hold no braces: checkGoalKey), so the MULTI that attaches an
 * attempt touches one slot. A single Redis keeps the names it always had.
 */
export function lensKeys(prefix = 'celery-lens:', { cluster = false }: { readonly cluster?: boolean } = {}): LensKeys {
  const goalId = cluster ? (key: string) => `{${key}}` : (key: string) => key;
  return {
    history: (id) => `${prefix}t:${id}`,
    legacyHistory: (id) => `${prefix}task:${id}`,
    legacyEvents: (id) => `${prefix}events:${id}`,
    children: (id) => `${prefix}children:${id}`,
    groupMembers: (id) => `${prefix}group:${id}`,
    tombstone: (id) => `${prefix}tomb:${id}`,
    goal: (key) => `${prefix}goal:${goalId(key)}`,
    goalAttempts: (key) => `${prefix}goal-attempts:${goalId(key)}`,
    legacyGoalAttempts: (key) => `${prefix}goal:${key}:attempts`,
    goalChannel: (key) => `${prefix}goal:${key}`,
    sent: (id) => `${prefix}sent:${id}`,
    resentAs: (id) => `${prefix}resent-as:${id}`,
    resentFrom: (id) => `${prefix}resent-from:${id}`,
    index: `${prefix}{ix}:`,
    bulk: `${prefix}{bulk}:`,
    stats: `${prefix}{st}:`,
    stateLog: (id) => `${prefix}{states}:l:${id}`,
    stateClock: () => `${prefix}{states}:counter`,
    cursorKeys: () => `${prefix}cursor-keys`,
    alerts: `${prefix}{alerts}:`,
    pidboxReplies: (oid) => `${prefix}pidbox-replies:${oid}`,
  };
}
