// Copies the Redis scripts (src/**/*.lua) into dist/ beside the JavaScript that reads them
// (src/redis/lua-scripts.ts resolves them relative to its caller's module): tsc copies only
// what it compiles. Run by `npm run build` after tsc, and by ensure-build.mjs.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Copies every .lua file under `<root>/src` to the same place under `<root>/dist`; returns how many. */
export function copyLua(root) {
  const src = join(root, 'src');
  let copied = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.lua')) {
        const target = join(root, 'dist', relative(src, path));
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(path, target);
        copied += 1;
      }
    }
  };
  walk(src);
  return copied;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  copyLua(fileURLToPath(new URL('../', import.meta.url)));
}
