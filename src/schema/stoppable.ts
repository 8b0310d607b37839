/**
 * An async generator hears its consumer's return() (a client unsubscribing)
 * only at its next yield. One that waits for a change which never comes
 * would hold its watches and Redis channels forever. Wrapped here, return()
 * first aborts `stopped`, which the generator's waits listen to, so it ends
 * at once and runs its finally blocks.
 */
export function stoppable<T>(run: (stopped: AbortSignal) => AsyncGenerator<T, void>): AsyncIterableIterator<T> {
  const stop = new AbortController();
  const inner = run(stop.signal);
  return {
    next: () => inner.next(),
    return: () => {
      stop.abort();
      return inner.return(undefined);
    },
    throw: (error: unknown) => {
      stop.abort();
      return inner.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
