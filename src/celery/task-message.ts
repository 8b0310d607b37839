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

// In JSON text `"id"` followed by a colon can only be a key: inside a string every quote is escaped.
const HEADERS_KEY = /"headers"\s*:\s*\{/g;
const ID_KEY = /"id"\s*:\s*/g;

/**
 * headers.id without parsing the message, when the layout proves where it is:
 * `headers` is the first object in the envelope (body, content-type… are
 * strings before it, as kombu writes them), nothing opens or closes in the
 * headers before their `id`, and the id is a plain string. Else null, and
 * the message is parsed.
 */
function headerIdByLayout(message: string): string | null {
  HEADERS_KEY.lastIndex = 0;
  const headers = message.startsWith('{') ? HEADERS_KEY.exec(message) : null;
  if (!headers || message.indexOf('{', 1) !== HEADERS_KEY.lastIndex - 1) return null;
  ID_KEY.lastIndex = HEADERS_KEY.lastIndex;
  const key = ID_KEY.exec(message);
  if (!key || /[{}[\]]/.test(message.slice(HEADERS_KEY.lastIndex, key.index))) return null;
  const start = ID_KEY.lastIndex;
  const end = message.indexOf('"', start + 1);
  if (message[start] !== '"' || end < 0) return null;
  const id = message.slice(start + 1, end);
  return id === '' || id.includes('\\') ? null : id;
}

/** The id of the task a queued message carries; null when it is not a JSON task message. Never throws. */
export function taskIdOfMessage(message: string): string | null {
  // Most messages: their id is read where it stands (a scan reads thousands).
  const quick = headerIdByLayout(message);
  if (quick !== null) return quick;
  const envelope = parse(message);
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
