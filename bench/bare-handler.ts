/**
 * The baseline for P1: a bare node:http handler that does what a task(id)
 * query does against Redis (one pipeline: GET + PTTL), decodes the meta and
 * answers the same JSON. The limit for any Node status endpoint.
 *
 *   node --import tsx bench/bare-handler.ts <port> <redis-url>
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';

const [port, url] = process.argv.slice(2);
const redis = new Redis(url ?? 'redis://127.0.0.1:6379/0');

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    const { variables } = JSON.parse(Buffer.concat(chunks).toString()) as { variables: { id: string } };
    const key = `celery-task-meta-${variables.id}`;
    const [[, raw], [, pttl]] = (await redis.pipeline().get(key).pttl(key).exec()) as [[null, string | null], [null, number]];
    const meta = raw ? (JSON.parse(raw) as { status: string; result: unknown; date_done: string | null }) : null;
    const task = {
      id: variables.id,
      state: meta?.status ?? 'PENDING',
      result: meta?.status === 'SUCCESS' ? meta.result : null,
      dateDone: meta?.date_done ? new Date(`${meta.date_done}Z`).toISOString() : null,
      ttlSeconds: pttl >= 0 ? Math.round(pttl / 1000) : null,
    };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { task } }));
  });
}).listen(Number(port), '127.0.0.1');
