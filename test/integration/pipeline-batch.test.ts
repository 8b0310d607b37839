import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/redis/connection.ts';
import { PipelineBatch } from '../../src/redis/pipeline-batch.ts';
import { parseRedisUrl } from '../../src/redis/redis-url.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

/** A fail-fast connection as celery-lens makes them, and a batch over it that counts its pipelines. */
async function connected() {
  const connection = createRedis(parseRedisUrl(redis.url()), { commandTimeoutMs: 2000, connectionName: 'batch-test' });
  await connection.connect();
  const counted = { sent: 0 };
  const batch = new PipelineBatch(connection, { sent: () => (counted.sent += 1) });
  return { connection, batch, counted };
}

describe('PipelineBatch', () => {
  it("sends one turn's reads in one pipeline and answers each its own replies; a read whose commands throw fails alone", async () => {
    const { connection, batch, counted } = await connected();
    try {
      await redis.client().mset('batch-a', '1', 'batch-b', '2');
      const reads = [
        batch.send((pipeline) => pipeline.get('batch-a').get('batch-none')),
        batch.send(() => {
          throw new Error('no commands for you');
        }),
        batch.send((pipeline) => pipeline.get('batch-b')),
      ];
      const [first, second, third] = await Promise.allSettled(reads);
      expect(counted.sent).toBe(1);
      expect(first).toEqual({
        status: 'fulfilled',
        value: [
          [null, '1'],
          [null, null],
        ],
      });
      expect(second).toMatchObject({ status: 'rejected', reason: { message: 'no commands for you' } });
      expect(third).toEqual({ status: 'fulfilled', value: [[null, '2']] });
      // Alone: now, in a pipeline of its own.
      expect(await batch.send((pipeline) => pipeline.get('batch-a'), true)).toEqual([[null, '1']]);
      expect(counted.sent).toBe(2);
    } finally {
      connection.disconnect();
    }
  });

  it("answers every read of a pipeline Redis cannot take with that pipeline's failure", async () => {
    const { connection, batch } = await connected();
    connection.disconnect();
    const replies = await Promise.allSettled([
      batch.send((pipeline) => pipeline.get('batch-a')),
      batch.send((pipeline) => pipeline.get('batch-b')),
    ]);
    // ioredis refuses each command of a pipeline while the connection is down (offline queue off):
    // the pipeline then answers one error per command, or rejects as a whole.
    for (const reply of replies) {
      const failed =
        reply.status === 'rejected' || (reply.value as [Error | null, unknown][]).every(([error]) => error !== null);
      expect(failed).toBe(true);
    }
  });
});
