/**
 * Celery's task events carry kwargs as Python's repr (`saferepr`), e.g.
 * `{'user_id': 42, 'tenant': 'acme'}` (docs/celery-wire-format.md, "Events").
 * The index needs only the top-level scalar values of a few keys, as the JSON
 * text json.dumps would write for them; this reads those and skips the rest.
 * Anything it cannot read with certainty (nested values, truncated reprs,
 * bytes, objects) is left out rather than guessed.
 */

/** A Python string literal starting at `from` (a quote), decoded, and where it ends; null when it is not one. */
function readString(text: string, from: number): { value: string; end: number } | null {
  const quote = text[from];
  if (quote !== "'" && quote !== '"') return null;
  let value = '';
  for (let index = from + 1; index < text.length; index += 1) {
    const char = text[index] as string;
    if (char === quote) return { value, end: index + 1 };
    if (char !== '\\') {
      value += char;
      continue;
    }
    const next = text[index + 1];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
    if (next !== undefined && next in simple) {
      value += simple[next];
      index += 1;
    } else if (next === 'x' || next === 'u') {
      const digits = next === 'x' ? 2 : 4;
      const hex = text.slice(index + 2, index + 2 + digits);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) return null;
      value += String.fromCharCode(Number.parseInt(hex, 16));
      index += 1 + digits;
    } else {
      return null;
    }
  }
  return null;
}

const SCALAR = /^(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|True|False|None)(?=\s*[,}])/;

/** JSON text of the scalar value starting at `from`, and where it ends; null for anything else. */
function readScalar(text: string, from: number): { json: string; end: number } | null {
  const string = readString(text, from);
  if (string) return { json: JSON.stringify(string.value), end: string.end };
  const match = SCALAR.exec(text.slice(from, from + 64));
  if (!match) return null;
  const word = match[1] as string;
  const json =
    word === 'True' ? 'true' : word === 'False' ? 'false' : word === 'None' ? 'null' : JSON.stringify(Number(word));
  return { json, end: from + word.length };
}

/** Skips a value this reader does not decode (nested, or of another type): to the `,` or `}` closing it at this depth. */
function skipValue(text: string, from: number): number {
  let depth = 0;
  for (let index = from; index < text.length; index += 1) {
    const char = text[index] as string;
    if (char === "'" || char === '"') {
      const string = readString(text, index);
      if (!string) return text.length;
      index = string.end - 1;
    } else if ('{[('.includes(char)) depth += 1;
    else if ('}])'.includes(char)) {
      if (depth === 0) return index;
      depth -= 1;
    } else if (char === ',' && depth === 0) return index;
  }
  return text.length;
}

/**
 * The JSON text of each of `keys` that the repr of a kwargs dict holds as a
 * top-level scalar (string, number, True/False/None).
 */
export function kwargsFromRepr(repr: string, keys: readonly string[]): Record<string, string> {
  const found: Record<string, string> = {};
  const wanted = new Set(keys);
  let index = repr.indexOf('{');
  if (index < 0 || wanted.size === 0) return found;
  index += 1;
  while (index < repr.length) {
    while (repr[index] === ' ' || repr[index] === ',') index += 1;
    const key = readString(repr, index);
    if (!key) return found;
    index = key.end;
    if (repr[index] !== ':') return found;
    index += 1;
    while (repr[index] === ' ') index += 1;
    const scalar = readScalar(repr, index);
    if (scalar && wanted.has(key.value)) found[key.value] = scalar.json;
    index = scalar ? scalar.end : skipValue(repr, index);
    if (repr[index] === '}') return found;
  }
  return found;
}
