/**
 * Answers subscriptions over SSE with our own writer (http/event-stream.ts),
 * which puts each event's resume cursor (`extensions.cursor`, put there by
 * the event's member, src/live/members.ts) on the event's `id:` line, so
 * that an EventSource sends it back as `Last-Event-ID` when it reconnects
 * (Yoga's SSE writer sends no `id:`). The live core hands a subscription
 * over SSE to this writer as its member (memberOf), past Envelop's
 * per-event hooks.
 */
import type { ExecutionResult } from 'graphql';
import { type Plugin, isAsyncIterable } from 'graphql-yoga';
import { type EventStreamOptions, acceptsEventStream, eventStreamResponse } from '../http/event-stream.ts';
import { memberOf } from '../live/live-core.ts';

export function useEventCursors(options: EventStreamOptions = {}): Plugin {
  return {
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      const member = memberOf(result);
      const stream = member ?? (isAsyncIterable(result) ? (result as AsyncIterable<ExecutionResult>) : null);
      if (!stream) return;
      // Yoga's processors run first: with none chosen, no streamed answer is acceptable (406); a
      // single result (an error before the stream started) keeps Yoga's answer and status.
      if (!resultProcessor || !acceptsEventStream(request.headers.get('accept'))) {
        // The core hands a member over only to a request that takes SSE: never left open here.
        member?.return().catch(() => {});
        return;
      }
      setResultProcessor((_value, fetchAPI) => eventStreamResponse(stream, fetchAPI, options), 'text/event-stream');
    },
  };
}
