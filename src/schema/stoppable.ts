/**
 * An async generator hears its consumer's return() (a client unsubscribing)
 * only at its next yield. One that waits for a change which never comes
 * would hold its watches and Redis channels forever. Run inside graphql-yoga's
 * Repeater, return() stops the repeater, which aborts `stopped`: the
 * generator's waits listen to it, so it ends at once and runs its finally
 * blocks. A Repeater returned before its first pull never starts the
 * generator, which then holds nothing either.
 */
import { Repeater } from 'graphql-yoga';

export function stoppable<T>(run: (stopped: AbortSignal) => AsyncGenerator<T, void>): AsyncIterableIterator<T> {
  return new Repeater<T>(async (push, stop) => {
    const stopped = new AbortController();
    const abort = () => stopped.abort();
    stop.then(abort, abort);
    for await (const value of run(stopped.signal)) {
      await push(value);
      if (stopped.signal.aborted) break;
    }
    stop();
  });
}
