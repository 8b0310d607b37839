/**
 * For memory cases: `celery-lens serve` in a child process (so the test's
 * own garbage does not count) with the inspector on a private port, so that
 * the test can collect the server's garbage and read what it still holds.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { freePort } from './redis-server.ts';
import { serveApart } from './stall-probe.ts';

const MiB = 1024 * 1024;

export interface Held {
  /** V8's heap after a full collection, in MiB. */
  readonly heapMiB: number;
  /** Memory of live ArrayBuffers (Buffers: Redis replies, socket writes), in MiB. */
  readonly buffersMiB: number;
  /** The process' resident set, in MiB. */
  readonly rssMiB: number;
}

export interface Inspected {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resident set now, in MiB (no collection first). */
  rssMiB(): number;
  /** What the process holds once its garbage is collected (collected again until ArrayBuffers stop shrinking). */
  held(): Promise<Held>;
  stop(): Promise<void>;
}

export async function serveInspected(backendUrl: string, flags: readonly string[] = []): Promise<Inspected> {
  const inspectorPort = await freePort();
  const { url, child, stop } = await serveApart(backendUrl, flags, [`--inspect=127.0.0.1:${inspectorPort}`]);
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  if (!target) throw new Error(`no inspector target on port ${inspectorPort}`);
  const inspector = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => inspector.once('open', resolve).once('error', reject));
  const pending = new Map<number, (result: unknown) => void>();
  let sequence = 0;
  inspector.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
    if (message.id !== undefined) pending.delete(message.id);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      sequence += 1;
      pending.set(sequence, resolve);
      inspector.send(JSON.stringify({ id: sequence, method, params }));
    });
  const usage = async (): Promise<NodeJS.MemoryUsage> => {
    await call('HeapProfiler.collectGarbage');
    const answer = (await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } };
    return JSON.parse(answer.result.value) as NodeJS.MemoryUsage;
  };
  const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
  return {
    url,
    child,
    rssMiB,
    async held() {
      // ArrayBuffers are freed by a sweeper after the collection: collect again until they stop shrinking.
      let last = await usage();
      for (let round = 0; round < 10; round += 1) {
        const next = await usage();
        const settled = next.arrayBuffers > last.arrayBuffers - MiB;
        last = next;
        if (settled) break;
      }
      return { heapMiB: last.heapUsed / MiB, buffersMiB: last.arrayBuffers / MiB, rssMiB: rssMiB() };
    },
    async stop() {
      inspector.terminate();
      await stop();
    },
  };
}
