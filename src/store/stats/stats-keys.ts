/**
 * The rollups' key names, all `<lens-prefix>{st}:…` (one hash tag: the
 * write script touches a batch's buckets and the registry together, so they
 * live in one Redis Cluster slot).
 *
 * - `{st}:keys` ZSET: each task name (`n:<name>`) and queue (`q:<queue>`)
 *   with rollups, by when it was last seen (ms); what a read lists.
 * - `{st}:m<n>:<scope>` / `{st}:h<n>:<scope>` HASH: the rollup of minute
 *   (hour) n since the epoch of one scope: `a:` all tasks, `n:<name>`,
 *   `q:<queue>`. Fields: stats-fields.ts.
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Minutes, or hours. */
export type Resolution = 'm' | 'h';
export const SIZE_MS: Readonly<Record<Resolution, number>> = { m: MINUTE_MS, h: HOUR_MS };

/** What a rollup counts: all tasks, one task name's, or one queue's. */
export type Scope = { readonly kind: 'all' } | { readonly kind: 'name' | 'queue'; readonly key: string };

/** A scope as the registry's member ('' for all tasks: never listed). */
export function memberOf(scope: Scope): string {
  return scope.kind === 'all' ? '' : `${scope.kind === 'name' ? 'n' : 'q'}:${scope.key}`;
}

/** A registry member as its scope, or null for one celery-lens did not write. */
export function scopeOf(member: string): Scope | null {
  if (member.startsWith('n:')) return { kind: 'name', key: member.slice(2) };
  if (member.startsWith('q:')) return { kind: 'queue', key: member.slice(2) };
  return null;
}

export interface StatsKeys {
  readonly prefix: string;
  readonly registry: string;
  /** The rollup of the bucket of `resolution` that starts at `start` (ms, on its boundary). */
  bucket(resolution: Resolution, start: number, scope: Scope): string;
}

export function statsKeys(prefix: string): StatsKeys {
  return {
    prefix,
    registry: `${prefix}keys`,
    bucket: (resolution, start, scope) =>
      `${prefix}${resolution}${Math.floor(start / SIZE_MS[resolution])}:${scope.kind === 'all' ? 'a:' : memberOf(scope)}`,
  };
}
