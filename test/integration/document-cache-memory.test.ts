/**
 * Per-document caches (Yoga's parse and validation caches, and every cache
 * of ours keyed by the parsed document) are bounded by count and by bytes:
 * 15,000 distinct operation names, and a few hundred distinct large
 * documents, leave a spawned process holding little more once its garbage
 * is collected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Inspected, serveInspected } from '../helpers/inspected.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';

let redis: RedisServer;
let lens: Inspected;
beforeAll(async () => {
  redis = await startRedis();
  // Batches of 100 operations: 15,000 documents in 150 requests, within a minute on a loaded machine.
  lens = await serveInspected(redis.url(), ['--max-batch', '100', '--max-body-bytes', '1048576']);
});
afterAll(async () => {
  await lens?.stop();
  await redis?.stop();
});

/** Sends `count` distinct documents made by `document`, 100 per request, 4 requests at a time. */
async function sendDistinct(count: number, document: (index: number) => string): Promise<void> {
  const batches = Array.from({ length: Math.ceil(count / 100) }, (_, batch) =>
    Array.from({ length: Math.min(100, count - batch * 100) }, (_, index) => ({
      query: document(batch * 100 + index),
    })),
  );
  const send = async (batch: { query: string }[]) => {
    const post = () =>
      fetch(lens.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
    // Once more if the server closed a kept-alive socket as it was reused (its keep-alive timeout passed while garbage was collected).
    const response = await post().catch(post);
    const answers = (await response.json()) as unknown[];
    expect(answers).toHaveLength(batch.length);
  };
  for (let next = 0; next < batches.length; next += 4) await Promise.all(batches.slice(next, next + 4).map(send));
}

describe('per-document caches', () => {
  it('15,000 distinct operation names grow what the process holds by less than 30 MB', {
    timeout: 120_000,
  }, async () => {
    await sendDistinct(200, (index) => `query Warm${index % 10} { __typename }`);
    const before = await lens.held();
    await sendDistinct(15_000, (index) => `query Operation${index} { __typename }`);
    const after = await lens.held();
    console.log(
      `heap ${before.heapMiB.toFixed(1)} → ${after.heapMiB.toFixed(1)} MiB, RSS after collection ${before.rssMiB.toFixed(0)} → ${after.rssMiB.toFixed(0)} MiB`,
    );
    expect(after.rssMiB - before.rssMiB).toBeLessThan(30);
    expect(after.heapMiB - before.heapMiB).toBeLessThan(30);
  });

  it('300 distinct documents of 1,800 tokens are held up to the cache bytes (a bound by count alone held them all, 244 MiB)', {
    timeout: 120_000,
  }, async () => {
    const before = await lens.held();
    // 450 unused variables: parsed (and cached), then refused by validation.
    const variables = Array.from({ length: 450 }, (_, index) => `$v${index}: Int`).join(', ');
    await sendDistinct(300, (index) => `query Large${index}(${variables}) { __typename }`);
    const after = await lens.held();
    console.log(`heap ${before.heapMiB.toFixed(1)} → ${after.heapMiB.toFixed(1)} MiB`);
    expect(after.heapMiB - before.heapMiB).toBeLessThan(30);
  });
});
