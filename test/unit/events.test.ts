import { describe, expect, it } from 'vitest';
import { decodeEventMessage, eventChannelPattern } from '../../src/celery/events.ts';
import { allCaptures, capture, idOf } from '../helpers/payloads.ts';

describe('decodeEventMessage on events captured from Celery 5.2.6', () => {
  it('decodes task.sent envelopes and task.multi batches into the lifecycle of a task', () => {
    const c = capture('success');
    const id = idOf(c, 'task');
    const events = c.events
      .flatMap((e) => decodeEventMessage(e.message))
      .filter((e) => e.kind === 'task' && e.taskId === id);
    expect(events.map((e) => e.type)).toEqual(['task-sent', 'task-received', 'task-started', 'task-succeeded']);
    const [sent, received, , succeeded] = events as Extract<(typeof events)[number], { kind: 'task' }>[];
    expect(sent).toMatchObject({ name: 'lens.add', rootId: id, parentId: null, retries: 0, queue: 'success' });
    expect(received?.hostname).toMatch(/^lens-.*@/);
    expect(succeeded?.runtime).toBeGreaterThan(0);
    const times = events.map((e) => e.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Milliseconds since the epoch (Celery sends seconds as a float): a time of this century, whatever today is.
    expect(sent?.at).toBeGreaterThan(Date.UTC(2020, 0, 1));
    expect(sent?.at).toBeLessThan(Date.UTC(2100, 0, 1));
  });

  it('decodes retries and failures', () => {
    const retry = capture('retry');
    const types = retry.events.flatMap((e) => decodeEventMessage(e.message)).map((e) => e.type);
    expect(types).toContain('task-retried');
    const failure = capture('failure');
    const failed = failure.events.flatMap((e) => decodeEventMessage(e.message)).find((e) => e.type === 'task-failed');
    // 5.2.6 sends billiard's wrapper's repr, not the exception: the meta is where errors are read.
    expect(failed).toMatchObject({ kind: 'task', exception: 'ExceptionWithTraceback()' });
  });

  it('finds every captured event on the pattern of its broker db, and gives nothing for garbage', () => {
    for (const c of allCaptures()) {
      for (const e of c.events) {
        expect(e.channel.startsWith(eventChannelPattern(15).slice(0, -1))).toBe(true);
        expect(decodeEventMessage(e.message).length).toBeGreaterThan(0);
      }
    }
    for (const bad of [
      '',
      'nope',
      '{"body": 3}',
      '{"body": "e30="}',
      JSON.stringify({
        body: Buffer.from('[{"type":"task-sent"}]').toString('base64'),
        properties: { body_encoding: 'base64' },
      }),
    ]) {
      expect(decodeEventMessage(bad)).toEqual([]);
    }
  });
});

describe('decodeEventMessage on values no worker sends', () => {
  const envelope = (events: unknown[]) => JSON.stringify({ body: JSON.stringify(events) });
  it('drops events whose time no Date holds, and counts beyond a GraphQL Int', () => {
    const decoded = decodeEventMessage(
      envelope([
        { type: 'task-sent', uuid: 'far', timestamp: 1e300 },
        {
          type: 'worker-heartbeat',
          hostname: 'w@h',
          timestamp: 1,
          active: 2 ** 31,
          processed: -1,
          freq: 1e9,
          loadavg: [1, 'x', 2],
          sw_ident: 'x'.repeat(300),
        },
        { type: 'worker-heartbeat', hostname: 'w@h', timestamp: 1, freq: -2 },
        { type: 'task-retried', uuid: 'r', timestamp: 1, retries: 2 ** 40 },
      ]),
    );
    expect(decoded).toEqual([
      {
        kind: 'worker',
        type: 'worker-heartbeat',
        hostname: 'w@h',
        at: 1000,
        active: null,
        processed: null,
        freq: null,
        loadAverage: null,
        software: null,
      },
      {
        kind: 'worker',
        type: 'worker-heartbeat',
        hostname: 'w@h',
        at: 1000,
        active: null,
        processed: null,
        freq: null,
        loadAverage: null,
        software: null,
      },
      expect.objectContaining({ kind: 'task', taskId: 'r', retries: null }),
    ]);
  });
});
