/**
 * A process that consumes events hears a watched task's every state twice
 * (the watcher's channel, the consumer's pattern) and decodes it once
 * (src/celery/decode-once.ts).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { subscribe, useWsClients } from '../helpers/ws-client.ts';
import { watching } from '../helpers/watching.ts';

const DecodedWatch = graphql(`
  subscription DecodedWatch($id: ID!) {
    task(id: $id, untilReady: false) { id rawState }
  }
`);

const lens = useLens();
const ws = useWsClients(() => lens.app.url);

describe('each published state', () => {
  it('is decoded once in a process that watches its task and consumes it', async () => {
    const id = randomUUID();
    const client = lens.redis.client();
    const sub = subscribe(ws(), DecodedWatch, { id });
    await sub.waitFor(1);
    await until(() => watching(lens.app, [id]));
    const consumer = lens.app.consumer!;
    const { decodes } = lens.app.watcher;
    const before = { decodes: decodes.decodes, reused: decodes.reused, handled: consumer.handled };
    for (const [step, status] of ['STARTED', 'PROGRESS', 'SUCCESS'].entries()) {
      await writeMeta(client, { status, result: { step } }, { id });
      await sub.waitFor(2 + step);
    }
    await until(() => consumer.handled - before.handled >= 3);
    expect(sub.events.map((event) => event.task.rawState)).toEqual(['PENDING', 'STARTED', 'PROGRESS', 'SUCCESS']);
    // Three states, heard six times: three JSON parses, three taken by the second hearer.
    expect(decodes.decodes - before.decodes).toBe(3);
    expect(decodes.reused - before.reused).toBe(3);
    expect(decodes.kept).toBe(0);
    sub.stop();
  });

  it('of a task nobody watches is decoded by the consumer alone, and not kept', async () => {
    const consumer = lens.app.consumer!;
    const { decodes } = lens.app.watcher;
    const before = { decodes: decodes.decodes, handled: consumer.handled };
    await writeMeta(lens.redis.client(), { status: 'SUCCESS', result: 1 });
    await until(() => consumer.handled > before.handled);
    expect(decodes.decodes - before.decodes).toBe(1);
    expect(decodes.kept).toBe(0);
  });
});
