/**
 * Redis bytes celery-lens keeps per task, by kind (bench/cases/store-bytes.ts):
 *
 *   npm run bench:store                      2,000 tasks (about a minute here)
 *   npm run bench:store -- --tasks 500       fewer
 */
import { parseArgs } from 'node:util';
import { s1 } from './cases/store-bytes.ts';
import { printTable } from './lib/report.ts';

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '2000' } } });
await s1(Number(values.tasks));
printTable(`celery-lens store bytes per task (node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
process.exit(0);
