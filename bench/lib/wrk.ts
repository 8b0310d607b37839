/**
 * HTTP load with wrk (C, event-driven): unlike autocannon, which runs in Node
 * on the same two cores and tops out near 13k req/s, it drives the bare
 * handler to its own limit. Installed from Debian when missing, as .ci/run
 * installs redis-server. The POST body comes from a Lua script: one fixed
 * body, or an id picked at random per request among a list.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function ensureWrk(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return;
  } catch (error) {
    // wrk prints its usage and exits 1 when it is there; only a missing command is ENOENT.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
  }
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs wrk: apt-get install wrk');
  console.error('bench: installing wrk (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'inherit', env });
}

export interface WrkScript {
  /** The query, with `$id` declared; each request sends `{ query, variables: { id } }`. */
  readonly query: string;
  readonly ids: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
}

/** Writes the Lua script for `script` into `dir`; returns its path. */
export function wrkScript(dir: string, name: string, script: WrkScript): string {
  const prefix = JSON.stringify({ query: script.query, variables: { id: '@ID@' } }).split('@ID@');
  const lua = (text: string) => JSON.stringify(text); // a JSON string is a valid Lua string here (ASCII, no control characters)
  const headers = Object.entries({ 'content-type': 'application/json', ...script.headers })
    .map(([name, value]) => `wrk.headers[${lua(name)}] = ${lua(value)}`)
    .join('\n');
  const body =
    script.ids.length === 1
      ? `wrk.body = ${lua(`${prefix[0]}${script.ids[0]}${prefix[1]}`)}`
      : `local ids = { ${script.ids.map(lua).join(', ')} }
local before, after = ${lua(prefix[0] ?? '')}, ${lua(prefix[1] ?? '')}
request = function()
  return wrk.format(nil, nil, nil, before .. ids[math.random(#ids)] .. after)
end`;
  const path = join(dir, `${name}.lua`);
  writeFileSync(
    path,
    `wrk.method = "POST"
${headers}
${body}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(99)))
end
`,
  );
  return path;
}

export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly requests: number;
  /** Socket errors and timeouts, and answers that were not 2xx/3xx. */
  readonly socketErrors: number;
  readonly badStatus: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function runWrk(url: string, scriptPath: string, connections: number, seconds: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', scriptPath, url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const fields = /^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$/m.exec(output)?.slice(1).map(Number);
      if (code !== 0 || !fields) {
        reject(new Error(`wrk exited ${code}: ${output}`));
        return;
      }
      const [requests = 0, durationUs = 1, socketErrors = 0, badStatus = 0, p50 = 0, p99 = 0] = fields;
      resolve({
        requestsPerSecond: requests / (durationUs / 1e6),
        requests,
        socketErrors,
        badStatus,
        p50Ms: p50 / 1000,
        p99Ms: p99 / 1000,
      });
    });
  });
}
