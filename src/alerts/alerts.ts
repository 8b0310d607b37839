/**
 * The alerts of one process: the rules (--alert-rules, reloaded on SIGHUP),
 * the engine that evaluates them (on the replica holding the lease), the
 * deliverer that posts transitions to webhooks (every replica with the
 * rules), and what the schema reads (rule states, the log, the feed). Every
 * transition is logged and counted where it happens.
 */
import type { Logger } from 'pino';
import type { AlertStorage, AlertTransition } from '../store/store.ts';
import { AlertRulesError } from '../errors/alert-rules-error.ts';
import { AlertEngine } from './alert-engine.ts';
import { alertPayload } from './alert-message.ts';
import type { AlertKind, AlertRuleSet } from './alert-rules.ts';
import { Deliverer, type DeliveryReport } from './deliverer.ts';
import type { AlertSources } from './observe.ts';
import { type RuleContext, readAlertRules } from './rule-file.ts';

export interface AlertsOptions {
  /** The rules file; null: no rules (alertRules is empty, nothing is evaluated or delivered). */
  readonly file: string | null;
  /** The file's rules as read at start (loadAlertRules). */
  readonly initial: AlertRuleSet;
  /** What rules may depend on: the queues read (--queues), whether the index is kept. */
  readonly context: RuleContext;
  /** Whether this process may evaluate (it consumes events: liveness and intake are known here). */
  readonly evaluate: boolean;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly retryBaseMs: number;
  /** How often each replica looks at the outbox, in ms. @default 1000 */
  readonly pollMs?: number;
  /** The page's address as this process serves it, for `link` when the file names no pageUrl. */
  readonly pageUrl: () => string;
  readonly now?: () => number;
  readonly logger: Logger;
  /** Counted in /metrics. */
  readonly counted?: {
    readonly transition: (state: AlertTransition['state']) => void;
    readonly delivery: (outcome: DeliveryReport['outcome']) => void;
  };
}

/** A rule as alertRules answers it. */
export interface AlertRuleView {
  readonly name: string;
  readonly kind: AlertKind;
  readonly state: 'OK' | 'FIRING' | 'UNKNOWN';
  readonly value: number | null;
  readonly threshold: number;
  /** When it entered its state (ms), null while unknown. */
  readonly since: number | null;
}

const NO_RULES: AlertRuleSet = { rules: [], pageUrl: null };

/** A warning logged once a minute per distinct failure: an outage would otherwise log every round, every rule. */
function warnOncePerMinute(logger: Logger): (what: string, error: unknown, fields: object) => void {
  const said = new Map<string, number>();
  return (what, error, fields) => {
    const key = `${what}\n${JSON.stringify(fields)}\n${error instanceof Error ? error.message : String(error)}`;
    const now = Date.now();
    if ((said.get(key) ?? Number.NEGATIVE_INFINITY) > now - 60_000) return;
    if (said.size >= 1000) said.clear();
    said.set(key, now);
    logger.warn({ ...fields, err: error }, what);
  };
}

/** The rules of `file` (none for null); throws an AlertRulesError (a ConfigError) when the file is bad. */
export function loadAlertRules(file: string | null, context: RuleContext): AlertRuleSet {
  return file === null ? NO_RULES : readAlertRules(file, context);
}

export class Alerts {
  #set: AlertRuleSet;
  readonly engine: AlertEngine | null;
  readonly deliverer: Deliverer;
  #stopListening: (() => void) | null = null;

  constructor(
    readonly store: AlertStorage,
    sources: AlertSources,
    readonly options: AlertsOptions,
  ) {
    this.#set = options.initial;
    const { logger } = options;
    const warn = warnOncePerMinute(logger);
    this.engine = options.evaluate
      ? new AlertEngine(
          store,
          sources,
          () => this.#set,
          { intervalMs: options.intervalMs, ...(options.now ? { now: options.now } : {}) },
          (transition) => {
            logger.info({ alert: transition }, `alert ${transition.rule} ${transition.state}`);
            options.counted?.transition(transition.state);
            this.deliverer.wake();
          },
          (transition, rule) => JSON.stringify(alertPayload({ id: '', ...transition }, rule, this.link(rule.name))),
          (error, rule) => warn('alert rule evaluation failed', error, { rule }),
        )
      : null;
    this.deliverer = new Deliverer(
      store,
      () => this.#set,
      (transition) => this.link(transition.rule),
      (report) => this.#reported(report),
      {
        timeoutMs: options.timeoutMs,
        attempts: options.attempts,
        retryBaseMs: options.retryBaseMs,
        pollMs: options.pollMs ?? 1000,
      },
      (error) => warn('alert outbox unavailable', error, {}),
    );
  }

  get ruleSet(): AlertRuleSet {
    return this.#set;
  }

  /** Where a POST's `link` points: the Alerts view, at the rule. */
  link(rule: string): string {
    return `${this.#set.pageUrl ?? this.options.pageUrl()}/alerts?rule=${encodeURIComponent(rule)}`;
  }

  #reported(report: DeliveryReport): void {
    const { transition, attempt, outcome, reason, retryInMs } = report;
    const fields = {
      rule: transition.rule,
      state: transition.state,
      delivery: transition.id,
      attempt,
      outcome,
      reason,
    };
    const { logger } = this.options;
    if (outcome === 'delivered') logger.info(fields, 'alert delivered');
    else if (outcome === 'retry') logger.warn({ ...fields, retryInMs }, 'alert delivery failed; will retry');
    else logger.error(fields, 'alert delivery failed; not retried');
    this.options.counted?.delivery(outcome);
  }

  /** Starts evaluating and delivering (with rules); a transition recorded by any replica wakes the deliverer. */
  async start(): Promise<void> {
    if (this.options.file === null) return;
    this.engine?.start();
    this.deliverer.start();
    this.store
      .listen(() => this.deliverer.wake())
      .then(
        (stop) => {
          this.#stopListening = stop;
        },
        // Polling still delivers; the subscriber reconnects by itself.
        (error: unknown) => this.options.logger.warn({ err: error }, 'alerts: cannot listen for transitions'),
      );
    if (!this.engine)
      this.options.logger.info(
        'alerts: this process does not consume events (--consume false): it delivers, and a consuming replica evaluates',
      );
  }

  /** Reads the file again (SIGHUP): a bad file is logged and the rules in force are kept. */
  reload(): boolean {
    const { file, logger } = this.options;
    if (file === null) return false;
    try {
      this.#set = readAlertRules(file, this.options.context);
      logger.info({ file, rules: this.#set.rules.length }, 'alert rules reloaded');
      return true;
    } catch (error) {
      if (!(error instanceof AlertRulesError)) throw error;
      logger.error(
        { file, code: error.code, field: error.field, reason: error.message, kept: this.#set.rules.length },
        'alert rules NOT reloaded: the file is bad; the rules in force are kept',
      );
      return false;
    }
  }

  /** Each configured rule with its stored state. */
  async views(): Promise<AlertRuleView[]> {
    const { rules } = this.#set;
    const statuses = await this.store.statuses(rules.map(({ name }) => name));
    return rules.map((rule, index) => {
      const status = statuses[index] ?? null;
      return {
        name: rule.name,
        kind: rule.kind,
        state: status === null ? 'UNKNOWN' : status.state === 'firing' ? 'FIRING' : 'OK',
        value: status?.value ?? null,
        threshold: rule.threshold,
        since: status?.since ?? null,
      };
    });
  }

  async stop(): Promise<void> {
    this.#stopListening?.();
    await Promise.all([this.engine?.stop(), this.deliverer.stop()]);
  }
}
