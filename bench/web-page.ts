/**
 * The web page's two numbers for docs/benchmarks.md:
 *
 * - size: web/dist's JavaScript and CSS, gzipped (level 6, what a reverse
 *   proxy serves), against the goal of 300 KB;
 * - first draw: headless Chromium opens /tasks/<root> of a workflow of 1,021
 *   tasks (a root that launched 20 groups of 50, below the page's collapse
 *   threshold so every node is drawn), and the time from navigation start
 *   until every task node is in the graph (and until the frame after, when
 *   they were painted) is read from the page's clock, for `--runs` fresh tabs
 *   (each once the server is idle again); goal < 1 s. Beside the times, the
 *   CPU the page's main thread and the server used, which a loaded machine
 *   moves less than the times.
 *
 *   npm run bench:web [-- --runs 5] [-- --profile DIR]
 *
 * With --profile, the server runs under `node --cpu-prof` (its profile is
 * written to DIR when it stops) and the page's first timed run is profiled
 * through Chrome's DevTools protocol (DIR/page.cpuprofile); open either in
 * Chrome's DevTools or speedscope.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createClient } from 'graphql-ws';
import type { CDPSession } from 'playwright-core';
import WebSocket from 'ws';
import { launchChromium } from '../test/helpers/browser.ts';
import { startRedis } from '../test/helpers/redis-server.ts';
import { startLens } from './lib/processes.ts';
import { mean, percentile } from './lib/stats.ts';

const ROOT = new URL('../', import.meta.url);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, profile: { type: 'string' } } });
const runs = Number(values.runs);
const profileDir = values.profile === undefined ? null : resolve(values.profile);
if (profileDir) mkdirSync(profileDir, { recursive: true });

execFileSync(process.execPath, [new URL('scripts/ensure-web-build.mjs', ROOT).pathname], { stdio: 'inherit' });
// celery-lens runs from dist/, as `npm start` runs it.
execFileSync(process.execPath, [new URL('scripts/ensure-build.mjs', ROOT).pathname], { stdio: 'inherit' });

function bundleSize() {
  const dir = new URL('web/dist/assets/', ROOT);
  const files = readdirSync(dir).filter((name) => name.endsWith('.js') || name.endsWith('.css'));
  const sizes = files.map((name) => {
    const body = readFileSync(new URL(name, dir));
    return { name, raw: body.byteLength, gzip: gzipSync(body, { level: 6 }).byteLength };
  });
  return { sizes, raw: sizes.reduce((a, s) => a + s.raw, 0), gzip: sizes.reduce((a, s) => a + s.gzip, 0) };
}

/**
 * Until the server has used no CPU for 300 ms (at most 5 s): a closed tab's work (its times subscription,
 * the clean-up of its socket) is not counted in the next tab's first draw.
 */
async function serverIdle(): Promise<void> {
  const deadline = performance.now() + 5000;
  let before = lens.cpuSeconds();
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = lens.cpuSeconds();
    if (now === before) return;
    before = now;
  }
}

/** The CPU time of the renderer's main thread (script, style, layout, paint set-up) so far, in ms. */
async function mainThreadBusy(session: CDPSession): Promise<number> {
  const { metrics } = await session.send('Performance.getMetrics');
  return (metrics.find((metric) => metric.name === 'ThreadTime')?.value ?? Number.NaN) * 1000;
}

const size = bundleSize();
for (const file of size.sizes)
  console.log(`${file.name}: ${(file.raw / 1024).toFixed(1)} KiB, gzipped ${(file.gzip / 1024).toFixed(1)} KiB`);
console.log(`JS+CSS gzipped: ${(size.gzip / 1024).toFixed(1)} KiB (${size.gzip} bytes; goal ≤ 300 KB)`);

const redis = await startRedis();
const lens = await startLens(redis.url(), [], profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
const browser = await launchChromium();
try {
  const client = redis.client();
  const root = randomUUID();
  const DONE = new Date().toISOString().slice(0, 23);
  const pipeline = client.pipeline();
  const groups = Array.from({ length: 20 }, () => ({
    id: randomUUID(),
    members: Array.from({ length: 50 }, () => randomUUID()),
  }));
  const tuple = (id: string) => [[id, null], null];
  pipeline.setex(
    `celery-task-meta-${root}`,
    3600,
    JSON.stringify({
      status: 'SUCCESS',
      result: 1,
      traceback: null,
      children: groups.map((g) => [[g.id, null], g.members.map(tuple)]),
      date_done: DONE,
      name: 'bench.fan_out',
      task_id: root,
    }),
  );
  for (const group of groups) {
    group.members.forEach((member, index) => {
      // A mix of states, as in a workflow that is half-way: every status colour is drawn.
      const status = index % 10 === 0 ? 'FAILURE' : index % 3 === 0 ? 'STARTED' : 'SUCCESS';
      const result =
        status === 'FAILURE'
          ? { exc_type: 'ValueError', exc_message: ['x'], exc_module: 'builtins' }
          : status === 'STARTED'
            ? { pid: 1, hostname: 'w' }
            : index;
      pipeline.setex(
        `celery-task-meta-${member}`,
        3600,
        JSON.stringify({
          status,
          result,
          traceback: null,
          children: [],
          date_done: status === 'STARTED' ? null : DONE,
          name: 'bench.member',
          group_id: group.id,
          parent_id: root,
          task_id: member,
        }),
      );
    });
  }
  await pipeline.exec();
  const tasks = 1 + groups.length * 50;
  const origin = new URL(lens.url).origin;
  // The server's share: the page's graph selection as one HTTP query (the subscription's first event walks the same way).
  const source = readFileSync(new URL('web/src/graphql/documents.ts', ROOT), 'utf8');
  const fragment = /fragment GraphTask[^`]*/.exec(source)![0];
  const selection = /taskGraph\(rootId: \$rootId\) \{[\s\S]*?\n {4}\}\n/.exec(source)![0];
  const serverTimes: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    const start = performance.now();
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query G($rootId: ID!) { ${selection} } ${fragment}`,
        variables: { rootId: root },
      }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    serverTimes.push(performance.now() - start);
  }
  console.log(`taskGraph of ${tasks} tasks as an HTTP query: ${serverTimes.map((t) => t.toFixed(0)).join(', ')} ms`);
  // And as the page asks for it: the subscription's first event over graphql-ws.
  const subscriptionTimes: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    const client = createClient({
      url: `${origin.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
    });
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      const stop = client.subscribe(
        { query: `subscription G($rootId: ID!) { ${selection} } ${fragment}`, variables: { rootId: root } },
        {
          next: () => {
            stop();
            resolve();
          },
          error: reject,
          complete: () => resolve(),
        },
      );
    });
    subscriptionTimes.push(performance.now() - start);
    await client.dispose();
  }
  console.log(
    `taskGraph of ${tasks} tasks as a subscription's first event (graphql-ws, new connection): ${subscriptionTimes.map((t) => t.toFixed(0)).join(', ')} ms`,
  );
  const times: number[] = [];
  const paintTimes: number[] = [];
  const cpu: { page: number; server: number }[] = [];
  const breakdown: { data: number; layout: number; script: number; socket: number }[] = [];
  for (let run = 0; run < runs + 1; run += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const cdp = profileDir && run === 1 ? await context.newCDPSession(page) : null;
    if (cdp)
      await cdp
        .send('Profiler.enable')
        .then(() => cdp.send('Profiler.setSamplingInterval', { interval: 100 }))
        .then(() => cdp.send('Profiler.start'));
    // CPU, not wall-clock time: on a shared machine what each side did moves less than how long it waited for a core.
    const metrics = await context.newCDPSession(page);
    await metrics.send('Performance.enable');
    const serverCpu = lens.cpuSeconds();
    const pageCpu = await mainThreadBusy(metrics);
    await page.goto(`${origin}/tasks/${root}`);
    // Polled in animation frames: the frame that first holds every node is `drawn` (its DOM is complete); style,
    // layout and paint follow in that same frame, so the next frame's start is when they were on screen: `painted`.
    const drawn = await page.waitForFunction(
      (count) => {
        const seen = window as unknown as { lensDrawn?: number; lensPainted?: number };
        if (
          seen.lensDrawn === undefined &&
          document.querySelectorAll('[data-testid="workflow-graph"] [data-task-id]').length >= count
        ) {
          seen.lensDrawn = performance.now();
          requestAnimationFrame(() => (seen.lensPainted = performance.now()));
        }
        return seen.lensPainted === undefined ? false : { drawn: seen.lensDrawn!, painted: seen.lensPainted };
      },
      tasks,
      { polling: 'raf', timeout: 30_000 },
    );
    const { drawn: ms, painted } = (await drawn.jsonValue()) as { drawn: number; painted: number };
    const busy = (await mainThreadBusy(metrics)) - pageCpu;
    const serverMs = (lens.cpuSeconds() - serverCpu) * 1000;
    // The edges follow a frame later (the page draws them once the graph is framed): when all were there.
    const edgesDrawn = (await (
      await page.waitForFunction(
        (count) =>
          document.querySelectorAll('[data-testid="workflow-graph"] .graph-edge').length >= count
            ? performance.now()
            : false,
        groups.length * 51,
        { polling: 'raf', timeout: 30_000 },
      )
    ).jsonValue()) as number;
    if (cdp && profileDir)
      writeFileSync(`${profileDir}/page.cpuprofile`, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const marks = await page.evaluate(() => ({
      data: performance.getEntriesByName('lens:graph-data')[0]?.startTime ?? Number.NaN,
      socket: performance.getEntriesByName('lens:socket')[0]?.startTime ?? Number.NaN,
      layout: performance.getEntriesByName('lens:layout')[0]?.duration ?? Number.NaN,
      script:
        (
          performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('.js')) as
            | PerformanceResourceTiming
            | undefined
        )?.responseEnd ?? Number.NaN,
    }));
    breakdown.push(marks);
    if (run > 0) cpu.push({ page: busy, server: serverMs });
    // The first run warms the server's and the disk's caches; it is shown, not counted.
    if (run > 0) times.push(ms);
    if (run > 0) paintTimes.push(painted);
    console.log(
      `run ${run}${run === 0 ? ' (warm-up)' : ''}: ${tasks} task nodes drawn ${ms.toFixed(0)} ms after navigation start (painted at ${painted.toFixed(0)} ms), their edges at ${edgesDrawn.toFixed(0)} ms ` +
        `(script loaded at ${marks.script.toFixed(0)} ms, socket up at ${marks.socket.toFixed(0)} ms, graph data at ${marks.data.toFixed(0)} ms, layout took ${marks.layout.toFixed(0)} ms; ` +
        `until the nodes were painted, the page's main thread used ${busy.toFixed(0)} ms of CPU and the server ${serverMs.toFixed(0)} ms)`,
    );
    await context.close();
    await serverIdle();
  }
  const median = percentile(times, 50).toFixed(0);
  const afterData = breakdown.slice(1).map((marks, index) => times[index]! - marks.data);
  console.log(
    `of which after the graph's data arrived (layout and drawing): median ${percentile(afterData, 50).toFixed(0)} ms`,
  );
  console.log(
    `CPU until the nodes were painted, median: the page's main thread ${percentile(
      cpu.map((c) => c.page),
      50,
    ).toFixed(0)} ms, the server ${percentile(
      cpu.map((c) => c.server),
      50,
    ).toFixed(0)} ms ` +
      "(the server's is read every 10 ms; it includes the static files and the other requests the page makes)",
  );
  console.log(
    `… painted (the frame after): median ${percentile(paintTimes, 50).toFixed(0)} ms, mean ${mean(paintTimes).toFixed(0)} ms, max ${Math.max(...paintTimes).toFixed(0)} ms`,
  );
  console.log(
    `first draw of ${tasks} task nodes (+${groups.length} group nodes), ${runs} runs: median ${median} ms, mean ${mean(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (goal < 1000 ms)`,
  );
} finally {
  await browser.close();
  await lens.stop();
  await redis.stop();
}
