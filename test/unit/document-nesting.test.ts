import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../src/plugins/document-nesting.ts';

describe('nestsDeeperThan', () => {
  it('counts selections, arguments, lists and objects, as deep as the parser recurses', () => {
    const document = 'mutation { sendTask(name: "a", args: [[1]], kwargs: {k: {k: 1}}) { id } }';
    // mutation { → sendTask( → kwargs { → k { : 4 levels.
    expect(nestsDeeperThan(document, 4)).toBe(false);
    expect(nestsDeeperThan(document, 3)).toBe(true);
  });

  it('skips brackets inside strings, block strings (with escaped quotes) and comments', () => {
    const document = ['{ a(s: "{{{{[[[[ \\" {{{{") # {{{{{{{{', '  b(t: """ {{{{ \\""" {{{{ """) { c }', '}'].join(
      '\n',
    );
    expect(() => parse(document)).not.toThrow();
    expect(nestsDeeperThan(document, 2)).toBe(false);
    expect(nestsDeeperThan(document, 1)).toBe(true);
  });

  it('measures a document 100,000 levels deep without recursing', () => {
    expect(nestsDeeperThan(`{ a(v: ${'['.repeat(100_000)}1${']'.repeat(100_000)}) }`, 500)).toBe(true);
  });
});
