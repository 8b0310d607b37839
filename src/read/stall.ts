/**
 * STALLED, a hint (off unless --stall-after is set): a task RUNNING for
 * longer than its task name is expected to take. Never a final state: the
 * task may still finish, and the next stored state or event decides again.
 * "Running since" is its last task-started event (the worker's clock), or a
 * meta's date_started where a backend stores one.
 */
import type { TaskHistory } from '../store/history-types.ts';
import type { StatusDecision } from './task-status.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

/** Longest expected run per task name, in ms; `*` for every other name. */
export type StallRules = ReadonlyMap<string, number>;

/** Parses `tasks.report=600,*=3600` (seconds); throws an Error naming the bad entry. */
export function parseStallRules(text: string): StallRules {
  const rules = new Map<string, number>();
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const match = /^([^=\s]+)=(\d+(?:\.\d+)?)$/.exec(entry);
    const seconds = Number(match?.[2]);
    if (!match || !(seconds > 0) || seconds > 31_536_000) {
      throw new Error(
        `"${entry.slice(0, 80)}" is not name=seconds (seconds above 0, at most a year; name "*" for every other task)`,
      );
    }
    rules.set(match[1] as string, Math.round(seconds * 1000));
  }
  return rules;
}

/** The decision, or STALLED when it is RUNNING past its name's limit. */
export function withStall(
  decision: StatusDecision,
  task: TaskSnapshot,
  history: TaskHistory | null,
  rules: StallRules,
  now = Date.now(),
): StatusDecision {
  if (decision.status !== 'RUNNING' || rules.size === 0) return decision;
  const name = task.meta?.name ?? history?.name ?? null;
  const [rule, limitMs] = name !== null && rules.has(name) ? [name, rules.get(name)] : ['*', rules.get('*')];
  const since = history?.startedAt ?? task.meta?.dateStarted?.getTime() ?? null;
  if (limitMs === undefined || since === null || now - since <= limitMs) return decision;
  return {
    status: 'STALLED',
    reason: `${decision.reason}; running since ${new Date(since).toISOString()}, ${Math.round((now - since) / 1000)} s, longer than --stall-after ${rule}=${limitMs / 1000} s (a hint: it may still finish)`,
  };
}
