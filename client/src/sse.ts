/**
 * Subscriptions over SSE with fetch (browsers and Node ≥ 18): a POST with
 * `accept: text/event-stream`, so that credentials travel as headers
 * (EventSource cannot set any). Each `event: next` is a GraphQL result;
 * `event: complete` ends it; a stream that ends without it is a failure.
 */
import { type Request, type Sink, type Transport, type WireResult, authHeaders } from './transport.ts';

export interface SseOptions {
  readonly url: string;
  readonly apiKey?: string | undefined;
  readonly token?: string | undefined;
  readonly fetch: typeof fetch;
}

/** Splits an SSE stream into events: their `event` name and `data`. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
        }
        if (data.length > 0 || event !== 'message') yield { event, data: data.join('\n') };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

export function sseTransport(options: SseOptions): Transport {
  const running = new Set<AbortController>();
  return {
    name: 'sse',
    subscribe(request: Request, sink: Sink) {
      const controller = new AbortController();
      running.add(controller);
      const run = async () => {
        const response = await options.fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authHeaders(options) },
          body: JSON.stringify(request),
          signal: controller.signal,
        });
        const stream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
        if (!stream || !response.body) {
          // A refusal (400, 413, …) says why in a GraphQL body: the client decides whether to retry.
          const body = (await response.json().catch(() => null)) as WireResult | null;
          if (body?.errors?.length) {
            sink.next({ errors: body.errors });
            return null;
          }
          throw new Error(`SSE request answered HTTP ${response.status}`);
        }
        // Whatever the status (401 UNAUTHENTICATED comes as a stream too): its events say what happened.
        for await (const { event, data } of sseEvents(response.body)) {
          if (event === 'next') sink.next(JSON.parse(data) as WireResult);
          else if (event === 'complete') return true;
        }
        return false;
      };
      run()
        .then(
          (completed) => {
            if (controller.signal.aborted || completed === null) return;
            if (completed) sink.complete();
            else sink.fail(new Error('the SSE stream ended before the subscription completed'));
          },
          (error: unknown) => {
            if (!controller.signal.aborted) sink.fail(error);
          },
        )
        .finally(() => running.delete(controller));
      return () => controller.abort();
    },
    async close() {
      for (const controller of running) controller.abort();
      running.clear();
    },
  };
}
