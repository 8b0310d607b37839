/** The alert rules file: what it accepts, and each refusal coded and naming the field. */
import { describe, expect, it } from 'vitest';
import { parseAlertRules, parseAlertRulesText } from '../../src/alerts/alert-rules.ts';
import { AlertRulesError } from '../../src/errors/alert-rules-error.ts';
import { ConfigError } from '../../src/errors/config-error.ts';

const webhook = { url: 'https://hooks.example/T000/B000', secret: 'x'.repeat(32) };
const failures = { name: 'charges', kind: 'failures', task: 'proj.charge', windowSeconds: 300, threshold: 3, webhook };

function refusal(value: unknown): AlertRulesError {
  try {
    parseAlertRules('rules.json', value);
  } catch (error) {
    expect(error).toBeInstanceOf(AlertRulesError);
    return error as AlertRulesError;
  }
  throw new Error('accepted');
}

describe('parseAlertRules', () => {
  it('reads every kind, with defaults', () => {
    const set = parseAlertRules('rules.json', {
      pageUrl: 'https://lens.example/',
      rules: [
        failures,
        { name: 'lost', kind: 'lost', windowSeconds: 600, webhook },
        { name: 'backlog', kind: 'queue_length', queue: 'celery', threshold: 1000, webhook },
        { name: 'stale', kind: 'queue_age', queue: 'celery', threshold: 300, webhook },
        { name: 'workers', kind: 'worker_offline', worker: 'celery@web-*', webhook },
        { name: 'quiet', kind: 'no_events', seconds: 120, webhook },
      ],
    });
    expect(set.pageUrl).toBe('https://lens.example');
    expect(set.rules.map((rule) => [rule.name, rule.kind, rule.threshold, rule.windowSeconds])).toEqual([
      ['charges', 'failures', 3, 300],
      ['lost', 'lost', 1, 600],
      ['backlog', 'queue_length', 1000, null],
      ['stale', 'queue_age', 300, null],
      ['workers', 'worker_offline', 1, null],
      ['quiet', 'no_events', 120, null],
    ]);
    expect(set.rules[4]!.worker!.test('celery@web-1')).toBe(true);
    expect(set.rules[4]!.worker!.test('celery@batch-1')).toBe(false);
    expect(set.rules[0]!.webhook).toEqual(webhook);
  });

  it.each([
    [{ rules: [{ ...failures, threshold: 0 }] }, 'rules[0].threshold', /must be a number above 0/],
    [{ rules: [{ ...failures, threshold: '3' }] }, 'rules[0].threshold', /got string "3"/],
    [
      { rules: [failures, { ...failures, windowSecond: 5 }] },
      'rules[1].windowSecond',
      /is not a field of a failures rule/,
    ],
    [{ rules: [{ ...failures, kind: 'failure' }] }, 'rules[0].kind', /must be one of failures, lost, queue_length/],
    [
      { rules: [{ ...failures, windowSeconds: undefined }] },
      'rules[0].windowSeconds',
      /is required for a failures rule/,
    ],
    [
      { rules: [{ ...failures, webhook: { url: 'ftp://x', secret: 's' } }] },
      'rules[0].webhook.url',
      /http:\/\/ or https:\/\//,
    ],
    [{ rules: [{ ...failures, webhook: { url: 'https://x' } }] }, 'rules[0].webhook.secret', /non-empty string/],
    [{ rules: [failures, failures] }, 'rules[1].name', /names an earlier rule too/],
    [{ rules: [{ ...failures, name: 'a b' }] }, 'rules[0].name', /letters, digits/],
    [
      { rules: [{ name: 'q', kind: 'no_events', threshold: 3, webhook }] },
      'rules[0].threshold',
      /not a field of a no_events rule/,
    ],
    [{ rule: [] }, 'rule', /is not a field of the file/],
    [{ rules: {} }, 'rules', /must be an array/],
    [[failures], 'the file', /must be a JSON object, got an array/],
  ])('refuses %j: ALERT_RULES_INVALID naming %s', (value, field, reason) => {
    const error = refusal(value);
    expect(error.code).toBe('ALERT_RULES_INVALID');
    expect(error.field).toBe(field);
    expect(error.message).toMatch(reason);
    expect(error.message).toContain(`--alert-rules rules.json: ALERT_RULES_INVALID: ${field}`);
    // main prints a ConfigError as one line and exits 2.
    expect(error).toBeInstanceOf(ConfigError);
  });

  it('says when the file is not JSON', () => {
    expect(() => parseAlertRulesText('rules.json', '{"rules": [}')).toThrow(/ALERT_RULES_NOT_JSON: is not JSON/);
  });
});
