/**
 * How deeply a GraphQL document nests `{`, `[` and `(`, read without parsing
 * it. graphql-js' parser, and graphql-scalars' JSON literal parser after it,
 * recurse a few frames per level: a document nested about 2,000 levels deep
 * (a JSON literal `{a:{a:…}}` once --max-tokens allows it) overflows the
 * stack, a masked INTERNAL_SERVER_ERROR. This scan is a loop, so it measures
 * any document the body limit lets in. Strings, block strings and comments
 * are skipped; anything else it miscounts is a syntax error the parser
 * reports before it recurses.
 */
const [QUOTE, BACKSLASH, HASH, NEWLINE, RETURN] = [0x22, 0x5c, 0x23, 0x0a, 0x0d];
const OPENERS: ReadonlySet<number> = new Set([0x7b, 0x5b, 0x28]); // { [ (
const CLOSERS: ReadonlySet<number> = new Set([0x7d, 0x5d, 0x29]); // } ] )

/** Where the string starting at `at` (its opening quote) ends: the index of its last character. */
function stringEnd(source: string, at: number): number {
  if (source.startsWith('"""', at)) {
    // A block string ends at the first `"""` not escaped as `\"""`.
    for (let end = source.indexOf('"""', at + 3); end >= 0; end = source.indexOf('"""', end + 1)) {
      if (source.charCodeAt(end - 1) !== BACKSLASH) return end + 2;
    }
    return source.length;
  }
  for (let end = at + 1; end < source.length; end += 1) {
    const char = source.charCodeAt(end);
    if (char === BACKSLASH) end += 1;
    else if (char === QUOTE || char === NEWLINE || char === RETURN) return end;
  }
  return source.length;
}

/** Where the comment starting at `at` ends: its last character. */
function commentEnd(source: string, at: number): number {
  for (let end = at + 1; end < source.length; end += 1) {
    const char = source.charCodeAt(end);
    if (char === NEWLINE || char === RETURN) return end;
  }
  return source.length;
}

/** Whether `source` nests deeper than `limit` levels. */
export function nestsDeeperThan(source: string, limit: number): boolean {
  let depth = 0;
  for (let at = 0; at < source.length; at += 1) {
    const char = source.charCodeAt(at);
    if (char === QUOTE) at = stringEnd(source, at);
    else if (char === HASH) at = commentEnd(source, at);
    else if (OPENERS.has(char)) {
      depth += 1;
      if (depth > limit) return true;
    } else if (CLOSERS.has(char)) depth -= 1;
  }
  return false;
}
