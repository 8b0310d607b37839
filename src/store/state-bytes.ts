/**
 * How a task's resume log is stored (state-log.ts, lua/record-state.lua):
 * one STRING per task, its states oldest first, each
 * `<seq> <digest><length>:<payload>` (numbers in base 36), after an
 * optional `#<seq>;`, the newest number trimmed off (past MAX_STATES). `digest` is the first 8 bytes
 * of the state's SHA-1 (enough to tell a task's states apart, and to check
 * bytes read back); the payload is
 *
 * - empty: a final state (SUCCESS, FAILURE, REVOKED), whose bytes the result
 *   backend holds while the result lives (`result_expires`, a day by
 *   default, outlasts `--resume-window`, an hour): read from there when
 *   replayed, and checked against the digest (another value there, or none,
 *   reads as an expired cursor);
 * - the dictionary's version (a lowercase letter) and the bytes deflated
 *   with a dictionary of Celery's meta and the task's id
 *   (celery/meta-dictionary.ts): a STARTED meta of about 300 bytes takes
 *   about 65;
 * - `=` and the bytes as published, when deflating does not make them smaller.
 *
 * One key instead of a ZSET of digests and a HASH of bytes (whose values,
 * over 64 bytes, made it a hashtable): about 200 bytes a task instead of
 * 1,200 (docs/benchmarks.md, Bytes of store per task).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DICTIONARY_VERSION, metaDictionary } from '../celery/meta-dictionary.ts';
import { parseBase36 } from './base36.ts';

/** Bytes of the SHA-1 kept per state. */
export const DIGEST_BYTES = 8;

/** What the log keeps of a state's digest (hex, as digestOf gives it). */
export const shortDigest = (digest: string): Buffer => Buffer.from(digest.slice(0, DIGEST_BYTES * 2), 'hex');

const ZLIB = { level: 9, windowBits: 12, memLevel: 4 } as const;
const DEFLATED = Buffer.from(DICTIONARY_VERSION);
const RAW = Buffer.from('=');

/** A state's payload in the log: empty when the backend holds its bytes, else the bytes, deflated when that is smaller. */
export function packState(id: string, raw: Buffer, backendHolds: boolean): Buffer {
  if (backendHolds) return Buffer.alloc(0);
  const deflated = deflateRawSync(raw, { ...ZLIB, dictionary: metaDictionary(id) });
  return deflated.length + DEFLATED.length < raw.length + RAW.length
    ? Buffer.concat([DEFLATED, deflated])
    : Buffer.concat([RAW, raw]);
}

/** The bytes of a stored payload; null for an empty one (read them from the backend) or one this version cannot read. */
export function unpackState(id: string, payload: Buffer): Buffer | null {
  if (payload.length === 0) return null;
  if (payload[0] === RAW[0]) return payload.subarray(1);
  if (!payload.subarray(0, DEFLATED.length).equals(DEFLATED)) return null;
  try {
    return inflateRawSync(payload.subarray(DEFLATED.length), { ...ZLIB, dictionary: metaDictionary(id) });
  } catch {
    return null;
  }
}

export interface LogEntry {
  readonly seq: number;
  /** The digest kept, in hex: what the state's SHA-1 begins with. */
  readonly digest: string;
  readonly payload: Buffer;
}

export interface ParsedLog {
  /** The newest number trimmed off, or null. */
  readonly trimmed: number | null;
  readonly entries: readonly LogEntry[];
  /** False when the bytes are not a log this version wrote (read as expired). */
  readonly valid: boolean;
}

const SPACE = 0x20;
const COLON = 0x3a;
const SEMICOLON = 0x3b;
const HASH = 0x23;

/** A sequence number as the log writes it (lua/base36.lua), or null. */
function base36(text: string): number | null {
  const value = parseBase36(text);
  return value !== null && value >= 0 ? value : null;
}

/** A task's log as stored (null: no key). */
export function parseLog(bytes: Buffer | null): ParsedLog {
  if (bytes === null) return { trimmed: null, entries: [], valid: true };
  let at = 0;
  let trimmed: number | null = null;
  if (bytes[0] === HASH) {
    const end = bytes.indexOf(SEMICOLON);
    trimmed = base36(bytes.toString('latin1', 1, end));
    at = end + 1;
    if (end === -1 || trimmed === null) return { trimmed: null, entries: [], valid: false };
  }
  const entries: LogEntry[] = [];
  while (at < bytes.length) {
    const space = bytes.indexOf(SPACE, at);
    const colon = space === -1 ? -1 : bytes.indexOf(COLON, space + 1 + DIGEST_BYTES);
    const seq = base36(bytes.toString('latin1', at, space));
    const lengthText = bytes.toString('latin1', space + 1 + DIGEST_BYTES, colon);
    const length = Number(lengthText);
    const end = colon + 1 + length;
    if (colon === -1 || !/^\d+$/.test(lengthText) || seq === null || end > bytes.length)
      return { trimmed, entries, valid: false };
    const digest = bytes.toString('hex', space + 1, space + 1 + DIGEST_BYTES);
    entries.push({ seq, digest, payload: bytes.subarray(colon + 1, end) });
    at = end;
  }
  return { trimmed, entries, valid: true };
}
