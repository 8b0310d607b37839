/** A task's events in the order they happened, whatever the stamps of the processes that sent them say. */
import { describe, expect, it } from 'vitest';
import { type TimelineEntry, causalOrder } from '../../src/celery/timeline-order.ts';

const entry = (type: TimelineEntry['type'], at: number, retries?: number): TimelineEntry =>
  retries === undefined ? { type, at, hostname: 'w@h' } : { type, at, hostname: 'w@h', retries };
const shape = (timeline: TimelineEntry[]) =>
  causalOrder([...timeline].reverse()).map((e) => `${e.type}${e.retries === undefined ? '' : `:${e.retries}`}`);

describe('causalOrder', () => {
  it('puts a send before the receipt and start it caused, when a fast worker stamped them earlier', () => {
    const t = 1_000_000;
    expect(shape([entry('task-received', t, 0), entry('task-started', t + 1), entry('task-sent', t + 3, 0)])).toEqual([
      'task-sent:0',
      'task-received:0',
      'task-started',
    ]);
  });

  it("keeps a retry's send after the start of the attempt that sent it, however its stamps fall", () => {
    const t = 1_000_000;
    // The child re-sent the task (retries 1) before the pool's parent stamped the start it had reported.
    const timeline = [
      entry('task-sent', t, 0),
      entry('task-received', t + 5, 0),
      entry('task-sent', t + 10, 1),
      entry('task-started', t + 12),
      entry('task-retried', t + 14),
      entry('task-received', t + 20, 1),
      entry('task-started', t + 21),
      entry('task-succeeded', t + 30),
    ];
    expect(shape(timeline)).toEqual([
      'task-sent:0',
      'task-received:0',
      'task-started',
      'task-sent:1',
      'task-retried',
      'task-received:1',
      'task-started',
      'task-succeeded',
    ]);
  });

  it('leaves a send with no attempt before it where its stamp puts it', () => {
    const t = 1_000_000;
    expect(shape([entry('task-sent', t, 2), entry('task-received', t + 5, 2), entry('task-started', t + 6)])).toEqual([
      'task-sent:2',
      'task-received:2',
      'task-started',
    ]);
  });
});
