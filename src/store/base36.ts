/**
 * Numbers as celery-lens' compact records write them (times in ms, sequence
 * numbers): base 36, lowercase, as Number#toString(36) and lua/base36.lua
 * write them. One reader for the history record, the tombstone and the
 * resume log.
 */

/** The integer `text` spells in base 36 (an optional `-` first), or null when it is not one or not a safe integer. */
export function parseBase36(text: string): number | null {
  if (!/^-?[0-9a-z]+$/.test(text)) return null;
  const value = Number.parseInt(text, 36);
  return Number.isSafeInteger(value) ? value : null;
}
