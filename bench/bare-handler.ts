/**
 * The baseline for P1: a bare node:http handler that does what a task(id)
 * query does against Redis (one pipeline: GET + PTTL), decodes the meta and
 * answers the same JSON. The limit for any Node status endpoint.
 *
 * With `ids` instead of `id` (P2's floor over HTTP): one MGET, each meta
 * decoded, the `tasks(ids) { id state result dateDone }` answer as JSON.
 *
 *   node --import tsx bench/bare-handler.ts <port> <redis-url>
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';

const [port, url] = process.argv.slice(2);
const redis = new Redis(url ?? 'redis://127.0.0.1:6379/0');

/** The answer's task; `pttl` null for a selection without ttlSeconds. */
function shape(id: string, raw: string | null, pttl: number | null) {
  const meta = raw ? (JSON.parse(raw) as { status: string; result: unknown; date_done: string | null }) : null;
  return {
    id,
    state: meta?.status ?? 'PENDING',
    result: meta?.status === 'SUCCESS' ? meta.result : null,
    dateDone: meta?.date_done ? new Date(`${meta.date_done}Z`).toISOString() : null,
    ...(pttl === null ? {} : { ttlSeconds: pttl >= 0 ? Math.round(pttl / 1000) : null }),
  };
}

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    const { variables } = JSON.parse(Buffer.concat(chunks).toString()) as {
      variables: { id?: string; ids?: string[] };
    };
    if (variables.ids) {
      const raws = await redis.mget(variables.ids.map((id) => `celery-task-meta-${id}`));
      const tasks = variables.ids.map((id, index) => shape(id, raws[index] ?? null, null));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { tasks } }));
      return;
    }
    const id = variables.id ?? '';
    const key = `celery-task-meta-${id}`;
    const [[, raw], [, pttl]] = (await redis.pipeline().get(key).pttl(key).exec()) as [
      [null, string | null],
      [null, number],
    ];
    const task = shape(id, raw, pttl);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { task } }));
  });
}).listen(Number(port), '127.0.0.1');
