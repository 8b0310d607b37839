/**
 * Metas as Celery 5.6 writes them (test/fixtures/celery-5.6/metas.json,
 * built from its source; the interop suite runs Debian's 5.2.6).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTaskMeta } from '../../src/celery/meta.ts';

interface Fixture {
  readonly id: string;
  readonly value: string;
}
const fixtures = (
  JSON.parse(readFileSync(new URL('../fixtures/celery-5.6/metas.json', import.meta.url), 'utf8')) as {
    metas: Record<string, Fixture>;
  }
).metas;
/** An offset date as Celery 5.6 writes it: local time, microseconds, offset. */
const OFFSET_DATE = /(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d{6})([+-]\d\d:\d\d)/g;
const DAY_MS = 86_400_000;
/** The day the fixtures' dates fall on (their local day), and today's: the fixtures are read as if written today. */
const fixtureDay = Date.parse(`${OFFSET_DATE.exec(JSON.stringify(fixtures))?.[1]}T00:00:00Z`);
const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const todayAt = (time: string) => new Date(`${new Date(today).toISOString().slice(0, 10)}T${time}Z`);

const decode = (name: string) => {
  const { id, value } = fixtures[name]!;
  const moved = value.replace(OFFSET_DATE, (_, day: string, time: string, micros: string, offset: string) => {
    const shifted = new Date(Date.parse(`${day}T00:00:00Z`) - fixtureDay + today).toISOString().slice(0, 10);
    return `${shifted}T${time}${micros}${offset}`;
  });
  return decodeTaskMeta(id, `celery-task-meta-${id}`, Buffer.from(moved));
};

describe('Celery 5.6 metas', () => {
  it('REVOKED stored by the revoke itself (5.6.2+): no request fields, date_done with +00:00', () => {
    expect(decode('revoked_before_receive')).toMatchObject({
      state: 'REVOKED',
      exception: { type: 'TaskRevokedError', module: 'celery.exceptions', message: 'revoked' },
      dateDone: todayAt('10:00:00.123'),
      name: null,
      worker: null,
      groupId: null,
      parentId: null,
      extended: false,
    });
  });

  it("date_done in Celery's timezone (+01:00) is the same instant in UTC; stamps are ignored", () => {
    const meta = decode('success_timezone_stamped');
    expect(meta.dateDone).toEqual(todayAt('10:00:00.123'));
    expect(meta).toMatchObject({
      state: 'SUCCESS',
      result: 3,
      name: 'lens.add',
      worker: 'celery@vm',
      queue: 'celery',
      extended: true,
    });
    expect(Object.keys(meta)).not.toContain('on_signature');
  });

  it('date_started, where a meta has one, with its offset', () => {
    expect(decode('started_with_date_started').dateStarted).toEqual(todayAt('14:59:58.000'));
    expect(decode('success_timezone_stamped').dateStarted).toBeNull();
  });

  it('a date_started that is not a date is UNDECODABLE_META', () => {
    const bad = JSON.stringify({
      status: 'STARTED',
      result: null,
      traceback: null,
      children: [],
      date_done: null,
      date_started: 'yesterday',
    });
    expect(() => decodeTaskMeta('x', 'celery-task-meta-x', Buffer.from(bad))).toThrow(
      /"date_started" is not an ISO date/,
    );
  });
});
