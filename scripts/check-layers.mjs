#!/usr/bin/env node
/**
 * The layout's rules, checked by `npm run lint` (no dependency: relative
 * imports are found with a regular expression, type-only imports included,
 * since a type couples two folders as much as a value does):
 *
 * - each folder of src/ sits in one layer (LAYERS, lowest first) and imports
 *   only from layers below its own, never from a sibling of its layer;
 * - an implementation folder (PRIVATE: the Redis broker) is imported only by
 *   itself and by the code that builds the process (app, cli); everyone else
 *   goes through the interface beside it (src/broker/broker.ts);
 * - a file of store/ that talks to Redis (imports ioredis or src/redis/) is
 *   the store's Redis implementation (BEHIND_INTERFACE): imported only from
 *   store/ and by the builders; everyone else names store/store.ts' interfaces
 *   (and the plain shapes beside them), so another store is a drop-in;
 * - no import cycle, between files of one folder included;
 * - no folder of more than MAX_FILES source files, no file of more than MAX_LINES lines.
 *
 * Prints the layer map and what it found; exits 1 on any violation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');
const SRC = join(ROOT, 'src');

/** Lowest first. A folder's subfolders (store/index, broker/redis, schema/task) are in its layer. */
const LAYERS = [
  { name: 'errors', folders: ['errors'], job: 'error classes, one a file' },
  { name: 'formats', folders: ['celery', 'http'], job: "Celery's formats; what a request and its socket tell" },
  { name: 'plumbing', folders: ['redis', 'auth'], job: 'Redis connections and replies; credentials and principals' },
  { name: 'store', folders: ['store'], job: "celery-lens' own keys behind store/store.ts" },
  { name: 'broker', folders: ['broker'], job: 'events, queues, publishing behind broker/broker.ts' },
  { name: 'read', folders: ['read'], job: "reading Celery's results, and the rules about tasks" },
  { name: 'bulk', folders: ['bulk'], job: 'bulk actions by filter: their records, batches and runner' },
  { name: 'config', folders: ['config'], job: 'options: parsed, validated, frozen' },
  { name: 'intake', folders: ['intake'], job: 'the event consumer' },
  { name: 'alerts', folders: ['alerts'], job: 'alert rules, their evaluation and webhook deliveries' },
  { name: 'live', folders: ['live'], job: 'subscriptions and awaits' },
  { name: 'schema', folders: ['schema'], job: 'the GraphQL schema' },
  { name: 'plugins', folders: ['plugins'], job: "Yoga's plugins" },
  { name: 'transport', folders: ['transport'], job: 'HTTP, WebSocket and SSE servers' },
  { name: 'cli', folders: ['cli'], job: 'commands besides serve' },
  { name: 'app', folders: ['.'], job: 'app.ts builds the process, main.ts starts it' },
];

/** Folders only the process' builders (and the folder itself) may import. */
const PRIVATE = {
  'broker/redis': ['app', 'cli'],
  // config/ parses --broker's amqp:// URL with broker/amqp/amqp-url.ts, as it parses Redis URLs with redis/redis-url.ts.
  'broker/amqp': ['app', 'cli', 'config'],
};
/** Folders whose Redis-talking files only the folder itself and the builders may import, and the interface to use. */
const BEHIND_INTERFACE = { store: { builders: ['app', 'cli'], interface: 'store/store.ts' } };

/**
 * Known exceptions, each with why and until when. A file listed here may
 * import upward (its cycles go with it).
 */
const ALLOWED_UPWARD = {};
/** Files allowed past MAX_LINES, and why. */
const ALLOWED_LONG = {};

const MAX_FILES = 25;
const MAX_LINES = 400;

const IMPORT =
  /(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const rel = (file) => relative(SRC, file);
const folderOf = (file) => dirname(rel(file)).split('/').join('/');
/** The top folder a file is in ('.' for src/ itself). */
const topOf = (file) => folderOf(file).split('/')[0];
const rankOf = new Map(LAYERS.flatMap((layer, rank) => layer.folders.map((folder) => [folder, rank])));
const layerOf = (file) => LAYERS[rankOf.get(topOf(file))]?.name;

const files = sourceFiles(SRC);
const imports = new Map();
/** Files that talk to Redis themselves: import ioredis or a file of src/redis/. */
const talksToRedis = new Set();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const targets = new Set();
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2];
    if (spec === 'ioredis') talksToRedis.add(file);
    if (!spec.startsWith('.')) continue;
    const target = normalize(join(dirname(file), spec));
    targets.add(target);
    if (topOf(target) === 'redis') talksToRedis.add(file);
  }
  imports.set(file, [...targets]);
}

const problems = [];
const allowedUsed = new Set();
const exempt = (file) => ALLOWED_UPWARD[rel(file)] !== undefined;

for (const [file, targets] of imports) {
  for (const target of targets) {
    if (!imports.has(target)) {
      problems.push(`${rel(file)} imports ${relative(SRC, target)}, which is not a source file of src/`);
      continue;
    }
    const [from, to] = [topOf(file), topOf(target)];
    if (!rankOf.has(from) || !rankOf.has(to)) {
      problems.push(`${rel(file)} -> ${rel(target)}: folder ${rankOf.has(from) ? to : from} is in no layer (LAYERS)`);
      continue;
    }
    const [fromRank, toRank] = [rankOf.get(from), rankOf.get(to)];
    const upward = fromRank < toRank || (fromRank === toRank && from !== to);
    if (upward && exempt(file)) allowedUsed.add(rel(file));
    else if (upward) {
      const how = fromRank === toRank ? 'a sibling of its layer' : 'a higher layer';
      problems.push(`${rel(file)} (${layerOf(file)}) imports ${rel(target)} (${layerOf(target)}): ${how}`);
    }
    const behind = BEHIND_INTERFACE[to];
    if (behind && from !== to && talksToRedis.has(target) && !behind.builders.includes(layerOf(file))) {
      problems.push(
        `${rel(file)} imports ${rel(target)}: a Redis implementation of ${to}/; name the interface in ${behind.interface}`,
      );
    }
    for (const [hidden, builders] of Object.entries(PRIVATE)) {
      const inside = (f) => `${folderOf(f)}/`.startsWith(`${hidden}/`);
      if (inside(target) && !inside(file) && !builders.includes(layerOf(file))) {
        problems.push(
          `${rel(file)} imports ${rel(target)}: ${hidden}/ is an implementation; use the interface beside it`,
        );
      }
    }
  }
}

// Cycles: Tarjan's strongly connected components over files, without the allowed files' upward edges.
const edges = (file) =>
  imports
    .get(file)
    .filter((target) => imports.has(target))
    .filter((target) => !(exempt(file) && rankOf.get(topOf(target)) > rankOf.get(topOf(file))));
const cycles = [];
{
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const visit = (file) => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of edges(file)) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file), low.get(target)));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file), index.get(target)));
    }
    if (low.get(file) === index.get(file)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || edges(file).includes(file)) cycles.push(component);
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
}
for (const component of cycles) {
  problems.push(`import cycle among ${component.length} files: ${component.map(rel).sort().join(', ')}`);
}

const byFolder = new Map();
for (const file of files) byFolder.set(folderOf(file), [...(byFolder.get(folderOf(file)) ?? []), file]);
for (const [folder, members] of byFolder) {
  if (members.length > MAX_FILES)
    problems.push(`src/${folder}/ holds ${members.length} source files (at most ${MAX_FILES})`);
}
let longest = 0;
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n').length - 1;
  if (lines > MAX_LINES && ALLOWED_LONG[rel(file)] === undefined) {
    problems.push(`${rel(file)} has ${lines} lines (at most ${MAX_LINES})`);
  } else if (lines > MAX_LINES) allowedUsed.add(rel(file));
  else longest = Math.max(longest, lines);
}

console.log('Layers of src/, lowest first (each imports only from those above it in this list):');
for (const [rank, layer] of LAYERS.entries()) {
  const count = files.filter((file) => rankOf.get(topOf(file)) === rank).length;
  const folders = layer.folders.map((folder) => (folder === '.' ? '*.ts' : `${folder}/`)).join(', ');
  console.log(
    `  ${String(rank).padStart(2)} ${layer.name.padEnd(10)} ${folders.padEnd(16)} ${String(count).padStart(3)} files  ${layer.job}`,
  );
}
const edgeCount = [...imports.values()].reduce((sum, targets) => sum + targets.length, 0);
console.log(
  `${files.length} files, ${edgeCount} imports, ${byFolder.size} folders (largest ${Math.max(...[...byFolder.values()].map((m) => m.length))} files); ` +
    `${cycles.length} cycles; longest file outside the allowed ones ${longest} lines.`,
);
for (const file of Object.keys({ ...ALLOWED_UPWARD, ...ALLOWED_LONG })) {
  if (!allowedUsed.has(file))
    console.log(`note: ${file} is allowed an exception it no longer needs; remove it from scripts/check-layers.mjs`);
  else console.log(`allowed for now: ${file} (${ALLOWED_UPWARD[file] ?? ALLOWED_LONG[file]})`);
}
if (problems.length > 0) {
  console.error(`\n${problems.length} layout problems:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  process.exit(1);
}
console.log('layout ok: no cycle, no upward import');
