/**
 * Evaluates the rules every `intervalMs`, on the one replica holding the
 * evaluation lease (alert-store.ts' `leader`): replicas could otherwise
 * disagree for a moment (a heartbeat heard by one a few ms before the
 * other) and flap a rule. Only a replica that consumes events runs for the
 * lease: worker liveness and the intake's silence are known there. Each
 * rule's value goes to the store, which changes its state, logs the
 * transition and queues its delivery in one step, and only while the
 * caller still holds the lease; a replica that dies loses it after
 * `leaseMs`, and the next one carries on from the states kept in Redis.
 */
import { randomUUID } from 'node:crypto';
import type { AlertRuleStatus, AlertStorage, AlertTransition } from '../store/store.ts';
import type { AlertRule, AlertRuleSet } from './alert-rules.ts';
import { type AlertSources, Observer } from './observe.ts';

export interface EngineOptions {
  /** Between two evaluations, in ms. @default 5000 */
  readonly intervalMs: number;
  /** The clock windows are measured with, in ms. @default Date.now */
  readonly now?: () => number;
}

export class AlertEngine {
  readonly token = randomUUID();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  /** Whether this replica held the lease at its last evaluation. */
  leading = false;

  constructor(
    readonly store: AlertStorage,
    readonly sources: AlertSources,
    readonly ruleSet: () => AlertRuleSet,
    readonly options: EngineOptions,
    readonly onTransition: (transition: AlertTransition) => void,
    /** The webhook body of a transition, composed once here: every try, on any replica, posts the same bytes. */
    readonly compose: (transition: Omit<AlertTransition, 'id'>, rule: AlertRule) => string,
    /** A rule that could not be evaluated (Redis or the broker away), or a lease that could not be renewed. */
    readonly onError: (error: unknown, rule: string | null) => void = () => {},
  ) {}

  /** The lease outlives three evaluations: one slow round does not hand it over. */
  get leaseMs(): number {
    return Math.max(1000, this.options.intervalMs * 3);
  }

  start(): void {
    // A round reports its own failures (onError).
    this.#timer = setInterval(() => this.evaluate().catch(() => {}), this.options.intervalMs);
    this.#timer.unref();
    this.evaluate().catch(() => {});
  }

  /** One round now, unless one is under way. */
  evaluate(): Promise<void> {
    this.#running ??= this.#round().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #round(): Promise<void> {
    const { rules } = this.ruleSet();
    if (rules.length === 0) return;
    try {
      this.leading = await this.store.lead(this.token, this.leaseMs);
    } catch (error) {
      this.leading = false;
      this.onError(error, null);
      return;
    }
    if (!this.leading) return;
    const now = (this.options.now ?? Date.now)();
    const observer = new Observer(this.sources, now);
    let statuses: (AlertRuleStatus | null)[];
    try {
      // Only the lease holder writes them: what it reads now is what its record() will find.
      statuses = await this.store.statuses(rules.map(({ name }) => name));
    } catch (error) {
      this.onError(error, null);
      return;
    }
    for (const [index, rule] of rules.entries()) {
      try {
        const value = await observer.value(rule);
        if (value === null) continue;
        const firing = value >= rule.threshold;
        const status = statuses[index] ?? null;
        const changes = firing !== (status?.state === 'firing');
        const change = { rule: rule.name, kind: rule.kind, value, threshold: rule.threshold, at: now };
        const payload = changes
          ? this.compose(
              { ...change, state: firing ? 'firing' : 'resolved', startedAt: firing ? now : (status?.since ?? now) },
              rule,
            )
          : null;
        const transition = await this.store.record(this.token, { ...change, firing, payload });
        if (transition) this.onTransition(transition);
      } catch (error) {
        this.onError(error, rule.name);
      }
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
    if (this.leading) await this.store.resign(this.token).catch(() => {});
    this.leading = false;
  }
}
