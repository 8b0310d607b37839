/**
 * Task messages as they wait in a Redis broker queue (a list the client
 * LPUSHes and a worker BRPOPs): a kombu envelope, JSON. See
 * docs/celery-wire-format.md, "Task messages".
 *
 * - protocol 2 (Celery 4+, the default): the id is `headers.id`; the body
 *   (base64) holds only `[args, kwargs, embed]`;
 * - protocol 1 (`task_protocol = 1`): `headers` is empty and the id is the
 *   `id` of the body (base64 JSON `{"task", "id", "args", …}`).
 *
 * Other ids in a message (`root_id`, `parent_id`, `group`, `correlation_id`,
 * ids passed as arguments) are not the queued task's.
 */

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const [QUOTE, COLON, BACKSLASH] = [0x22, 0x3a, 0x5c];
const NESTING = new Set([0x7b, 0x7d, 0x5b, 0x5d]); // { } [ ]
const [OPEN, HEADERS_KEY, ID_KEY] = [0x7b, Buffer.from('"headers"'), Buffer.from('"id"')];

/** Where the value after the key ending at `from` starts: past spaces, one colon, spaces; -1 when no colon. */
function valueAfterKey(message: Buffer, from: number): number {
  let at = from;
  while (WHITESPACE.has(message[at] ?? -1)) at += 1;
  if (message[at] !== COLON) return -1;
  at += 1;
  while (WHITESPACE.has(message[at] ?? -1)) at += 1;
  return at;
}

/**
 * headers.id without parsing (or even decoding) the message, when the layout
 * proves where it is: `headers` is the first object in the envelope (body,
 * content-type… are strings before it, as kombu writes them), nothing opens
 * or closes in the headers before their `id`, and the id is a plain string.
 * In JSON, `"id"` followed by a colon can only be a key: inside a string every
 * quote is escaped. Else null, and the message is parsed.
 */
function headerIdByLayout(message: Buffer): string | null {
  const headersKey = message.indexOf(HEADERS_KEY);
  if (message[0] !== OPEN || headersKey < 0) return null;
  const brace = valueAfterKey(message, headersKey + HEADERS_KEY.length);
  if (brace < 0 || message[brace] !== OPEN || message.indexOf(OPEN, 1) !== brace) return null;
  const idKey = message.indexOf(ID_KEY, brace);
  if (idKey < 0) return null;
  for (let at = brace + 1; at < idKey; at += 1) if (NESTING.has(message[at] as number)) return null;
  const start = valueAfterKey(message, idKey + ID_KEY.length);
  if (start < 0 || message[start] !== QUOTE) return null;
  const end = message.indexOf(QUOTE, start + 1);
  if (end < 0 || message.subarray(start + 1, end).includes(BACKSLASH)) return null;
  return end > start + 1 ? message.toString('utf8', start + 1, end) : null;
}

/** The id of the task a queued message carries; null when it is not a JSON task message. Never throws. */
export function taskIdOfMessage(message: Buffer | string): string | null {
  const bytes = typeof message === 'string' ? Buffer.from(message) : message;
  // Most messages: their id is read where it stands (a scan reads thousands).
  const quick = headerIdByLayout(bytes);
  if (quick !== null) return quick;
  const envelope = parse(bytes.toString('utf8'));
  if (!isObject(envelope)) return null;
  const headers = envelope.headers;
  if (isObject(headers) && typeof headers.id === 'string') return headers.id;
  // Protocol 1. A pickled body (content-type application/x-python-serialize) is not read.
  if (typeof envelope.body !== 'string' || envelope['content-type'] !== 'application/json') return null;
  const properties = envelope.properties;
  const base64 = isObject(properties) && properties.body_encoding === 'base64';
  const body = parse(base64 ? Buffer.from(envelope.body, 'base64').toString('utf8') : envelope.body);
  return isObject(body) && typeof body.id === 'string' ? body.id : null;
}
