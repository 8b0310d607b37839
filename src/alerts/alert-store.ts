/**
 * The alerts' state in Redis, under `<lens-prefix>{alerts}:` (one hash tag:
 * each script's keys share a Redis Cluster slot), shared by every replica:
 *
 * - `leader` STRING: the evaluation lease (src/redis/lua/lease.lua), a replica's token;
 * - `state` HASH rule → `{state, since, value, at}`: what alertRules answers;
 * - `log` STREAM: every transition (field `json`), at most LOG_ENTRIES (about);
 * - `outbox` ZSET transition id → when it is due (Redis' clock, ms): deliveries
 *   not done yet; a claim (lua/claim.lua) moves it to the end of its lease;
 * - `deliveries` HASH id → `{t: transition JSON, b: the webhook's body, n: attempts, l: lease token}`;
 * - `changes`: a channel, `<id>\n<transition JSON>` per transition (alerts subscription).
 */
import type { StoreRedis } from '../redis/store-redis.ts';
import type {
  AlertDelivery,
  AlertObservation,
  AlertRuleStatus,
  AlertStorage,
  AlertTransition,
} from '../store/store.ts';
import { holdLease } from '../redis/lease.ts';
import { type LuaScript, luaScript, runScript } from '../redis/lua-scripts.ts';
import { execAll, guarded, valueOf } from '../redis/redis-replies.ts';
import { ChannelFeed } from '../redis/channel-feed.ts';

/** Transitions the log keeps (about: trimmed by whole stream nodes). */
export const LOG_ENTRIES = 10_000;

const script = (name: string, file: string): LuaScript => luaScript(name, new URL(`./lua/${file}`, import.meta.url));
const SCRIPTS = {
  record: script('lensAlertRecord', 'record.lua'),
  claim: script('lensAlertClaim', 'claim.lua'),
  settle: script('lensAlertSettle', 'settle.lua'),
} as const;

/** A transition from its stored JSON (the scripts write it); null for anything else. */
export function decodeTransition(id: string, json: string): AlertTransition | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const t = value as Partial<Record<keyof AlertTransition, unknown>>;
  if (typeof value !== 'object' || value === null || typeof t.rule !== 'string' || typeof t.kind !== 'string')
    return null;
  if ((t.state !== 'firing' && t.state !== 'resolved') || typeof t.at !== 'number') return null;
  const number = (field: unknown) => (typeof field === 'number' ? field : 0);
  return {
    id,
    rule: t.rule,
    kind: t.kind,
    state: t.state,
    at: t.at,
    value: number(t.value),
    threshold: number(t.threshold),
    startedAt: typeof t.startedAt === 'number' ? t.startedAt : t.at,
  };
}

function decodeStatus(raw: string | null): AlertRuleStatus | null {
  if (raw === null) return null;
  try {
    const s = JSON.parse(raw) as Partial<AlertRuleStatus>;
    if ((s.state !== 'ok' && s.state !== 'firing') || typeof s.since !== 'number') return null;
    return { state: s.state, since: s.since, value: Number(s.value ?? 0), at: Number(s.at ?? s.since) };
  } catch {
    return null;
  }
}

export class RedisAlertStore implements AlertStorage {
  readonly #keys: { leader: string; state: string; log: string; outbox: string; deliveries: string };
  readonly channel: string;
  readonly #changes: ChannelFeed<AlertTransition>;

  constructor(
    readonly redis: StoreRedis,
    readonly subscriber: StoreRedis,
    /** `<lens-prefix>{alerts}:` (lens-keys.ts). */
    readonly prefix: string,
  ) {
    this.#keys = {
      leader: `${prefix}leader`,
      state: `${prefix}state`,
      log: `${prefix}log`,
      outbox: `${prefix}outbox`,
      deliveries: `${prefix}deliveries`,
    };
    this.channel = `${prefix}changes`;
    this.#changes = new ChannelFeed(subscriber, this.channel, (message) => {
      const text = message.toString();
      const cut = text.indexOf('\n');
      const transition = cut > 0 ? decodeTransition(text.slice(0, cut), text.slice(cut + 1)) : null;
      return transition ? [transition] : [];
    });
  }

  async lead(token: string, ttlMs: number): Promise<boolean> {
    return guarded(() => holdLease(this.redis, this.#keys.leader, token, Math.ceil(ttlMs)));
  }

  async resign(token: string): Promise<void> {
    await guarded(() => holdLease(this.redis, this.#keys.leader, token, 0));
  }

  async statuses(rules: readonly string[]): Promise<(AlertRuleStatus | null)[]> {
    if (rules.length === 0) return [];
    const [reply] = await execAll(this.redis.pipeline().hmget(this.#keys.state, ...rules));
    return (valueOf(reply, this.#keys.state) as (string | null)[]).map(decodeStatus);
  }

  async record(token: string, o: AlertObservation): Promise<AlertTransition | null> {
    const { leader, state, log, outbox, deliveries } = this.#keys;
    const reply = await guarded(() =>
      runScript<[string, string] | null>(
        this.redis,
        SCRIPTS.record,
        [leader, state, log, outbox, deliveries],
        [
          token,
          o.rule,
          o.kind,
          o.firing ? '1' : '0',
          o.value,
          o.threshold,
          Math.round(o.at),
          LOG_ENTRIES,
          this.channel,
          o.payload ?? '',
        ],
      ),
    );
    return reply ? decodeTransition(String(reply[0]), String(reply[1])) : null;
  }

  async history(limit: number, before: string | null): Promise<{ transitions: AlertTransition[]; total: number }> {
    const key = this.#keys.log;
    // From `before` itself, dropped below: an exclusive start (`(id`) needs Redis 6.2.
    const [entries, total] = await execAll(
      this.redis
        .pipeline()
        .xrevrange(key, before ?? '+', '-', 'COUNT', limit + (before === null ? 0 : 1))
        .xlen(key),
    );
    const rows = limit === 0 ? [] : (valueOf(entries, key) as [string, string[]][]);
    const transitions = rows.flatMap(([id, fields]) => {
      if (id === before) return [];
      const json = fields[fields.indexOf('json') + 1];
      const transition = json === undefined ? null : decodeTransition(id, json);
      return transition ? [transition] : [];
    });
    return { transitions: transitions.slice(0, limit), total: Number(valueOf(total, key)) };
  }

  async claim(token: string, leaseMs: number): Promise<AlertDelivery | null> {
    const reply = await guarded(() =>
      runScript<[string, string, number, string] | null>(
        this.redis,
        SCRIPTS.claim,
        [this.#keys.outbox, this.#keys.deliveries],
        [token, Math.ceil(leaseMs)],
      ),
    );
    if (!reply) return null;
    const transition = decodeTransition(String(reply[0]), String(reply[1]));
    if (!transition) {
      // Not ours to read: dropped, so it is not claimed again and again.
      const unreadable = { id: String(reply[0]) } as AlertTransition;
      await this.settle({ transition: unreadable, attempt: 0, token, payload: null }, 'done');
      return null;
    }
    const payload = reply[3] ? String(reply[3]) : null;
    return { transition, attempt: Number(reply[2]), token, payload };
  }

  async settle(delivery: AlertDelivery, outcome: 'done' | { readonly retryInMs: number }): Promise<boolean> {
    const done = outcome === 'done';
    const settled = await guarded(() =>
      runScript<number>(
        this.redis,
        SCRIPTS.settle,
        [this.#keys.outbox, this.#keys.deliveries],
        [delivery.transition.id, delivery.token, done ? 'done' : 'retry', done ? 0 : Math.ceil(outcome.retryInMs)],
      ),
    );
    return settled === 1;
  }

  listen(listener: (transition: AlertTransition) => void): Promise<() => void> {
    return this.#changes.listen(listener);
  }
}
