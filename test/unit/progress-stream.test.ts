/**
 * The coalescing of progress subscriptions (src/live/progress-stream.ts),
 * on a counting source: one read per batch of changes, never two emitted
 * counts within one interval, the end after a ready count. The Redis side
 * is tested in test/integration/progress.test.ts and test/interop/progress.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { countProgress } from '../../src/read/progress-count.ts';
import { ProgressChanges } from '../../src/intake/progress-changes.ts';
import { SharedProgressReads, progressStream } from '../../src/live/progress-stream.ts';
import type { TaskStatus } from '../../src/store/task-statuses.ts';

const INTERVAL_MS = 100;

function source(statuses: TaskStatus[]) {
  const state = { reads: 0 };
  const read = async () => {
    state.reads += 1;
    return { progress: countProgress(statuses), watched: new Set(['g', ...statuses.map((_, i) => `t${i}`)]) };
  };
  return { state, read };
}

describe('progressStream', () => {
  it('changes over a second: one read per batch, counts at least an interval apart, ends ready', async () => {
    const statuses: TaskStatus[] = Array.from({ length: 50 }, () => 'RUNNING');
    const { state, read } = source(statuses);
    const changes = new ProgressChanges();
    const stream = progressStream({ read, changes, intervalMs: INTERVAL_MS, signal: new AbortController().signal });
    const times: number[] = [];
    const counts: number[] = [];
    const consume = (async () => {
      for await (const progress of stream) {
        times.push(performance.now());
        counts.push(progress.succeeded);
      }
    })();
    // 50 tasks finish 20 ms apart: 1 s of changes, each one told.
    for (let i = 0; i < statuses.length; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      statuses[i] = 'SUCCEEDED';
      changes.notify({ ids: [`t${i}`], related: [] });
    }
    await consume;
    expect(counts.at(-1)).toBe(50);
    expect(counts.length).toBeGreaterThan(3);
    expect(counts.length).toBeLessThan(20);
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(INTERVAL_MS - 2);
    // Reads follow batches, not changes: about one per emitted count.
    expect(state.reads).toBeLessThanOrEqual(counts.length + 1);
    expect(changes.listening).toBe(0);
  });

  it('changes to other tasks cause no read; a worker gone does', async () => {
    const { state, read } = source(['RUNNING']);
    const changes = new ProgressChanges();
    const abort = new AbortController();
    const stream = progressStream({ read, changes, intervalMs: 10, signal: abort.signal });
    expect((await stream.next()).value).toMatchObject({ running: 1 });
    changes.notify({ ids: ['elsewhere'], related: ['other-group'] });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(state.reads).toBe(1);
    const next = stream.next();
    changes.notify({ ids: [], related: [], workerGone: 'w@h' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(state.reads).toBe(2);
    // The same count is not emitted again; the stream waits for the next change until aborted.
    abort.abort();
    expect(await next).toEqual({ value: undefined, done: true });
  });

  it('an abort ends a waiting stream and stops listening', async () => {
    const { read } = source(['RUNNING']);
    const changes = new ProgressChanges();
    const abort = new AbortController();
    const stream = progressStream({ read, changes, intervalMs: 10, signal: abort.signal });
    await stream.next();
    const waiting = stream.next();
    abort.abort();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(changes.listening).toBe(0);
  });
});

describe('shared reads', () => {
  it('20 subscriptions to one count: one read per batch of changes, not 20; each gets every count', async () => {
    const statuses: TaskStatus[] = Array.from({ length: 10 }, () => 'RUNNING');
    const { state, read } = source(statuses);
    const changes = new ProgressChanges();
    const reads = new SharedProgressReads(changes);
    const streams = Array.from({ length: 20 }, () =>
      progressStream({
        read,
        changes,
        intervalMs: 50,
        signal: new AbortController().signal,
        shared: { reads, key: 'group g' },
      }),
    );
    const seen = streams.map(() => [] as number[]);
    const done = streams.map(async (stream, index) => {
      for await (const progress of stream) seen[index]!.push(progress.succeeded);
    });
    for (let i = 0; i < statuses.length; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      statuses[i] = 'SUCCEEDED';
      changes.notify({ ids: [`t${i}`], related: [] });
    }
    await Promise.all(done);
    for (const counts of seen) expect(counts.at(-1)).toBe(10);
    // 20 subscriptions, about one read per interval of changes: far fewer than 20 per batch.
    expect(state.reads).toBeLessThan(2 * seen[0]!.length + 2);
    expect(state.reads).toBeLessThan(40);
    // Every subscription left: nothing is held, the next read is a fresh one.
    const before = state.reads;
    await reads.read('group g', 0, read);
    expect(state.reads).toBe(before + 1);
    expect(changes.listening).toBe(0);
  });

  it('a change after a read started is not served from it', async () => {
    const changes = new ProgressChanges();
    const reads = new SharedProgressReads(changes);
    const release = reads.hold('k');
    let n = 0;
    const fresh = async () => ({
      progress: countProgress(Array.from({ length: (n += 1) }, () => 'RUNNING' as const)),
      watched: new Set<string>(),
    });
    expect((await reads.read('k', changes.seq, fresh)).progress.total).toBe(1);
    expect((await reads.read('k', changes.seq, fresh)).progress.total).toBe(1); // no change since: shared
    changes.notify({ ids: ['x'], related: [] });
    expect((await reads.read('k', changes.seq, fresh)).progress.total).toBe(2);
    release();
  });
});
