import { OPTIONS } from './options.ts';

/** The text of `celery-lens --help`: every option with its variable and default. */
export function usage(): string {
  const rows = Object.entries(OPTIONS).map(([name, spec]) => {
    const fallback = spec.default === '' ? '' : ` (default: ${spec.default.length > 40 ? 'a UUID' : spec.default})`;
    return `  --${name.padEnd(18)} ${spec.env.padEnd(24)} ${spec.help}${fallback}`;
  });
  return [
    'Usage: celery-lens [serve] [options]',
    '       celery-lens acl [options]     print the Redis ACL rule celery-lens needs',
    '       celery-lens index --backfill [--restart] [--scan-count N] [options]',
    '                                     index the results Redis holds now (resumable; progress on stderr)',
    '       celery-lens cursor-key --rotate [options]',
    '                                     a new key for page cursors kept in Redis (the previous one still verifies)',
    '',
    "GraphQL status API for Celery tasks, read from Celery's Redis result backend.",
    'Every option can also be set by the environment variable beside it; the flag wins.',
    '',
    `  ${'option'.padEnd(20)} ${'environment'.padEnd(24)} meaning`,
    ...rows,
    `  --${'help'.padEnd(18)} ${''.padEnd(24)} print this and exit`,
  ].join('\n');
}
