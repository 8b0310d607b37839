/**
 * Our SSE writer (src/http/event-stream.ts) writes what Yoga's own
 * writer (its public getSSEProcessor) writes for the same results, byte for
 * byte, plus an `id:` line before each event that has a cursor. Should a
 * Yoga upgrade change its wire format, this test says so.
 */
import type { ExecutionResult } from 'graphql';
import { createGraphQLError, getSSEProcessor } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { acceptsEventStream, eventStreamResponse } from '../../src/http/event-stream.ts';

const fetchAPI = { ReadableStream, Response, TextEncoder } as unknown as Parameters<
  ReturnType<typeof getSSEProcessor>
>[1];

async function* results(): AsyncGenerator<ExecutionResult & { stringify?: (r: ExecutionResult) => string }> {
  yield { data: { task: { id: 'a', state: 'PENDING' } }, extensions: { cursor: 'cl1.a.1' } };
  yield { data: { task: { id: 'a', state: 'STARTED', meta: { text: 'event: next\n' } } } };
  yield {
    data: null,
    errors: [
      createGraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR', unexpected: true } }),
      createGraphQLError('too big', {
        path: ['task'],
        extensions: { code: 'RESPONSE_TOO_LARGE', http: { status: 413 } },
      }),
      createGraphQLError('plain'),
    ],
    extensions: { cursor: 'cl1.a.2', http: { status: 500 } },
  };
  const serialized: ExecutionResult & { stringify?: (r: ExecutionResult) => string } = {
    data: { task: null },
    extensions: { cursor: 'cl1.a.3' },
  };
  serialized.stringify = () => '{"data":{"task":"from its own serializer"},"extensions":{"cursor":"cl1.a.3"}}';
  yield serialized;
  yield { data: { task: { id: 'a', state: 'SUCCESS' } }, extensions: { cursor: 'bad\ncursor' } };
}

const text = async (response: Response | Promise<Response>) => (await response).text();

describe('the SSE writer', () => {
  it("writes Yoga's bytes, with an id: line before each event that has a cursor", async () => {
    const response = eventStreamResponse(results(), fetchAPI);
    const theirs = await getSSEProcessor()(results(), fetchAPI, 'text/event-stream');
    expect(response.status).toBe(theirs.status);
    expect([...response.headers]).toEqual([...theirs.headers]);
    const mine = await text(response);
    expect(mine.replace(/^id: .*\n/gm, '')).toBe(await text(theirs));
    expect(mine.match(/^id: .*$/gm)).toEqual(['id: cl1.a.1', 'id: cl1.a.2', 'id: cl1.a.3']);
    expect(mine).toMatch(/^:\n\nid: cl1\.a\.1\nevent: next\ndata: \{"data"/);
    expect(mine).not.toContain('unexpected');
    expect(mine).not.toContain('"http"');
    expect(mine.endsWith('event: complete\ndata:\n\n')).toBe(true);
  });

  it('pulls an event only when the stream is read, and ends the subscription when the client goes', async () => {
    let pulled = 0;
    let ended = false;
    const source: AsyncIterableIterator<ExecutionResult> = {
      next: async () => {
        pulled += 1;
        return { done: false, value: { data: { n: pulled } } };
      },
      return: async () => {
        ended = true;
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    const reader = (eventStreamResponse(source, fetchAPI).body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.read();
    const before = pulled;
    await new Promise((resolve) => setImmediate(resolve));
    expect(pulled).toBeLessThanOrEqual(before + 1);
    await reader.cancel();
    expect(ended).toBe(true);
  });

  it('is chosen for any Accept that takes text/event-stream', () => {
    for (const accept of [null, '', '*/*', 'text/*', 'text/event-stream', 'application/json, text/event-stream;q=0.9'])
      expect(acceptsEventStream(accept), String(accept)).toBe(true);
    for (const accept of ['application/json', 'multipart/mixed', 'text/html'])
      expect(acceptsEventStream(accept), accept).toBe(false);
  });
});
