/**
 * Delivers the outbox (alert-store.ts), on every replica: claim the next due
 * transition for a lease, POST it signed to its rule's webhook, then settle
 * it: done when delivered (or given up), due again after a backoff when the
 * failure is worth retrying. A claim is atomic, so one replica posts each
 * transition; a replica that dies mid-delivery leaves its lease to run out,
 * and the next claim, by any replica, takes the delivery over.
 */
import { randomUUID } from 'node:crypto';
import type { AlertDelivery, AlertStorage, AlertTransition } from '../store/store.ts';
import { alertPayload, signature } from './alert-message.ts';
import type { AlertRuleSet } from './alert-rules.ts';
import { type WebhookAnswer, postWebhook } from './webhook.ts';

export interface DelivererOptions {
  /** Each webhook request's timeout, in ms. @default 10_000 */
  readonly timeoutMs: number;
  /** Tries per transition before it is given up. @default 8 */
  readonly attempts: number;
  /** The first retry's delay, doubled each time up to 5 min, in ms. @default 1000 */
  readonly retryBaseMs: number;
  /** How often the outbox is looked at besides when a transition is heard, in ms. @default 1000 */
  readonly pollMs: number;
  /** How long a claim holds a delivery. @default the timeout of four hops + 5 s */
  readonly leaseMs?: number;
}

/** What happened to one try, for the log and /metrics. */
export interface DeliveryReport {
  readonly transition: AlertTransition;
  readonly attempt: number;
  readonly outcome: 'delivered' | 'retry' | 'failed';
  readonly answer: WebhookAnswer | null;
  /** Set for a retry: when it is due again, in ms from now. */
  readonly retryInMs: number | null;
  readonly reason: string;
}

const MAX_RETRY_MS = 300_000;

export class Deliverer {
  readonly token = randomUUID();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(
    readonly store: AlertStorage,
    readonly ruleSet: () => AlertRuleSet,
    readonly linkOf: (transition: AlertTransition) => string,
    readonly report: (report: DeliveryReport) => void,
    readonly options: DelivererOptions,
    /** A claim or settle that failed (Redis away): tried again at the next poll. */
    readonly onError: (error: unknown) => void = () => {},
  ) {}

  get leaseMs(): number {
    return this.options.leaseMs ?? this.options.timeoutMs * 4 + 5000;
  }

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.options.pollMs);
    this.#timer.unref();
    this.wake();
  }

  /** Looks at the outbox now (a transition was heard). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  async #drain(): Promise<void> {
    while (!this.#stopped) {
      const delivery = await this.store.claim(this.token, this.leaseMs);
      if (!delivery) return;
      await this.#deliver(delivery);
    }
  }

  async #deliver(delivery: AlertDelivery): Promise<void> {
    const { transition, attempt } = delivery;
    const rule = this.ruleSet().rules.find(({ name }) => name === transition.rule) ?? null;
    if (!rule) {
      await this.store.settle(delivery, 'done');
      this.report({
        transition,
        attempt,
        outcome: 'failed',
        answer: null,
        retryInMs: null,
        reason: 'the rule is no longer configured (the rules file was reloaded): not delivered',
      });
      return;
    }
    // As recorded with the transition; composed here only for one recorded without (an older version's).
    const body = delivery.payload ?? JSON.stringify(alertPayload(transition, rule, this.linkOf(transition)));
    const answer = await postWebhook(
      rule.webhook.url,
      body,
      {
        'content-type': 'application/json',
        'user-agent': 'celery-lens',
        'x-celery-lens-signature': signature(body, rule.webhook.secret),
        // The same on every try and every replica: a receiver can drop a repeat (a takeover after a lost lease).
        'x-celery-lens-delivery': transition.id,
        'x-celery-lens-attempt': String(attempt),
      },
      this.options.timeoutMs,
    );
    const retryInMs =
      answer.ok || !answer.retry || attempt >= this.options.attempts ? null : this.#backoff(attempt, answer);
    await this.store.settle(delivery, retryInMs === null ? 'done' : { retryInMs });
    const outcome = answer.ok ? 'delivered' : retryInMs === null ? 'failed' : 'retry';
    const why =
      outcome === 'failed' && answer.retry ? `${answer.reason}; gave up after ${attempt} tries` : answer.reason;
    this.report({ transition, attempt, outcome, answer, retryInMs, reason: why });
  }

  /** retryBaseMs × 2^(attempt − 1), ±20 % so replicas' retries spread, at most 5 min; a Retry-After when longer. */
  #backoff(attempt: number, answer: WebhookAnswer): number {
    const base = Math.min(MAX_RETRY_MS, this.options.retryBaseMs * 2 ** (attempt - 1));
    const jittered = base * (0.8 + Math.random() * 0.4);
    return Math.round(Math.min(MAX_RETRY_MS, Math.max(jittered, answer.retryAfterMs ?? 0)));
  }

  /** Stops claiming; waits for a POST under way at most `graceMs` (its lease lets another replica finish it). */
  async stop(graceMs = 2000): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#running, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }
}
