import { describe, expect, it } from 'vitest';
import { decodeTaskMeta } from '../../src/celery/meta.ts';
import { decodeResultTuple, taskIdsOf } from '../../src/celery/result-tuple.ts';
import { MetaDecodeError } from '../../src/errors/meta-decode-error.ts';
import { allCaptures, bytesOf, capture, idOf, idsOf, taskKey } from '../helpers/payloads.ts';

const decodeKey = (scenario: string, id: string) => {
  const key = taskKey(id);
  const entry = capture(scenario).keys[key];
  if (!entry) throw new Error(`${scenario} has no ${key}`);
  return decodeTaskMeta(id, key, bytesOf(entry));
};

describe('decodeTaskMeta on payloads captured from Celery 5.2.6', () => {
  it('decodes every JSON task key and every published message of every scenario', () => {
    let decoded = 0;
    for (const c of allCaptures().filter((c) => c.scenario !== 'pickle')) {
      const values = [
        ...Object.entries(c.keys).map(([key, entry]) => [key, bytesOf(entry)] as const),
        ...c.published.map((m) => [m.channel, Buffer.from(m.message)] as const),
      ].filter(([key]) => key.startsWith('celery-task-meta-'));
      for (const [key, bytes] of values) {
        const id = key.slice('celery-task-meta-'.length);
        const raw = JSON.parse(bytes.toString()) as Record<string, unknown>;
        const meta = decodeTaskMeta(id, key, bytes);
        expect(meta.state).toBe(raw.status);
        expect(raw.task_id).toBe(id);
        decoded += 1;
      }
    }
    expect(decoded).toBeGreaterThan(40);
  });

  it('SUCCESS with result_extended: every field', () => {
    const c = capture('success');
    const meta = decodeKey('success', idOf(c, 'task'));
    expect(meta).toMatchObject({
      state: 'SUCCESS',
      result: 5,
      exception: null,
      traceback: null,
      children: [],
      name: 'lens.add',
      args: [2, 3],
      kwargs: {},
      retries: 0,
      queue: 'success',
      parentId: null,
      groupId: null,
      extended: true,
    });
    expect(meta.worker).toMatch(/^lens-.*@/);
    // date_done is naive UTC in 5.2.6.
    const raw = JSON.parse(bytesOf(c.keys[taskKey(idOf(c, 'task'))]!).toString()) as { date_done: string };
    expect(raw.date_done).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(meta.dateDone?.toISOString()).toBe(`${raw.date_done.slice(0, 23)}Z`);
  });

  it('FAILURE: the exception dict (exc_message is a list) and the traceback', () => {
    const meta = decodeKey('failure', idOf(capture('failure'), 'task'));
    expect(meta.exception).toEqual({ type: 'ValueError', message: 'kaboom', module: 'builtins', args: ['kaboom'] });
    expect(meta.traceback).toMatch(/^Traceback \(most recent call last\):[\s\S]*ValueError: kaboom\n$/);
  });

  it('REVOKED: TaskRevokedError', () => {
    const meta = decodeKey('revoked', idOf(capture('revoked'), 'task'));
    expect(meta).toMatchObject({
      state: 'REVOKED',
      exception: { type: 'TaskRevokedError', module: 'celery.exceptions', args: ['revoked'] },
    });
  });

  it('PROGRESS: every published custom state keeps its meta, in order, after STARTED', () => {
    const c = capture('progress');
    const states = c.published.map((m) => decodeTaskMeta(idOf(c, 'task'), m.channel, Buffer.from(m.message)));
    expect(states.map((s) => [s.state, s.result])).toEqual([
      ['STARTED', { pid: expect.any(Number), hostname: expect.stringMatching(/@/) }],
      ['PROGRESS', { current: 1, total: 3 }],
      ['PROGRESS', { current: 2, total: 3 }],
      ['PROGRESS', { current: 3, total: 3 }],
      ['SUCCESS', { done: 3 }],
    ]);
    expect(states[0]?.dateDone).toBeNull();
    // Publish-on-set: the last message is byte for byte the stored value.
    expect(c.published.at(-1)?.message).toBe(c.keys[taskKey(idOf(c, 'task'))]?.value);
  });

  it('RETRY: no self-parent or self-child, and the exception from the traceback', () => {
    const c = capture('retry');
    const id = idOf(c, 'task');
    const retries = c.published.filter((m) => m.message.includes('"RETRY"'));
    expect(retries.length).toBe(2);
    const raw = JSON.parse(retries[1]!.message) as { result: unknown; parent_id: string; children: unknown[] };
    // What Celery 5.2.6 really stores for self.retry():
    expect(raw.result).toBeNull();
    expect(raw.parent_id).toBe(id);
    expect(raw.children).toEqual([[[id, null], null]]);
    const meta = decodeTaskMeta(id, retries[1]!.channel, Buffer.from(retries[1]!.message));
    expect(meta).toMatchObject({ state: 'RETRY', parentId: null, children: [], retries: 1 });
    expect(meta.exception).toEqual({
      type: 'Retry',
      module: 'celery.exceptions',
      message: 'Retry in 0.1s',
      args: ['Retry in 0.1s'],
    });
    expect(decodeKey('retry', id)).toMatchObject({
      state: 'SUCCESS',
      result: 'ok',
      retries: 2,
      parentId: null,
      exception: null,
    });
  });

  it('chain: parent_id links and the children tuples', () => {
    const links = idsOf(capture('chain'), 'links');
    const metas = links.map((id) => decodeKey('chain', id));
    expect(metas.map((m) => m.parentId)).toEqual([null, links[0], links[1]]);
    expect(metas.map((m) => m.children.map((t) => taskIdsOf(decodeResultTuple(t)!)))).toEqual([
      [[links[1]]],
      [[links[2]]],
      [],
    ]);
  });

  it('a task that spawned a group: its children hold the group tuple; members carry group_id and parent_id', () => {
    const c = capture('spawn_group');
    const parent = decodeKey('spawn_group', idOf(c, 'parent'));
    expect(parent.children).toHaveLength(1);
    const node = decodeResultTuple(parent.children[0]);
    expect(node).toMatchObject({ kind: 'group', id: idOf(c, 'group') });
    for (const member of taskIdsOf(node!)) {
      expect(decodeKey('spawn_group', member)).toMatchObject({
        groupId: idOf(c, 'group'),
        parentId: idOf(c, 'parent'),
      });
    }
  });

  it('chord: the body is parented by the last header task, members by the header group', () => {
    const c = capture('chord');
    const body = decodeKey('chord', idOf(c, 'body'));
    expect(idsOf(c, 'members')).toContain(body.parentId);
    expect(body.result).toBe(12);
    for (const member of idsOf(c, 'members')) expect(decodeKey('chord', member).groupId).toBe(idOf(c, 'header'));
    // The chord size is SET and PUBLISHed on "<taskset key>.s".
    expect(c.published.find((m) => m.channel.endsWith('.s'))).toEqual({
      channel: `celery-taskset-meta-${idOf(c, 'header')}.s`,
      message: '3',
    });
  });

  it('saved group: the taskset key holds {"result": <group tuple>}', () => {
    const c = capture('group');
    const saved = JSON.parse(c.keys[`celery-taskset-meta-${idOf(c, 'group')}`]!.value) as { result: unknown };
    expect(taskIdsOf(decodeResultTuple(saved.result)!)).toEqual(idsOf(c, 'members'));
  });

  it('result_extended off: no name/args/worker/retries/queue', () => {
    const meta = decodeKey('not_extended', idOf(capture('not_extended'), 'task'));
    expect(meta).toMatchObject({
      state: 'SUCCESS',
      result: 5,
      name: null,
      args: null,
      kwargs: null,
      worker: null,
      retries: null,
      queue: null,
      extended: false,
    });
  });

  it('pickle serializer: a typed error that says why', () => {
    const c = capture('pickle');
    expect(() => decodeKey('pickle', idOf(c, 'task'))).toThrow(MetaDecodeError);
    expect(() => decodeKey('pickle', idOf(c, 'task'))).toThrow(/pickle/);
  });
});
