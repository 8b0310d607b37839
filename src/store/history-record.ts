/**
 * A task's history record, `t:<id>` (lens-keys.ts): what Celery's events
 * said about it and its timeline, in one STRING written by
 * lua/record-events.lua. Earlier versions kept a HASH (`task:<id>`, long
 * field names) and a ZSET of timeline members (`events:<id>`): two keys'
 * overhead, field names and hostnames repeated, about 650 bytes a task of
 * four events; this is about 250 (docs/benchmarks.md, Bytes of store per task).
 *
 * Fields, separated by \x1f, in this order: `1` (the layout's version), T0
 * (whole ms in base 36: every time below is an offset from it, `<whole
 * ms>[.fraction]`, so a time is a few digits), name, queue, root id (`=`: the
 * task itself), retries, runtime, worker (an index into the hostnames),
 * finishedAt, the hostnames seen (\x1e between them), the timeline's
 * entries (\x1e between them), then the rarely set, left out when empty from
 * the end: parent id, sentAt, receivedAt, startedAt (these three kept only
 * for timeline entries trimmed off: the timeline tells them). An entry is
 * `<type letter><offset>[,<retries>[,<hostname index>]]` (the letters of
 * timeline-members.ts). Empty: not known.
 */
import type { TimelineEntry } from '../celery/timeline-order.ts';
import { decodeTimelineMember } from './timeline-members.ts';
import { parseBase36 } from './base36.ts';

const US = '\x1f';
const RS = '\x1e';

/** The record read back: the hash fields earlier versions kept (their names), and the timeline's members. */
export interface HistoryRecord {
  readonly fields: Record<string, string>;
  /** Timeline members as timeline-members.ts writes them (what earlier versions' ZSET held). */
  readonly members: readonly string[];
}

/** The fields after T0, in their order (the hostnames and the timeline come after `finishedAt`). */
const NAMES = ['name', 'queue', 'rootId', 'retries', 'runtime', 'worker', 'finishedAt'] as const;
/** The fields after the timeline, rarely set: left out when empty, from the end. */
const RARE = ['parentId', 'sentAt', 'receivedAt', 'startedAt'] as const;
const TIMES = new Set(['sentAt', 'receivedAt', 'startedAt', 'finishedAt']);

/** `<whole>[.fraction]` as sign, whole ms and fraction text (the fraction kept as written: no rounding). */
function parts(text: string): [bigint, string] | null {
  const match = /^(-?\d+)((?:\.\d+)?)$/.exec(text);
  return match ? [BigInt(match[1] as string), match[2] as string] : null;
}

/** The record's fields and members; null when the text is not a record this version wrote. */
export function decodeHistoryRecord(id: string, text: string): HistoryRecord | null {
  const f = text.split(US);
  if (f[0] !== '1' || f.length < 11 || f.length > 15) return null;
  const whole = parseBase36(f[1] as string);
  const t0 = whole === null ? null : BigInt(whole);
  const timeOf = (offset: string): string | null => {
    const off = parts(offset);
    if (off === null || t0 === null) return null;
    const whole = t0 + off[0];
    // A negative offset's fraction belongs to the time, not the offset: `-1.5` from 1000 is 999.5.
    return `${whole}${off[1]}`;
  };
  const hosts = f[9] === '' ? [] : (f[9] as string).split(RS);
  const fields: Record<string, string> = {};
  const named: [string, string][] = [
    ...NAMES.map((name, index): [string, string] => [name, f[index + 2] as string]),
    ...RARE.map((name, index): [string, string] => [name, f[index + 11] ?? '']),
  ];
  for (const [name, text] of named) {
    let value = text;
    if (value === '') continue;
    if (name === 'rootId' && value === '=') value = id;
    else if (name === 'worker') value = hosts[Number(value)] ?? '';
    else if (TIMES.has(name)) value = timeOf(value) ?? 'not a time';
    fields[name] = value;
  }
  const members: string[] = [];
  for (const entry of f[10] === '' ? [] : (f[10] as string).split(RS)) {
    const [offset = '', retries = '', host] = entry.slice(1).split(',');
    const at = timeOf(offset);
    if (at === null) return null;
    const hostname = host === undefined ? null : hosts[Number(host)];
    if (hostname === undefined) return null;
    members.push(`${entry[0]}${at}|${retries}${hostname === null ? '' : `|${hostname}`}`);
  }
  return { fields, members };
}

/** The timeline's entries from members, in the order earlier versions' ZSET gave them (by time, then member). */
export function timelineOf(members: readonly string[]): { member: string; entry: TimelineEntry | null }[] {
  const decoded = [...new Set(members)].map((member) => ({ member, entry: decodeTimelineMember(member) }));
  return decoded.sort((a, b) => {
    const [x, y] = [a.entry?.at ?? 0, b.entry?.at ?? 0];
    if (x !== y) return x - y;
    return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
  });
}
