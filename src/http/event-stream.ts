/**
 * celery-lens' own SSE writer for subscriptions over HTTP, registered through
 * Yoga's public `onResultProcess` hook (plugins/use-event-cursors.ts). It
 * writes what Yoga's writer writes (the "distinct connections" mode of the
 * GraphQL over SSE protocol: `event: next` with the result as `data:`,
 * `event: complete` at the end, a `:` comment to open the stream and every
 * 12 s to keep it open) and, before each event that carries a resume cursor
 * (`extensions.cursor`), an `id:` line, so that an EventSource sends it back
 * as `Last-Event-ID` when it reconnects. Yoga's writer has no `id:` line.
 *
 * Events are pulled from the subscription only as the response stream asks
 * for them: a client that stops reading leaves its updates in its
 * subscription's bounded queue (which keeps the latest per task), not in this
 * process' socket buffers.
 */
import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';

type Result = ExecutionResult & { stringify?: (result: ExecutionResult) => string };

/** What of Yoga's Fetch API the writer uses (the `fetchAPI` a result processor is given). */
export interface EventStreamFetchAPI {
  readonly ReadableStream: typeof ReadableStream;
  readonly Response: typeof Response;
}

export interface EventStreamOptions {
  /**
   * Time between keep-alive comments, ms.
   * @default 12_000 // 12 s, as Yoga's writer
   */
  readonly pingMs?: number;
}

const HEADERS = {
  'Content-Type': 'text/event-stream',
  Connection: 'keep-alive',
  'Cache-Control': 'no-cache',
  'Content-Encoding': 'none',
};

const encoder = new TextEncoder();
const PING = encoder.encode(':\n\n');
const COMPLETE = encoder.encode('event: complete\ndata:\n\n');

/**
 * Extensions only the server reads: `http` (status and headers an error or
 * result asks for) and `unexpected` (Yoga's mark on a masked error). They
 * are not part of an event, as they are not part of a JSON answer.
 */
function publicError(error: GraphQLError): GraphQLFormattedError {
  const json = error.toJSON();
  if (!json.extensions) return json;
  const { http: _http, unexpected: _unexpected, ...extensions } = json.extensions;
  return { ...json, extensions: Object.keys(extensions).length > 0 ? extensions : undefined };
}

/** The JSON of one event, with the result's own serializer when it has one (use-response-limit.ts). */
export function eventJson(result: Result): string {
  const stringify = result.stringify ?? JSON.stringify;
  if (!result.errors?.length && !result.extensions?.http) return stringify(result);
  const { http: _http, ...extensions } = result.extensions ?? {};
  // The copy's errors are plain JSON objects: what JSON.stringify makes of a GraphQLError anyway.
  return stringify({
    ...result,
    ...(result.errors ? { errors: result.errors.map(publicError) } : {}),
    ...(result.extensions ? { extensions: Object.keys(extensions).length > 0 ? extensions : undefined } : {}),
  } as ExecutionResult);
}

/** The event's cursor when it has one fit for an `id:` line (ours are `[0-9a-z.]`; nothing that breaks a line). */
function cursorOf(result: ExecutionResult): string | null {
  const cursor = (result.extensions as { cursor?: unknown } | undefined)?.cursor;
  return typeof cursor === 'string' && cursor !== '' && !/[\r\n\0]/.test(cursor) ? cursor : null;
}

/** One SSE event: `id:` (when the result has a cursor), `event: next`, the result as `data:`. */
export function eventText(result: Result): string {
  const cursor = cursorOf(result);
  return `${cursor === null ? '' : `id: ${cursor}\n`}event: next\ndata: ${eventJson(result)}\n\n`;
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

/** The SSE response streaming `results` until they end or the client goes. */
export function eventStreamResponse(
  results: AsyncIterable<Result>,
  fetchAPI: EventStreamFetchAPI,
  { pingMs = 12_000 }: EventStreamOptions = {},
): Response {
  const iterator = results[Symbol.asyncIterator]();
  let ping: NodeJS.Timeout | undefined;
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      // Some clients see no headers until a first byte of body arrives.
      controller.enqueue(PING);
      ping = setInterval(() => {
        // null: the stream failed; 0: the client is not reading (it has bytes to read already).
        if (controller.desiredSize === null) clearInterval(ping);
        else if (controller.desiredSize > 0) controller.enqueue(PING);
      }, pingMs);
    },
    async pull(controller) {
      try {
        const step = await iterator.next();
        if (step.value != null) controller.enqueue(encoder.encode(eventText(step.value)));
        if (step.done) {
          clearInterval(ping);
          controller.enqueue(COMPLETE);
          controller.close();
        }
      } catch (error) {
        clearInterval(ping);
        controller.error(error);
      }
    },
    async cancel(reason) {
      clearInterval(ping);
      await iterator.return?.(reason);
    },
  });
  return new fetchAPI.Response(body, { status: 200, headers: HEADERS });
}
