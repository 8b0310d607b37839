/** Times and durations as the page prints them. */

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * Local time to the millisecond, `2026-11-27 12:48:16.079`: unambiguous in
 * every locale, and no Intl formatter, whose first use in a tab (its locale
 * data) cost a task page's first render tens of milliseconds.
 */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${Math.round(rest)} ms`;
  if (rest < 60_000) return `${sign}${(rest / 1000).toFixed(rest < 10_000 ? 2 : 1)} s`;
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    const amount = Math.floor(rest / size);
    if (amount > 0 || (unit === 's' && parts.length === 0)) parts.push(`${amount}${unit}`);
    rest -= amount * size;
  }
  return sign + parts.slice(0, 2).join(' ');
}

/** A running task's age, to the second while under a minute (`12 s`), then as formatDuration (`3m 4s`). */
export function formatElapsed(ms: number): string {
  return ms < 60_000 ? `${Math.max(0, Math.floor(ms / 1000))} s` : formatDuration(ms);
}

export const ms = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? null : t;
};
