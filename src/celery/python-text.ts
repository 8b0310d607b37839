/**
 * Text the way Celery's Python side writes it, for messages celery-lens puts
 * on the broker (docs/celery-wire-format.md, "Messages celery-lens sends"):
 *
 * - `pythonJson`: `json.dumps` with its defaults, as kombu serializes every
 *   envelope and body: `", "` and `": "` separators, and `ensure_ascii`
 *   (every character outside space..`~` escaped as `\uXXXX`).
 * - `saferepr`: `celery.utils.saferepr.saferepr`, which writes a task's
 *   `argsrepr`/`kwargsrepr` headers and the args/kwargs of its task-sent
 *   event: Python literals, at most 3 levels deep, cut at `maxlen` characters.
 *
 * Values are JSON values (what a GraphQL JSON argument holds).
 */

const hex4 = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function jsonString(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    const code = text.charCodeAt(index);
    out += SHORT_ESCAPES[char] ?? (code < 0x20 || code > 0x7e ? hex4(code) : char);
  }
  return `${out}"`;
}

/** A number as Python would read it back: integers in full, others in JS' shortest round-trip form. */
function jsonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`${value} is not a JSON number`);
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return jsonNumber(value);
  if (typeof value === 'string') return jsonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${jsonString(key)}: ${pythonJson(item)}`)
      .join(', ')}}`;
  }
  throw new TypeError(`a ${typeof value} is not a JSON value`);
}

// --- saferepr -------------------------------------------------------------

/** Python's len(): code points, not UTF-16 units. */
const pyLength = (text: string) => {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
};
const pySlice = (text: string, end: number) => Array.from(text).slice(0, end).join('');

/** celery.utils.text.truncate */
function truncate(text: string, maxlen: number | null): string {
  if (maxlen && pyLength(text) >= maxlen) {
    const cut = pySlice(text, maxlen);
    const space = cut.lastIndexOf(' ');
    return `${space >= 0 ? cut.slice(0, space) : cut}...`;
  }
  return text;
}

type Token =
  | { readonly kind: 'open' | 'close' | 'sep'; readonly text: string }
  | { readonly kind: 'key' | 'quoted'; readonly text: string }
  | { readonly kind: 'plain'; readonly text: string };

/**
 * The token stream of reprstream(): containers deeper than `maxlevels` are one
 * plain token (`[...]`), strings are quoted, numbers and constants plain.
 */
function* tokens(value: unknown, level: number, maxlevels: number): Generator<Token> {
  if (value === null || value === undefined) return yield { kind: 'plain', text: 'None' };
  if (typeof value === 'boolean') return yield { kind: 'plain', text: value ? 'True' : 'False' };
  if (typeof value === 'number') return yield { kind: 'plain', text: jsonNumber(value) };
  if (typeof value === 'string') return yield { kind: 'quoted', text: value };
  const list = Array.isArray(value);
  const [open, close] = list ? ['[', ']'] : ['{', '}'];
  if (level >= maxlevels) return yield { kind: 'plain', text: `${open}...${close}` };
  yield { kind: 'open', text: open };
  const entries: [string | null, unknown][] = list
    ? value.map((item: unknown) => [null, item])
    : Object.entries(value as object);
  for (const [index, [key, item]] of entries.entries()) {
    if (key !== null) {
      yield { kind: 'key', text: key };
      yield { kind: 'sep', text: ': ' };
    }
    yield* tokens(item, level + 1, maxlevels);
    if (index < entries.length - 1) yield { kind: 'sep', text: ', ' };
  }
  yield { kind: 'close', text: close };
}

/** celery.utils.saferepr.saferepr(value, maxlen) for a JSON value, quirks included. */
export function saferepr(value: unknown, maxlen: number | null = null, maxlevels = 3): string {
  let left = maxlen;
  let out = '';
  const open: string[] = [];
  for (const token of tokens(value, 0, maxlevels)) {
    // The token is taken before the check: when the budget is spent, it is lost,
    // and only the containers still open are closed (as Python's stream does).
    if (token.kind === 'open') open.push(token.text === '[' ? ']' : '}');
    if (token.kind === 'close') open.pop();
    if (left !== null && left <= 0) return `${out}, ...${open.reverse().join('')}`;
    let text: string;
    if (token.kind === 'key') text = saferepr(token.text, left, maxlevels);
    else if (token.kind === 'quoted') text = `'${truncate(token.text, left).replaceAll("'", "\\'")}'`;
    else if (token.kind === 'plain') text = truncate(token.text, left);
    else text = token.text;
    out += text;
    if (left !== null) left -= pyLength(text);
  }
  return out;
}
