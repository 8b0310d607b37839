import { describe, expect, it } from 'vitest';
import { decodeTombstone, encodeTombstone } from '../../src/store/tombstones.ts';
import { decodeHistoryRecord } from '../../src/store/history-record.ts';

describe('tombstones as stored (tombstones.ts)', () => {
  const now = Date.now();
  it('read back as written, in at most 44 bytes for a success (one allocation in Redis)', () => {
    const success = {
      state: 'SUCCESS',
      dateDone: new Date(now - 5).toISOString(),
      errorType: null,
      errorMessage: null,
      name: 'lens.add',
      recordedAt: now,
    };
    expect(encodeTombstone(success).length).toBeLessThanOrEqual(44);
    expect(decodeTombstone(encodeTombstone(success))).toEqual(success);
    const failure = { ...success, state: 'FAILURE', errorType: 'ValueError', errorMessage: 'a\x1fb: c' };
    expect(decodeTombstone(encodeTombstone(failure))).toEqual(failure);
    const bare = { ...success, dateDone: null, name: null, errorMessage: '' };
    expect(decodeTombstone(encodeTombstone(bare))).toEqual(bare);
  });

  it('the JSON of earlier versions and garbage are not compact tombstones', () => {
    expect(decodeTombstone('{"state":"SUCCESS","recordedAt":1}')).toBeNull();
    expect(decodeTombstone('SUCCESS\x1fnot a time\x1f1')).toBeNull();
  });
});

describe('history records as stored (history-record.ts)', () => {
  it('gives the times back as written, offsets from T0 included (negative, fractions)', () => {
    const id = 'abc';
    const t0 = Date.now();
    const text = [
      '1',
      t0.toString(36),
      'n',
      'q',
      '=',
      '0',
      '0.5',
      '1',
      '7.5',
      'c@h\x1ew@h',
      'a0,0,0\x1eb-2.25,0,1\x1ed7.5',
      // The rarely set, the empty ones at the end left out: parent, sentAt, receivedAt (startedAt).
      '',
      '0',
      '-2.25',
    ].join('\x1f');
    expect(decodeHistoryRecord(id, text)).toEqual({
      fields: {
        name: 'n',
        queue: 'q',
        rootId: id,
        retries: '0',
        runtime: '0.5',
        worker: 'w@h',
        sentAt: String(t0),
        // An offset's fraction belongs to the time: -2.25 from T0 is T0 - 2, then .25.
        receivedAt: `${t0 - 2}.25`,
        finishedAt: `${t0 + 7}.5`,
      },
      members: [`a${t0}|0|c@h`, `b${t0 - 2}.25|0|w@h`, `d${t0 + 7}.5|`],
    });
  });
});
