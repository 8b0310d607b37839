/**
 * Liveness and readiness with Redis frozen (SIGSTOP: connections stay open,
 * nothing answers): /healthz answers from memory at once, /readyz says the
 * backend is down within its probe's bound, and both recover after SIGCONT.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useLens } from '../helpers/lens-fixture.ts';
import { HEALTHY_PROBE_MS } from '../helpers/stall-probe.ts';
import { until } from '../helpers/until.ts';

const lens = useLens();
afterEach(() => lens.redis.resume());

interface Health {
  status: string;
  backend: string;
  error: string | null;
}

async function timed(path: string): Promise<{ ms: number; status: number; body: Health }> {
  const started = performance.now();
  const response = await fetch(new URL(path, lens.app.url));
  const body = (await response.json()) as Health;
  return { ms: performance.now() - started, status: response.status, body };
}

describe('liveness and readiness', () => {
  it('/healthz answers within 100 ms while Redis is frozen; /readyz says the backend is down within its bound', async () => {
    await until(async () => (await timed('/readyz')).status === 200);
    lens.redis.pause();
    const live = [];
    for (let probe = 0; probe < 5; probe += 1) live.push(await timed('/healthz'));
    expect(live.map(({ status }) => status)).toEqual([200, 200, 200, 200, 200]);
    // Waiting on Redis, each took the PING's whole timeout (2 s). The typical answer is within 100 ms;
    // on a loaded 2-core machine one answer may still wait a while for a core.
    const times = live.map(({ ms }) => ms).sort((a, b) => a - b);
    expect(times[2]).toBeLessThan(100);
    expect(times[4]).toBeLessThan(HEALTHY_PROBE_MS);

    const ready = await timed('/readyz');
    expect(ready.status).toBe(503);
    // Its PING gets 500 ms; a Kubernetes probe's default timeout is 1 s.
    expect(ready.ms).toBeLessThan(1000);
    expect(ready.body).toMatchObject({ status: 'degraded', backend: 'down', up: false, subscriber: 'up' });
    expect(ready.body.error).toMatch(/^no answer to PING for \d+ ms$/);

    // Liveness now tells what readiness found, still at once.
    const after = await timed('/healthz');
    expect(after.status).toBe(200);
    expect(after.ms).toBeLessThan(HEALTHY_PROBE_MS);
    expect(after.body).toMatchObject({ status: 'degraded', backend: 'down' });

    lens.redis.resume();
    await until(async () => (await timed('/readyz')).status === 200);
    expect((await timed('/healthz')).body).toMatchObject({ status: 'ok', backend: 'up', error: null });
  });
});
