/**
 * The hot path for what status clients send most: one query as a JSON POST
 * to /graphql. It hands the parsed body straight to Yoga's own operation
 * pipeline (`yoga.getResultForParams`: every Envelop plugin — auth, limits,
 * rate limit, logs, metrics, error masking — and Yoga's parse and validation
 * caches), and skips the Fetch-API layer around it: no Request, URL,
 * AbortSignal, body stream or Response objects per request. That layer cost
 * more than half the CPU of a `task(id)` lookup (docs/benchmarks.md).
 *
 * What it does not answer exactly as Yoga would goes to Yoga: other methods,
 * paths, content types and Accept values; batches, `extensions`, bodies that
 * are not a plain operation; subscriptions (streamed by Yoga); bodies over
 * the limit; a bearer token when JWT is configured (Yoga's JWT plugin checks
 * it while it parses the request). A result with errors is shaped by Yoga's
 * own result processor, so status codes and error extensions are the same.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ExecutionResult, type OperationTypeNode, getOperationAST, parse } from 'graphql';
import { type YogaServerInstance, processRegularResult } from 'graphql-yoga';
import { tooLarge } from '../plugins/use-body-limit.ts';
import { corsHeaders } from './origin.ts';

type Params = { query: string; variables?: Record<string, unknown>; operationName?: string };
type Listener = (req: IncomingMessage, res: ServerResponse) => void;

export interface JsonPostOptions {
  readonly endpoint: string;
  readonly maxBodyBytes: number;
  readonly maxTokens: number;
  /** With JWT configured, requests carrying Authorization go through Yoga's JWT plugin. */
  readonly jwt: boolean;
  /** --cors-origins: the same CORS answer as Yoga's (src/transport/origin.ts). */
  readonly corsOrigins: readonly string[];
}

/** Headers of the connection, not of the request Yoga replays. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

const RESPONSE_TYPES = ['application/graphql-response+json', 'application/json'] as const;
type ResponseType = (typeof RESPONSE_TYPES)[number];
/** Yoga's result processors and their media types, in Yoga's order (plugins/use-result-processor.js). */
const PROCESSORS = [['text/event-stream'], ['multipart/mixed'], RESPONSE_TYPES] as const;

/**
 * The media type Yoga's result processors would answer a non-streamed result
 * with, or null when it would stream or refuse. Yoga walks processors, then
 * the asked types last first, then each processor's types, and keeps the
 * last match; the same walk here.
 */
function responseType(accept: string): ResponseType | null {
  const asked = (accept || '*/*')
    .replace(/\s/g, '')
    .toLowerCase()
    .split(',')
    .flatMap((item) => {
      const [type = '', ...params] = item.split(';');
      // Yoga serves utf-8 only; utf-8 is assumed when no charset is given.
      return (params.find((param) => param.includes('charset=')) ?? 'charset=utf-8') === 'charset=utf-8' ? [type] : [];
    })
    .reverse();
  let chosen: string | null = null;
  for (const processor of PROCESSORS) {
    for (const type of asked) {
      const [a, b] = type.split('/');
      for (const offered of processor) {
        const [c, d] = offered.split('/');
        if ((a === '*' || a === c) && (b === '*' || b === d)) chosen = offered;
      }
    }
  }
  return RESPONSE_TYPES.find((type) => type === chosen) ?? null;
}

/**
 * Bounded memo of small per-string answers (operation types, Accept
 * decisions): at most `size` keys of at most `maxKeyLength` characters, so
 * distinct large bodies cannot grow it past a few MiB; longer keys are
 * computed each time.
 */
function memo<T>(compute: (key: string) => T, size = 1000, maxKeyLength = 4096): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as T;
    const value = compute(key);
    if (key.length > maxKeyLength) return value;
    if (cache.size >= size) cache.clear();
    cache.set(key, value);
    return value;
  };
}

function asParams(body: unknown): Params | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { query, variables, operationName, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof query !== 'string') return null;
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  if (operationName != null && typeof operationName !== 'string') return null;
  return {
    query,
    ...(variables == null ? {} : { variables: variables as Record<string, unknown> }),
    ...(operationName == null ? {} : { operationName }),
  };
}

/** What plugins read from `context.request`: method, url and headers, straight off the Node request. */
class RequestView {
  readonly method = 'POST';
  readonly url: string;
  readonly headers: Pick<Headers, 'get' | 'has'>;
  constructor(req: IncomingMessage, endpoint: string) {
    this.url = `http://${req.headers.host ?? 'localhost'}${endpoint}`;
    const value = (name: string) => {
      const found = req.headers[name.toLowerCase()];
      return found === undefined ? null : Array.isArray(found) ? found.join(', ') : found;
    };
    this.headers = { get: value, has: (name) => value(name) !== null };
  }
}

/** The body, or why there is none to answer: over the limit, or the client left before sending it all. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    // A client that goes away is not a server error: nothing to answer, nothing to log.
    req.on('error', () => resolve('aborted'));
    req.on('close', () => resolve('aborted'));
  });
}

/** Resolves when `res` can take more (drain), or will take nothing more (close). */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes a Fetch Response to Node's response, streaming its body (an SSE
 * subscription lasts). The next chunk is read only once the socket took the
 * last one: a client that stops reading leaves its updates in its
 * subscription's bounded queue (which keeps the latest per task), not in
 * this process' socket buffers. A client that leaves cancels the body at once.
 */
async function send(res: ServerResponse, response: Response, extra: Record<string, string>): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, { ...headers, ...extra });
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const cancel = () => {
    // The stream's own cancel ends the subscription; nothing is left to tell the client.
    reader.cancel().catch(() => {});
  };
  res.once('close', cancel);
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (res.destroyed) return;
      if (!res.write(chunk.value)) await writable(res);
    }
    res.end();
  } finally {
    res.off('close', cancel);
  }
}

export function jsonPostListener<Context extends object>(
  yoga: YogaServerInstance<object, Context>,
  options: JsonPostOptions,
): Listener {
  const answerType = memo(responseType);
  // Keyed by `operationName\nquery`: a name cannot hold a newline.
  const operationType = memo((key: string): OperationTypeNode | null => {
    const newline = key.indexOf('\n');
    try {
      const document = parse(key.slice(newline + 1), { maxTokens: options.maxTokens, noLocation: true });
      return getOperationAST(document, key.slice(0, newline) || null)?.operation ?? null;
    } catch {
      return null;
    }
  });

  /** Yoga answers the request from its buffered body, as if it had read it itself. */
  const replay = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers)
        .filter(([name]) => !HOP_BY_HOP.has(name))
        .map(([name, value]) => [name, String(value)]),
    );
    // A streamed answer ends when the client goes away.
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const init = { method: 'POST', headers, body, signal: gone.signal };
    await send(
      res,
      await yoga.fetch(`http://${req.headers.host ?? 'localhost'}${req.url ?? ''}`, init, { req, res }),
      {},
    );
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, type: ResponseType) => {
    const body = await readBody(req, options.maxBodyBytes);
    if (body === 'aborted') return;
    if (body === 'too large') {
      const { status, json } = tooLarge(
        `the request body has more than ${options.maxBodyBytes} bytes`,
        options.maxBodyBytes,
      );
      res
        .writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          ...corsHeaders(options.corsOrigins, req.headers.origin),
        })
        .end(JSON.stringify(json));
      return;
    }
    let params: Params | null = null;
    try {
      params = asParams(JSON.parse(body.toString('utf8')));
    } catch {
      // Not JSON: Yoga says so in its own words.
    }
    const kind = params && operationType(`${params.operationName ?? ''}\n${params.query}`);
    if (!params || (kind !== 'query' && kind !== 'mutation')) {
      await replay(req, res, body);
      return;
    }
    const request = new RequestView(req, options.endpoint) as unknown as Request;
    const result = (await yoga.getResultForParams(
      { params, request },
      Object.create({ req, res }),
    )) as ExecutionResult & {
      stringify?: (result: ExecutionResult) => string;
    };
    if (result.errors?.length || result.extensions?.http) {
      await send(
        res,
        processRegularResult(result, yoga.fetchAPI, type),
        corsHeaders(options.corsOrigins, req.headers.origin),
      );
      return;
    }
    const json = (result.stringify ?? JSON.stringify)(result);
    res
      .writeHead(200, {
        'content-type': `${type}; charset=utf-8`,
        'content-length': String(Buffer.byteLength(json)),
        ...corsHeaders(options.corsOrigins, req.headers.origin),
      })
      .end(json);
  };

  return (req, res) => {
    const type = answerType(req.headers.accept ?? '');
    const plain =
      type !== null &&
      req.method === 'POST' &&
      req.url === options.endpoint &&
      /^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '') &&
      !(options.jwt && req.headers.authorization !== undefined) &&
      Number(req.headers['content-length'] ?? 0) <= options.maxBodyBytes;
    if (!plain) {
      // Yoga answers its own errors; a rejection here is a client gone mid-answer.
      Promise.resolve(yoga(req, res)).catch((error: unknown) => yoga.logger.error(error));
      return;
    }
    serve(req, res, type).catch((error: unknown) => {
      yoga.logger.error(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }),
      );
    });
  };
}
