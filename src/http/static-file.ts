/**
 * A file served as is (the web page's build, GraphiQL's page): compressed
 * with brotli or gzip as the request's Accept-Encoding prefers, with an ETag
 * per encoding and 304 when the client has it. Each encoding is made once,
 * when the file is loaded, never per request (GraphiQL's page is 9 MB), and
 * in the background: until an encoding is ready a request gets the best one
 * that is (gzip takes milliseconds, brotli's best quality a second or more),
 * so no visit waits for a compressor.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

export type Encoding = 'br' | 'gzip';
/** In order of preference when a client accepts both as much. */
const ENCODINGS: readonly Encoding[] = ['br', 'gzip'];
/** Below this, compressing saves less than a packet. */
const MIN_COMPRESSED_BYTES = 1024;
/**
 * Brotli's best quality takes ~40 s on GraphiQL's 9 MB (quality 5: 1 s, for
 * 1.9 MB against 1.7 MB); the page's bundles, a few hundred KB, take it in a second.
 */
const LARGE_BYTES = 1 << 20;

const compressors: Readonly<Record<Encoding, (body: Uint8Array) => Promise<Buffer>>> = {
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: body.byteLength > LARGE_BYTES ? 5 : constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
      },
    }),
  gzip: (body) => promisify(gzip)(body, { level: 9 }),
};

/** One compression at a time, however many files: at most one core, and one of libuv's threads (DNS and files use them too). */
let compressing: Promise<unknown> = Promise.resolve();
function serially<T>(job: () => Promise<T>): Promise<T> {
  const run = compressing.then(job);
  compressing = run.catch(() => undefined);
  return run;
}

const COMPRESSIBLE = /^(?:text\/|application\/(?:json|javascript)|image\/svg\+xml)/;

/** The encodings a request accepts (q above 0), the preferred first (brotli on a tie). */
export function acceptedEncodings(acceptEncoding: string | null): Encoding[] {
  if (!acceptEncoding) return [];
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [coding = '', ...params] = part.split(';').map((item) => item.trim());
    const q = params.find((param) => param.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(coding === 'x-gzip' ? 'gzip' : coding, Number.isFinite(weight) ? weight : 0);
  }
  const weight = (encoding: Encoding) => weights.get(encoding) ?? weights.get('*') ?? 0;
  return ENCODINGS.filter((encoding) => weight(encoding) > 0).sort((a, b) => weight(b) - weight(a));
}

/** An ETag's value without W/ (If-None-Match compares weakly). */
const opaque = (tag: string) => tag.trim().replace(/^W\//, '');

export class StaticFile {
  /** The ETag of the plain body; an encoding's is it with the encoding's name. */
  private readonly tag: string;
  private readonly compressible: boolean;
  /** Each encoding's body once made; null when it is no smaller than the plain one (or its compressor failed). */
  private readonly encoded = new Map<Encoding, Uint8Array<ArrayBuffer> | null>();

  constructor(
    readonly body: Uint8Array<ArrayBuffer>,
    readonly type: string,
    /** Cache-Control: hashed names are kept for good, anything else revalidated each time. */
    readonly immutable: boolean,
    /** Headers every answer carries (the security headers of a page). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    this.tag = createHash('sha256').update(body).digest('base64url').slice(0, 27);
    this.compressible = COMPRESSIBLE.test(type) && body.byteLength >= MIN_COMPRESSED_BYTES;
    if (!this.compressible) return;
    // gzip first: it is ready almost at once.
    for (const encoding of ['gzip', 'br'] as const) {
      serially(() => compressors[encoding](body)).then(
        (compressed) =>
          this.encoded.set(encoding, compressed.byteLength < body.byteLength ? new Uint8Array(compressed) : null),
        () => this.encoded.set(encoding, null),
      );
    }
  }

  /** The answer to a GET or HEAD of this file. */
  respond(request: Request): Response {
    const encoding = this.compressible
      ? acceptedEncodings(request.headers.get('accept-encoding')).find((accepted) => this.encoded.get(accepted))
      : undefined;
    const body = (encoding && this.encoded.get(encoding)) || this.body;
    const etag = `"${this.tag}${encoding ? `-${encoding}` : ''}"`;
    const headers: Record<string, string> = {
      ...this.headers,
      'content-type': this.type,
      'cache-control': this.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag,
      ...(this.compressible ? { vary: 'Accept-Encoding' } : {}),
    };
    const known = request.headers.get('if-none-match');
    if (known !== null && (known.trim() === '*' || known.split(',').some((tag) => opaque(tag) === etag))) {
      return new Response(null, { status: 304, headers });
    }
    if (encoding) headers['content-encoding'] = encoding;
    headers['content-length'] = String(body.byteLength);
    return new Response(request.method === 'HEAD' ? null : body, { headers });
  }
}
