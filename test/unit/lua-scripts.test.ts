/** The Lua scripts' files and their loader: includes resolved once, every script's header naming its keys, no Lua left in TypeScript. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { luaScript } from '../../src/redis/lua-scripts.ts';
import { INDEX_SCRIPTS } from '../../src/store/index/index-scripts.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function files(dir: string, ending: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path, ending);
    return entry.name.endsWith(ending) ? [path] : [];
  });
}

describe('the Lua scripts', () => {
  it('resolves includes relative to the including file, each file once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lens-lua-'));
    try {
      writeFileSync(join(dir, 'shared.lua'), 'local shared = 1\n');
      writeFileSync(join(dir, 'middle.lua'), '--- @include "shared.lua"\nlocal middle = shared\n');
      writeFileSync(join(dir, 'main.lua'), '--- @include "shared.lua"\n--- @include "middle.lua"\nreturn middle\n');
      const script = luaScript('lensTest', pathToFileURL(join(dir, 'main.lua')));
      const code = script.lua.split('\n').filter((line) => line !== '');
      expect(code).toEqual(['local shared = 1', 'local middle = shared', 'return middle']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves no include unresolved in the index scripts', () => {
    for (const script of Object.values(INDEX_SCRIPTS)) {
      expect(script.lua).not.toMatch(/^--- @include/m);
      expect(script.lua).toContain('redis.call');
    }
  });

  it('heads every script that runs on its own with the KEYS and ARGV it takes', () => {
    const scripts = files(SRC, '.lua').filter((path) => !readFileSync(path, 'utf8').startsWith('-- Included'));
    expect(scripts.length).toBeGreaterThanOrEqual(8);
    for (const path of scripts) {
      const header = readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('--'));
      expect(header.join('\n'), path).toMatch(/KEYS\[1\]/);
    }
  });

  it('keeps no Lua in TypeScript', () => {
    for (const path of files(SRC, '.ts')) expect(readFileSync(path, 'utf8'), path).not.toContain('redis.call(');
  });
});
