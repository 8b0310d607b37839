/**
 * Puts each subscription event's resume cursor (schema/cursor.ts) in its
 * `extensions.cursor`, on every transport, and answers subscriptions over SSE
 * with our own writer (http/event-stream.ts), which also puts the
 * cursor on the event's `id:` line, so that an EventSource sends it back as
 * `Last-Event-ID` when it reconnects (Yoga's SSE writer sends no `id:`).
 *
 * The copy with the cursor is made once per result and cursor: subscribers
 * sharing an event's result (use-shared-events.ts) share the copy too, and
 * use-response-limit.ts, after this plugin, measures and serializes it once.
 */
import type { ExecutionResult } from 'graphql';
import { type Plugin, handleStreamOrSingleExecutionResult, isAsyncIterable } from 'graphql-yoga';
import { currentCursor } from '../schema/cursor.ts';
import { type EventStreamOptions, eventStreamResponse } from '../http/event-stream.ts';

const copies = new WeakMap<ExecutionResult, Map<string, ExecutionResult>>();

/** `result` with `extensions.cursor`; one copy per result and cursor (cohorts use it too). */
export function withCursor(result: ExecutionResult, cursor: string): ExecutionResult {
  let byCursor = copies.get(result);
  if (!byCursor) {
    byCursor = new Map();
    copies.set(result, byCursor);
  }
  let copy = byCursor.get(cursor);
  if (!copy) {
    copy = { ...result, extensions: { ...result.extensions, cursor } };
    byCursor.set(cursor, copy);
  }
  return copy;
}

/** Whether an Accept header takes `text/event-stream` (`*` wildcards; no header is `*\/*`). */
export function acceptsEventStream(accept: string | null): boolean {
  return (accept || '*/*')
    .toLowerCase()
    .split(',')
    .some((item) => {
      const [type = ''] = item.split(';');
      const [main, sub] = type.trim().split('/');
      return (main === '*' || main === 'text') && (sub === '*' || sub === 'event-stream');
    });
}

export function useEventCursors(options: EventStreamOptions = {}): Plugin {
  return {
    onSubscribe: ({ args }) => ({
      onSubscribeResult: (payload) =>
        handleStreamOrSingleExecutionResult(
          payload as Parameters<typeof handleStreamOrSingleExecutionResult>[0],
          ({ result, setResult }) => {
            const cursor = currentCursor(args.contextValue as object);
            if (typeof cursor === 'string') setResult(withCursor(result, cursor));
          },
        ),
    }),
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      // Yoga's processors run first: with none chosen, no streamed answer is acceptable (406); a
      // single result (an error before the stream started) keeps Yoga's answer and status.
      if (!isAsyncIterable(result) || !resultProcessor || !acceptsEventStream(request.headers.get('accept'))) return;
      setResultProcessor(
        (value, fetchAPI) => eventStreamResponse(value as AsyncIterable<ExecutionResult>, fetchAPI, options),
        'text/event-stream',
      );
    },
  };
}
