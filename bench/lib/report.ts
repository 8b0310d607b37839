/** What every case shares: the run's scale, the rows of the table, Celery-format seeding, checks. */
import type { Redis } from 'ioredis';

export interface Scale {
  /** Short load runs and small counts; fails only on a crash or a wrong answer. */
  readonly ci: boolean;
  /** Seconds per load run, and P1's rounds (each side keeps its best). */
  readonly seconds: number;
  readonly rounds: number;
  /** Ids the random-id P1 load picks among. */
  readonly p1Ids: number;
  /** P3a's subscriptions (one WebSocket each) and P3b's sizes (100 per WebSocket). */
  readonly p3a: number;
  readonly p3b: readonly number[];
  /** Tasks P5 awaits and polls. */
  readonly p5: number;
}

export interface Row {
  case: string;
  lens: string;
  baseline: string;
  ratio: string;
  target: string;
}

const rows: Row[] = [];

/** Adds a row to the final table, and prints it at once: a run cut short still says what it measured. */
export function addRow(row: Row): void {
  rows.push(row);
  console.log(`${row.case}: ${row.lens} | ${row.baseline} | ${row.ratio}`);
}

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const count = (n: number) => n.toLocaleString('en-US');
export const now = () => performance.timeOrigin + performance.now();

/** A wrong answer ends the run (and `--ci` with it) with a non-zero exit code. */
export function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`bench: wrong answer: ${what}`);
}

export function celeryMeta(id: string, status: string, result: unknown): string {
  return JSON.stringify({
    status,
    result,
    traceback: null,
    children: [],
    date_done: status === 'SUCCESS' ? new Date().toISOString().slice(0, -1) : null,
    task_id: id,
  });
}

/** SUCCESS metas whose result names the task, so an answer can be checked against its id. */
export async function seed(redis: Redis, ids: readonly string[]): Promise<void> {
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.setex(`celery-task-meta-${id}`, 3600, celeryMeta(id, 'SUCCESS', { id }));
  await pipeline.exec();
}

export async function post(
  url: string,
  query: string,
  variables: unknown,
  headers: Record<string, string> = {},
): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

export function printTable(title: string): void {
  const columns: (keyof Row)[] = ['case', 'lens', 'baseline', 'ratio', 'target'];
  const widths = (key: keyof Row) => Math.max(key.length, ...rows.map((row) => row[key].length));
  const line = (row: Row) => `| ${columns.map((key) => row[key].padEnd(widths(key))).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line({ case: 'case', lens: 'celery-lens', baseline: 'baseline', ratio: 'ratio', target: 'target' }));
  console.log(`|${columns.map((key) => '-'.repeat(widths(key) + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
