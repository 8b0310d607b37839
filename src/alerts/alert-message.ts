/**
 * What a webhook receives for a transition: JSON `{ rule, state, value,
 * threshold, startedAt, text, link }`, where `text` says it all in one line
 * (a Slack incoming webhook posts `text` and ignores the rest), and how it
 * is signed: `X-Celery-Lens-Signature: sha256=<hex HMAC-SHA256 of the body>`.
 */
import { createHmac } from 'node:crypto';
import type { AlertTransition } from '../store/store.ts';
import type { AlertRule } from './alert-rules.ts';

/** The body's fields, in this order. */
export interface AlertPayload {
  readonly rule: string;
  readonly state: 'firing' | 'resolved';
  readonly value: number;
  readonly threshold: number;
  /** When the firing began (ISO 8601). */
  readonly startedAt: string;
  readonly text: string;
  readonly link: string;
}

const round = (value: number) => Math.round(value * 100) / 100;
const plural = (count: number, one: string, many: string) => `${round(count)} ${count === 1 ? one : many}`;

/** What the value measures, in words ("3 failures of proj.charge (CardError) in the last 20 s"). */
export function measured(rule: AlertRule, value: number): string {
  switch (rule.kind) {
    case 'failures': {
      const what = rule.task ?? 'any task';
      const type = rule.exceptionType === null ? '' : ` (${rule.exceptionType})`;
      return `${plural(value, 'failure', 'failures')} of ${what}${type} in the last ${rule.windowSeconds} s`;
    }
    case 'lost':
      return `${plural(value, 'task', 'tasks')} LOST in the last ${rule.windowSeconds} s`;
    case 'queue_length':
      return `queue ${rule.queue} holds ${plural(value, 'message', 'messages')}`;
    case 'queue_age':
      return `the oldest message of queue ${rule.queue} has waited ${round(value)} s`;
    case 'worker_offline':
      return `${plural(value, 'worker', 'workers')}${rule.workerPattern === null ? '' : ` matching ${rule.workerPattern}`} offline`;
    case 'no_events':
      return `no event heard for ${round(value)} s`;
  }
}

const duration = (ms: number) => {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 120
    ? `${seconds} s`
    : seconds < 7200
      ? `${Math.round(seconds / 60)} min`
      : `${Math.round(seconds / 3600)} h`;
};

/** The body of a transition's POST; `rule` null when the rule is no longer configured (the text says less). */
export function alertPayload(transition: AlertTransition, rule: AlertRule | null, link: string): AlertPayload {
  const firing = transition.state === 'firing';
  const what = rule ? measured(rule, transition.value) : `value ${round(transition.value)}`;
  const limit =
    rule?.kind === 'queue_age' || rule?.kind === 'no_events' ? `${transition.threshold} s` : `${transition.threshold}`;
  const text = firing
    ? `[celery-lens] FIRING ${transition.rule}: ${what} (threshold ${limit}). ${link}`
    : `[celery-lens] RESOLVED ${transition.rule}: ${what} (threshold ${limit}), after ${duration(transition.at - transition.startedAt)} firing. ${link}`;
  return {
    rule: transition.rule,
    state: transition.state,
    value: transition.value,
    threshold: transition.threshold,
    startedAt: new Date(transition.startedAt).toISOString(),
    text,
    link,
  };
}

/** The X-Celery-Lens-Signature value of a body. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
