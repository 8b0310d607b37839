/**
 * pythonJson and saferepr against Python itself: Debian's python3 with
 * Celery's own saferepr, on values chosen for their edge cases (escapes,
 * non-ASCII and astral characters, quotes, depth past 3 levels, truncation
 * inside strings, keys and containers).
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { pythonJson, saferepr } from '../../src/celery/python-text.ts';
import { ensureCelery } from '../helpers/celery.ts';

const VALUES: unknown[] = [
  [2, 3],
  [],
  {},
  { x: 1, y: 'two', z: null, t: true, f: false },
  ["it's", 'say "hi"', 'back\\slash', 'tab\tnew\nline\r', '\u0001\u001f\u007f', 'é ü 中文 😀', ''],
  [[[[1]]], { a: { b: { c: { d: 1 } } } }],
  [1.5, -0.25, 123456789012, -7, 0],
  { "key with 'quote'": [1, 2], ключ: 'значение' },
  ['a'.repeat(50), 'word '.repeat(30), { long: 'x'.repeat(40) }],
  Array.from({ length: 40 }, (_, index) => index),
  { outer: [{ inner: ['deep', ['deeper']] }], after: 'tail' },
];
const LIMITS = [null, 1024, 10, 25, 3, 1];

const SCRIPT = `
import json, sys
from celery.utils.saferepr import saferepr
values, limits = json.load(sys.stdin)
json.dump({"json": [json.dumps(v) for v in values],
           "repr": [[saferepr(v, maxlen) for maxlen in limits] for v in values]}, sys.stdout)
`;

let python: { json: string[]; repr: string[][] };

beforeAll(async () => {
  await ensureCelery();
  const out = execFileSync('/usr/bin/python3', ['-c', SCRIPT], { input: JSON.stringify([VALUES, LIMITS]) });
  python = JSON.parse(out.toString()) as typeof python;
});

describe("the text of Celery's Python side", () => {
  it('pythonJson writes what json.dumps writes, byte for byte', () => {
    expect(VALUES.map(pythonJson)).toEqual(python.json);
  });

  it("saferepr writes what Celery's saferepr writes, at every length limit", () => {
    expect(VALUES.map((value) => LIMITS.map((limit) => saferepr(value, limit)))).toEqual(python.repr);
  });
});
