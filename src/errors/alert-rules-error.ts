import { ConfigError } from './config-error.ts';

/** Why an alert rules file (--alert-rules) is refused: it cannot be read, is not JSON, or a field is wrong. */
export const AlertRulesCodes = {
  UNREADABLE: 'ALERT_RULES_UNREADABLE',
  NOT_JSON: 'ALERT_RULES_NOT_JSON',
  INVALID: 'ALERT_RULES_INVALID',
} as const;
export type AlertRulesCode = (typeof AlertRulesCodes)[keyof typeof AlertRulesCodes];

/**
 * A bad alert rules file. At start main prints it and exits 2 (a ConfigError);
 * on a SIGHUP reload it is logged and the rules in force are kept.
 * `field` names the bad field as a path (`rules[2].threshold`), '' for the file.
 */
export class AlertRulesError extends ConfigError {
  constructor(
    readonly code: AlertRulesCode,
    readonly field: string,
    reason: string,
    readonly file: string,
  ) {
    super(`--alert-rules ${file}: ${code}: ${field === '' ? '' : `${field} `}${reason}`);
    this.name = 'AlertRulesError';
  }
}
