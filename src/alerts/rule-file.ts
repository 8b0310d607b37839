/**
 * Reads the rules file (--alert-rules) and checks what the file alone cannot
 * tell: that each queue rule names a queue of --queues (only those are read),
 * and that failures and lost rules have the task index to count from.
 */
import { readFileSync } from 'node:fs';
import { AlertRulesCodes, AlertRulesError } from '../errors/alert-rules-error.ts';
import { type AlertRuleSet, parseAlertRulesText } from './alert-rules.ts';

/** Larger is not a rules file. */
const MAX_BYTES = 1_000_000;

/** What the process reads that rules depend on. */
export interface RuleContext {
  readonly queues: readonly string[];
  /** Whether the task index is kept (--index). */
  readonly index: boolean;
}

export function readAlertRules(file: string, { queues, index: indexed }: RuleContext): AlertRuleSet {
  let source: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_BYTES) throw new Error(`it holds ${bytes.length} bytes, more than ${MAX_BYTES}`);
    source = bytes.toString('utf8');
  } catch (error) {
    throw new AlertRulesError(AlertRulesCodes.UNREADABLE, '', `cannot be read: ${(error as Error).message}`, file);
  }
  const set = parseAlertRulesText(file, source);
  set.rules.forEach((rule, index) => {
    if (rule.queue !== null && !queues.includes(rule.queue))
      throw new AlertRulesError(
        AlertRulesCodes.INVALID,
        `rules[${index}].queue`,
        `"${rule.queue}" is not one of --queues (${queues.join(', ')}): only those are read`,
        file,
      );
    if (!indexed && (rule.kind === 'failures' || rule.kind === 'lost'))
      throw new AlertRulesError(
        AlertRulesCodes.INVALID,
        `rules[${index}].kind`,
        `${rule.kind} counts tasks in the task index, which --index false turns off`,
        file,
      );
  });
  return set;
}
