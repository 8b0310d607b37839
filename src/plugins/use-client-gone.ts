/**
 * Ends an HTTP subscription (SSE, GET or POST) as soon as its client's
 * connection closes. The event stream (http/event-stream.ts) only notices a gone client when it
 * next writes, an update or its keep-alive 12 s later, and until then the
 * subscription holds its watches and Redis channels. The request's signal
 * aborts when the response closes (Yoga's Node adapter); graphql-ws ends its own subscriptions when a socket closes.
 */
import { type Plugin, isAsyncIterable } from 'graphql-yoga';
import { memberOf } from '../live/live-core.ts';

export function useClientGone(): Plugin {
  return {
    onSubscribe({ args }) {
      const signal = (args.contextValue as { request?: Request }).request?.signal;
      if (!signal) return undefined;
      return {
        onSubscribeResult({ result }) {
          const stream =
            memberOf(result) ?? (isAsyncIterable(result) ? (result as AsyncIterableIterator<unknown>) : null);
          if (!stream) return;
          const end = () => {
            // return() settles a pending next() as done; what it rejects with is the stream's own business.
            stream.return?.().catch(() => {});
          };
          if (signal.aborted) end();
          else signal.addEventListener('abort', end, { once: true });
        },
      };
    },
  };
}
