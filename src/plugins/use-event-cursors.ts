/**
 * Puts each subscription event's resume cursor (schema/cursor.ts) in its
 * `extensions.cursor`, on every transport, and over SSE also on the event's
 * `id:` line, so that an EventSource sends it back as `Last-Event-ID` when
 * it reconnects (Yoga's SSE writer sends no `id:`).
 *
 * The copy with the cursor is made once per result and cursor: subscribers
 * sharing an event's result (use-shared-events.ts) share the copy too, and
 * use-response-limit.ts, after this plugin, measures and serializes it once.
 */
import type { ExecutionResult } from 'graphql';
import { type Plugin, getSSEProcessor, handleStreamOrSingleExecutionResult, isAsyncIterable } from 'graphql-yoga';
import { currentCursor } from '../schema/cursor.ts';

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

const NEXT = Buffer.from('event: next\n');

/**
 * `chunk` with `id: <cursor>` before each `event: next` line, taking the
 * cursors in order. Yoga writes that line as one string of its own (chunks
 * may join several strings, never split one), and only at the start of a
 * chunk or after a newline: a `data:` line is JSON, which holds no raw newline.
 */
export function withIds(chunk: Buffer, pending: (string | null)[]): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = chunk.indexOf(NEXT); at >= 0; at = chunk.indexOf(NEXT, at + NEXT.length)) {
    if (at > 0 && chunk[at - 1] !== 0x0a) continue;
    const cursor = pending.shift();
    if (!cursor) continue;
    parts.push(chunk.subarray(from, at), Buffer.from(`id: ${cursor}\n`));
    from = at;
  }
  if (parts.length === 0) return chunk;
  parts.push(chunk.subarray(from));
  return Buffer.concat(parts);
}

/**
 * Yoga's SSE response, with `id: <cursor>` before each event that has one:
 * each `event: next` line takes the cursor of the next result Yoga pulled.
 */
function sseWithIds(
  result: AsyncIterable<ExecutionResult>,
  fetchAPI: Parameters<ReturnType<typeof getSSEProcessor>>[1],
) {
  const pending: (string | null)[] = [];
  const source = result[Symbol.asyncIterator]();
  const tapped: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await source.next();
      if (!step.done && step.value != null) {
        const cursor = (step.value.extensions as { cursor?: unknown } | undefined)?.cursor;
        pending.push(typeof cursor === 'string' ? cursor : null);
      }
      return step;
    },
    return: () => source.return?.() ?? Promise.resolve({ value: undefined, done: true }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  const response = getSSEProcessor()(tapped, fetchAPI, 'text/event-stream') as Response;
  const ids = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      controller.enqueue(withIds(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), pending));
    },
  });
  return new fetchAPI.Response(response.body?.pipeThrough(ids) ?? null, {
    status: response.status,
    headers: response.headers,
  });
}

export function useEventCursors(): Plugin {
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
      // A stream Yoga answers (its processors run first) is SSE: the only one it offers subscriptions.
      if (!isAsyncIterable(result) || !resultProcessor) return;
      const accept = request.headers.get('accept') ?? '';
      if (accept.includes('multipart/mixed') && !accept.includes('text/event-stream')) return;
      setResultProcessor(
        (value, fetchAPI) => sseWithIds(value as AsyncIterable<ExecutionResult>, fetchAPI),
        'text/event-stream',
      );
    },
  };
}
