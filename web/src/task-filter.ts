/**
 * The Tasks view's filter as it lives in the address bar (so a filtered list
 * is a link, and the back button returns to the previous filter): each
 * TaskFilter field a query parameter, `status` repeated, times as ISO
 * strings, each kwargs match `kw.<key>=<value>`; and the local times a
 * datetime-local input shows.
 */
import type { TaskFilter, TaskOrder, TaskStatus } from './graphql/generated/graphql.ts';
import { STATUS } from './status.ts';

export const TEXT_FIELDS = ['name', 'namePrefix', 'worker', 'queue', 'rootId'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** The prefix of a kwargs match in the address: `kw.tenant=acme`. */
export const KWARG_PREFIX = 'kw.';

export interface FilterParams {
  readonly filter: TaskFilter;
  readonly order: TaskOrder;
}

const isStatus = (value: string): value is TaskStatus => Object.hasOwn(STATUS, value);
const isoOrNull = (value: string | null) =>
  value && !Number.isNaN(new Date(value).getTime()) ? new Date(value).toISOString() : null;

export function filterFromParams(params: URLSearchParams): FilterParams {
  const filter: TaskFilter = {};
  const statuses = params.getAll('status').filter(isStatus);
  if (statuses.length > 0) filter.status = statuses;
  for (const field of TEXT_FIELDS) {
    const value = params.get(field)?.trim();
    if (value) filter[field] = value;
  }
  const since = isoOrNull(params.get('since'));
  const until = isoOrNull(params.get('until'));
  if (since) filter.since = since;
  if (until) filter.until = until;
  const kwargs = [...params.entries()]
    .filter(([name, value]) => name.startsWith(KWARG_PREFIX) && name.length > KWARG_PREFIX.length && value !== '')
    .map(([name, value]) => ({ key: name.slice(KWARG_PREFIX.length), value }));
  if (kwargs.length > 0) filter.kwargs = kwargs;
  return { filter, order: params.get('order') === 'OLDEST_FIRST' ? 'OLDEST_FIRST' : 'NEWEST_FIRST' };
}

export function paramsFromFilter({ filter, order }: FilterParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const status of filter.status ?? []) params.append('status', status);
  for (const field of TEXT_FIELDS) {
    const value = filter[field];
    if (value) params.set(field, String(value));
  }
  if (filter.since) params.set('since', String(filter.since));
  if (filter.until) params.set('until', String(filter.until));
  for (const { key, value } of filter.kwargs ?? []) params.append(`${KWARG_PREFIX}${key}`, value);
  if (order === 'OLDEST_FIRST') params.set('order', order);
  return params;
}

/** An ISO time as a datetime-local input's value (local time, to the second). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A datetime-local input's value (local time) as ISO, or null when empty. */
export function fromLocalInput(value: string): string | null {
  return value ? isoOrNull(value) : null;
}
