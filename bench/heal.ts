/**
 * How long the index' heal after a pub/sub drop takes over a large backend,
 * and how /healthz answers meanwhile (src/intake/index-heal.ts):
 *
 *   npm run bench:heal                                  200,000 older results, 5,000 written during the drop
 *   npm run bench:heal -- --old 1000000 --fresh 20000
 *
 * The older results are given Celery's default TTL less three hours (written
 * then); the fresh ones are written in the MULTI that kills the consumer's
 * connection, so it hears none of them. In process (the app's own event
 * loop answers /healthz), on a private redis-server.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startApp } from '../test/helpers/app.ts';
import { celeryDate } from '../test/helpers/clock.ts';
import { startRedis } from '../test/helpers/redis-server.ts';
import { until } from '../test/helpers/until.ts';

const { values } = parseArgs({
  options: { old: { type: 'string', default: '200000' }, fresh: { type: 'string', default: '5000' } },
});
const [OLD, FRESH] = [Number(values.old), Number(values.fresh)];
const DAY = 86_400;
const redis = await startRedis();
const client = redis.client();
const meta = (id: string) =>
  JSON.stringify({
    status: 'SUCCESS',
    result: 1,
    traceback: null,
    children: [],
    date_done: celeryDate(),
    name: 'bench.heal',
    task_id: id,
  });
for (let from = 0; from < OLD; from += 5000) {
  const pipeline = client.pipeline();
  for (let i = from; i < Math.min(OLD, from + 5000); i += 1) {
    const id = randomUUID();
    pipeline.setex(`celery-task-meta-${id}`, DAY - 3 * 3600, meta(id));
  }
  await pipeline.exec();
}
const app = await startApp(redis.url());
await until(async () => (await app.yoga.fetch('http://yoga/readyz')).status === 200);
const list = (await client.client('LIST')) as string;
const consumer = /^id=(\d+) .* name=celery-lens-events /m.exec(list)?.[1];
if (!consumer) throw new Error('no celery-lens-events connection');
const drop = client.multi().client('KILL', 'ID', consumer);
for (let i = 0; i < FRESH; i += 1) {
  const id = randomUUID();
  drop.setex(`celery-task-meta-${id}`, DAY, meta(id));
}
await drop.exec();
const latencies: number[] = [];
const healed = () => app.logs.find((line) => line.includes('"msg":"index heal: done"'));
while (!healed()) {
  const started = performance.now();
  await app.yoga.fetch('http://yoga/healthz');
  latencies.push(performance.now() - started);
  // Probed every 20 ms, as a liveness probe would (far more often).
  await new Promise((resolve) => setTimeout(resolve, 20));
}
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]?.toFixed(1);
const report = JSON.parse(healed() as string) as { scanned: number; read: number; healed: number; ms: number };
console.log(
  `heal: ${report.scanned} result keys scanned, ${report.read} read, ${report.healed} healed in ${report.ms} ms; ` +
    `/healthz p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms over ${latencies.length} probes`,
);
await app.stop();
await redis.stop();
process.exit(0);
