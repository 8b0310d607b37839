/**
 * Records what a real Celery worker (Debian's 5.2) writes and publishes, into
 * test/fixtures/payloads/<scenario>.json, for the decoder unit tests:
 *
 *   npx tsx scripts/capture-payloads.ts
 *
 * Each file holds every Celery key the scenario left (raw value and PTTL),
 * every message published on task channels, and the worker's events.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { type CeleryEnv, celery, ensureCelery, startWorker } from '../test/helpers/celery.ts';
import { startRedis } from '../test/helpers/redis-server.ts';

interface Sent {
  id: string;
  ids?: string[];
  groupId?: string;
}
interface Capture {
  scenario: string;
  celery: string;
  ids: Record<string, unknown>;
  keys: Record<string, { value: string; encoding?: 'base64'; pttl: number }>;
  published: { channel: string; message: string }[];
  events: { channel: string; message: string }[];
}

const out = new URL('../test/fixtures/payloads/', import.meta.url);
mkdirSync(out, { recursive: true });
await ensureCelery();
const redis = await startRedis();
const env = (db: number, extra: Partial<CeleryEnv> = {}): CeleryEnv => ({
  brokerUrl: redis.url(15),
  backendUrl: redis.url(db),
  ...extra,
});

async function scenario(
  name: string,
  db: number,
  run: (env: CeleryEnv) => Promise<Record<string, unknown>>,
  extra: Partial<CeleryEnv> = {},
) {
  const data = redis.client(db);
  await data.flushdb();
  const listener = new Redis({ port: redis.port, host: '127.0.0.1' });
  const published: Capture['published'] = [];
  const events: Capture['events'] = [];
  listener.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, message: Buffer) => {
    const list = pattern.toString().includes('celeryev') ? events : published;
    list.push({ channel: channel.toString(), message: message.toString('utf8') });
  });
  await listener.psubscribe('celery-task-meta-*', 'celery-taskset-meta-*', '/*.celeryev/*');
  const worker = await startWorker({ ...env(db, extra), queues: [name] });
  const ids = await run(env(db, extra));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const keys: Capture['keys'] = {};
  for (const key of (await data.keys('celery-*')).sort()) {
    const type = await data.type(key);
    const value =
      type === 'string'
        ? await data.getBuffer(key)
        : Buffer.from(JSON.stringify(type === 'list' ? await data.lrange(key, 0, -1) : type));
    const text = value?.toString('utf8') ?? '';
    const utf8 = value !== null && Buffer.from(text, 'utf8').equals(value);
    keys[key] = {
      value: utf8 ? text : (value?.toString('base64') ?? ''),
      ...(utf8 ? {} : { encoding: 'base64' as const }),
      pttl: await data.pttl(key),
    };
  }
  await worker.stop();
  listener.disconnect();
  const capture: Capture = { scenario: name, celery: '5.2.6', ids, keys, published, events: events.slice(0, 12) };
  writeFileSync(new URL(`${name}.json`, out), `${JSON.stringify(capture, null, 2)}\n`);
  console.log(
    `captured ${name}: ${Object.keys(keys).length} keys, ${published.length} published, ${events.length} events`,
  );
}

const send = (e: CeleryEnv, specs: unknown[]) => celery<Sent[]>('send', specs, e);
const wait = (e: CeleryEnv, ids: string[]) => celery('wait', { ids, timeout: 30 }, e);

await scenario('success', 0, async (e) => {
  const [sent] = await send(e, [{ task: 'add', args: [2, 3], queue: 'success' }]);
  await wait(e, [sent!.id]);
  return { task: sent!.id };
});
await scenario('failure', 0, async (e) => {
  const [sent] = await send(e, [{ task: 'fail', args: ['kaboom'], queue: 'failure' }]);
  await wait(e, [sent!.id]);
  return { task: sent!.id };
});
await scenario('progress', 0, async (e) => {
  const [sent] = await send(e, [{ task: 'progress', args: [3, 0.1], queue: 'progress' }]);
  await wait(e, [sent!.id]);
  return { task: sent!.id };
});
await scenario('chain', 0, async (e) => {
  const [sent] = await send(e, [
    { chain: [1, 2, 3].map((i) => ({ task: 'add', args: i === 1 ? [1, 1] : [i], queue: 'chain' })) },
  ]);
  await wait(e, sent!.ids!);
  return { links: sent!.ids };
});
await scenario('group', 0, async (e) => {
  const [sent] = await send(e, [
    { group: [0, 1].map((i) => ({ task: 'add', args: [i, i], queue: 'group' })), save: true },
  ]);
  await wait(e, sent!.ids!);
  return { group: sent!.id, members: sent!.ids };
});
await scenario('chord', 0, async (e) => {
  const [sent] = await send(e, [
    {
      chord: [1, 2, 3].map((i) => ({ task: 'add', args: [i, i], queue: 'chord' })),
      body: { task: 'tsum', queue: 'chord' },
    },
  ]);
  await wait(e, [sent!.id]);
  return { body: sent!.id, header: sent!.groupId, members: sent!.ids };
});
await scenario('spawn_group', 0, async (e) => {
  const [sent] = await send(e, [{ task: 'spawn_group', args: [2], queue: 'spawn_group' }]);
  const [view] = await celery<{ result: string }[]>('wait', { ids: [sent!.id], timeout: 30 }, e);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { parent: sent!.id, group: view!.result };
});
await scenario('retry', 0, async (e) => {
  const [sent] = await send(e, [{ task: 'flaky', args: [2], queue: 'retry' }]);
  await wait(e, [sent!.id]);
  return { task: sent!.id };
});
await scenario('revoked', 0, async (e) => {
  // Revoked before it is sent: the worker marks it REVOKED when it receives it.
  const id = randomUUID();
  await celery('revoke', { ids: [id] }, e);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await send(e, [{ task: 'add', args: [1, 1], queue: 'revoked', task_id: id }]);
  await wait(e, [id]);
  return { task: id };
});
await scenario(
  'not_extended',
  1,
  async (e) => {
    const [sent] = await send(e, [{ task: 'add', args: [2, 3], queue: 'not_extended' }]);
    await wait(e, [sent!.id]);
    return { task: sent!.id };
  },
  { resultExtended: false, trackStarted: false },
);
await scenario(
  'pickle',
  2,
  async (e) => {
    const [sent] = await send(e, [{ task: 'add', args: [2, 3], queue: 'pickle' }]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return { task: sent!.id };
  },
  { resultSerializer: 'pickle' },
);

await redis.stop();
process.exit(0);
