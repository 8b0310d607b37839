/**
 * The alert rules file (--alert-rules): JSON, checked field by field. Input
 * arrives as `unknown` and every refusal is an AlertRulesError naming the
 * field (`rules[2].threshold`) and what it should be; unknown fields are
 * refused too, so a misspelt `windowSecond` is not silently a default.
 * docs/alerts.md describes the format.
 */
import { AlertRulesCodes, AlertRulesError } from '../errors/alert-rules-error.ts';
import { glob } from '../config/option-values.ts';

export const AlertKinds = {
  failures: 'failures',
  lost: 'lost',
  queue_length: 'queue_length',
  queue_age: 'queue_age',
  worker_offline: 'worker_offline',
  no_events: 'no_events',
} as const;
export type AlertKind = keyof typeof AlertKinds;

export interface Webhook {
  readonly url: string;
  /** HMAC-SHA256 key of X-Celery-Lens-Signature; never shown, never stored in Redis. */
  readonly secret: string;
}

export interface AlertRule {
  readonly name: string;
  readonly kind: AlertKind;
  /** The rule fires while its value is at least this (a count, or seconds for queue_age and no_events). */
  readonly threshold: number;
  /** failures and lost: how far back tasks count, in seconds; null for the other kinds. */
  readonly windowSeconds: number | null;
  /** failures: the task name and/or exception type counted (null: any). */
  readonly task: string | null;
  readonly exceptionType: string | null;
  /** queue_length and queue_age: a queue of --queues. */
  readonly queue: string | null;
  /** worker_offline: the hostnames counted, a glob (null: every worker). */
  readonly worker: RegExp | null;
  readonly workerPattern: string | null;
  readonly webhook: Webhook;
}

export interface AlertRuleSet {
  readonly rules: readonly AlertRule[];
  /** Where the page is served as its users reach it (the `link` of each POST); null: this process' address. */
  readonly pageUrl: string | null;
}

/** Fields each kind takes besides name, kind and webhook; `true`: required. */
const FIELDS: Readonly<Record<AlertKind, Readonly<Record<string, boolean>>>> = {
  failures: { threshold: true, windowSeconds: true, task: false, exceptionType: false },
  lost: { threshold: false, windowSeconds: true },
  queue_length: { threshold: true, queue: true },
  queue_age: { threshold: true, queue: true },
  worker_offline: { threshold: false, worker: false },
  no_events: { seconds: true },
};
const MAX_RULES = 200;
/** Longest window: a week, what the index keeps by default. */
const MAX_WINDOW_SECONDS = 7 * 86_400;

type Json = Record<string, unknown>;

/** Refuses the file: `field` names where, `reason` what it should be. */
const invalid = (file: string, field: string, reason: string) =>
  new AlertRulesError(AlertRulesCodes.INVALID, field, reason, file);

const describe = (value: unknown) =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : `${typeof value} ${JSON.stringify(value)?.slice(0, 60)}`;

function object(file: string, field: string, value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(file, field || 'the file', `must be a JSON object, got ${describe(value)}`);
  return value as Json;
}

function text(file: string, field: string, value: unknown, max = 500): string {
  if (typeof value !== 'string' || value === '' || value.length > max)
    throw invalid(file, field, `must be a non-empty string of at most ${max} characters, got ${describe(value)}`);
  return value;
}

function positive(file: string, field: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max)
    throw invalid(file, field, `must be a number above 0 and at most ${max}, got ${describe(value)}`);
  return value;
}

function httpUrl(file: string, field: string, value: unknown): string {
  const given = text(file, field, value, 2000);
  let url: URL | null = null;
  try {
    url = new URL(given);
  } catch {
    // Said below.
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw invalid(file, field, `must be an http:// or https:// URL, got ${describe(value)}`);
  return url.href;
}

function webhook(file: string, field: string, value: unknown): Webhook {
  const given = object(file, field, value);
  for (const key of Object.keys(given))
    if (key !== 'url' && key !== 'secret')
      throw invalid(file, `${field}.${key}`, 'is not a webhook field (url, secret)');
  return { url: httpUrl(file, `${field}.url`, given.url), secret: text(file, `${field}.secret`, given.secret, 1000) };
}

function rule(file: string, field: string, value: unknown): AlertRule {
  const given = object(file, field, value);
  const name = text(file, `${field}.name`, given.name, 100);
  if (!/^[A-Za-z0-9_.:-]+$/.test(name))
    throw invalid(file, `${field}.name`, `must be letters, digits and _ . : - only, got ${describe(name)}`);
  const kind = given.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(AlertKinds, kind))
    throw invalid(file, `${field}.kind`, `must be one of ${Object.keys(AlertKinds).join(', ')}, got ${describe(kind)}`);
  const fields = FIELDS[kind as AlertKind];
  for (const key of Object.keys(given)) {
    if (key !== 'name' && key !== 'kind' && key !== 'webhook' && !Object.hasOwn(fields, key))
      throw invalid(file, `${field}.${key}`, `is not a field of a ${kind} rule (${Object.keys(fields).join(', ')})`);
  }
  for (const [key, required] of Object.entries(fields))
    if (required && given[key] === undefined) throw invalid(file, `${field}.${key}`, `is required for a ${kind} rule`);
  const optional = <T>(key: string, read: (f: string, v: unknown) => T): T | null =>
    given[key] === undefined ? null : read(`${field}.${key}`, given[key]);
  const pattern = optional('worker', (f, v) => text(file, f, v, 500));
  const threshold =
    kind === 'no_events'
      ? positive(file, `${field}.seconds`, given.seconds, MAX_WINDOW_SECONDS)
      : (optional('threshold', (f, v) => positive(file, f, v, 1e12)) ?? 1);
  return {
    name,
    kind: kind as AlertKind,
    threshold,
    windowSeconds: optional('windowSeconds', (f, v) => positive(file, f, v, MAX_WINDOW_SECONDS)),
    task: optional('task', (f, v) => text(file, f, v, 512)),
    exceptionType: optional('exceptionType', (f, v) => text(file, f, v, 512)),
    queue: optional('queue', (f, v) => text(file, f, v, 512)),
    worker: pattern === null ? null : glob(pattern),
    workerPattern: pattern,
    webhook: webhook(file, `${field}.webhook`, given.webhook),
  };
}

/** The rules of a parsed file; `file` names it in errors. */
export function parseAlertRules(file: string, value: unknown): AlertRuleSet {
  const given = object(file, '', value);
  for (const key of Object.keys(given))
    if (key !== 'rules' && key !== 'pageUrl') throw invalid(file, key, 'is not a field of the file (rules, pageUrl)');
  if (!Array.isArray(given.rules) || given.rules.length > MAX_RULES)
    throw invalid(file, 'rules', `must be an array of at most ${MAX_RULES} rules, got ${describe(given.rules)}`);
  const rules = given.rules.map((entry, index) => rule(file, `rules[${index}]`, entry));
  const seen = new Set<string>();
  rules.forEach(({ name }, index) => {
    if (seen.has(name)) throw invalid(file, `rules[${index}].name`, `"${name}" names an earlier rule too`);
    seen.add(name);
  });
  const pageUrl = given.pageUrl === undefined ? null : httpUrl(file, 'pageUrl', given.pageUrl).replace(/\/+$/, '');
  return { rules, pageUrl };
}

/** Parses the text of a rules file: ALERT_RULES_NOT_JSON when it is not JSON. */
export function parseAlertRulesText(file: string, source: string): AlertRuleSet {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new AlertRulesError(AlertRulesCodes.NOT_JSON, '', `is not JSON: ${(error as Error).message}`, file);
  }
  return parseAlertRules(file, value);
}
