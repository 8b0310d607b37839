/**
 * How a tombstone (`tomb:<id>`, kept --tombstone-days) is stored: one short
 * string, `<state>\x1f<dateDone>\x1f<recordedAt>\x1f<name>\x1f<errorType>\x1f<errorMessage>`,
 * times as ms in base 36, empty fields (and trailing separators) left out,
 * the message last (it may hold anything). A success of `lens.add` is 34
 * bytes, short enough for Redis to keep it with its object header in one
 * allocation (44 bytes at most: 152 bytes of Redis a task, instead of 264
 * for the JSON earlier versions wrote, which are still read).
 */
import type { Tombstone } from './history-types.ts';
import { parseBase36 } from './base36.ts';

const US = '\x1f';

export function encodeTombstone(tomb: Tombstone): string {
  const dateDone = tomb.dateDone === null ? '' : Date.parse(tomb.dateDone).toString(36);
  // A message is kept even when empty (`raise ValueError()`); absent fields at the end are left out.
  const fields: (string | null)[] = [
    tomb.state,
    dateDone,
    tomb.recordedAt.toString(36),
    tomb.name,
    tomb.errorType,
    tomb.errorMessage,
  ];
  while (fields.length > 3 && fields.at(-1) === null) fields.pop();
  return fields.map((field) => field ?? '').join(US);
}

/** A time in ms, within what a Date holds. */
const time = (text: string): number | null => {
  const ms = parseBase36(text);
  return ms !== null && Math.abs(ms) <= 8.64e15 ? ms : null;
};

/** A tombstone in the compact form; null when the text is not one (JSON of earlier versions, or garbage). */
export function decodeTombstone(text: string): Tombstone | null {
  const fields = text.split(US);
  if (fields.length < 3) return null;
  const [state = '', dateDone = '', recordedAt = '', name = '', errorType = ''] = fields;
  const message = fields.slice(5).join(US);
  const recorded = time(recordedAt);
  const done = dateDone === '' ? null : time(dateDone);
  if (state === '' || recorded === null || (dateDone !== '' && done === null)) return null;
  return {
    state,
    dateDone: done === null ? null : new Date(done).toISOString(),
    errorType: errorType === '' ? null : errorType,
    errorMessage: fields.length > 5 ? message : null,
    name: name === '' ? null : name,
    recordedAt: recorded,
  };
}
