/**
 * One POST to a webhook, as operators configured it (never a client): with
 * a timeout, and redirects followed only to the same origin and only when
 * they keep the POST (307, 308), at most MAX_REDIRECTS; a redirect to
 * another host is never followed (`redirect: 'manual'`: fetch hands it back).
 * Says whether a failure is worth retrying: no answer, 408, 429 and 5xx are.
 */

export interface WebhookAnswer {
  readonly ok: boolean;
  /** Whether trying again later may succeed. */
  readonly retry: boolean;
  /** HTTP status of the last answer, null when none came. */
  readonly status: number | null;
  /** What happened, for the log. */
  readonly reason: string;
  /** A 429's or 503's Retry-After, in ms, when it gave one in seconds. */
  readonly retryAfterMs: number | null;
}

const MAX_REDIRECTS = 3;

function answer(
  ok: boolean,
  retry: boolean,
  status: number | null,
  reason: string,
  retryAfterMs: number | null = null,
): WebhookAnswer {
  return { ok, retry, status, reason, retryAfterMs };
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? `: ${(cause as Error & { code?: string }).code ?? cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${inner}`;
}

/** POSTs `body` to `url`; each request (each hop) gets `timeoutMs`. */
export async function postWebhook(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<WebhookAnswer> {
  let target = new URL(url);
  for (let hop = 0; ; hop += 1) {
    let response: Response;
    try {
      response = await fetch(target, {
        method: 'POST',
        body,
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return answer(
        false,
        true,
        null,
        timedOut
          ? `no answer from ${target.origin} within ${timeoutMs} ms`
          : `cannot reach ${target.origin}: ${causeOf(error)}`,
      );
    }
    // The answer's body says nothing we act on: let the connection go back to the pool.
    await response.body?.cancel().catch(() => {});
    const { status } = response;
    if (status >= 200 && status < 300) return answer(true, false, status, `answered ${status}`);
    if (status >= 300 && status < 400) {
      const location = response.headers.get('location');
      let next: URL | null = null;
      try {
        next = location === null ? null : new URL(location, target);
      } catch {
        // Said below.
      }
      if (next === null || next.origin !== target.origin)
        return answer(
          false,
          false,
          status,
          `answered ${status}, a redirect to ${next?.origin ?? 'nowhere'}: another host, not followed`,
        );
      if (status !== 307 && status !== 308)
        return answer(
          false,
          false,
          status,
          `answered ${status}, a redirect that would turn the POST into a GET: not followed`,
        );
      if (hop >= MAX_REDIRECTS) return answer(false, false, status, `more than ${MAX_REDIRECTS} redirects`);
      target = next;
      continue;
    }
    const seconds = Number(response.headers.get('retry-after'));
    const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
    const retry = status >= 500 || status === 429 || status === 408;
    return answer(false, retry, status, `answered ${status}`, retryAfterMs);
  }
}
