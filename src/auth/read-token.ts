/**
 * Scoped read tokens: what an operator's backend hands an end user's browser
 * so that it may watch exactly one task, one workflow or one goal.
 *
 * Stateless: `clt_<payload>.<signature>`, the payload base64url JSON
 * `{v, k, id, p, exp}` (kind task|root|goal, the id or goal key, payload
 * scope, expiry in epoch seconds), the signature HMAC-SHA256 over
 * `clt_<payload>` with a key derived from --token-secret (or the JWT
 * secret): derived, so that a read token can never pass for a JWT signed
 * with the same secret, nor the reverse. The `clt_` prefix tells it from a
 * JWT where both travel the same way (Authorization: Bearer, `{ token }`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LensError } from '../errors/lens-error.ts';

export const READ_TOKEN_PREFIX = 'clt_';
export const GRANT_KINDS = ['task', 'root', 'goal'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

/** What a read token lets its holder read. */
export interface ReadGrant {
  readonly kind: GrantKind;
  /** The task id, the workflow's root task id, or the goal key. */
  readonly id: string;
  /** Whether payload fields (results, args, metas…) may be read too. */
  readonly payload: boolean;
  /** Expiry, in ms since the epoch. */
  readonly expiresAt: number;
}

export class InvalidTokenError extends LensError {
  readonly code = 'INVALID_TOKEN';
}

/** createReadToken without a secret to sign with. */
export class TokensDisabledError extends LensError {
  readonly code = 'TOKENS_DISABLED';
}

export class TokenExpiredError extends LensError {
  readonly code = 'TOKEN_EXPIRED';

  constructor(expiresAt: number) {
    super(`this read token expired at ${new Date(expiresAt).toISOString()}; ask the application for a new one`, {
      expiredAt: new Date(expiresAt).toISOString(),
    });
  }
}

export const isReadToken = (text: unknown): text is string =>
  typeof text === 'string' && text.startsWith(READ_TOKEN_PREFIX);

const keyOf = (secret: string): Buffer => createHmac('sha256', secret).update('celery-lens read token v1').digest();

const sign = (key: Buffer, body: string): Buffer => createHmac('sha256', key).update(body).digest();

export class ReadTokens {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = keyOf(secret);
  }

  /** A token for `grant` (its expiresAt rounded down to the second). */
  create(grant: ReadGrant): string {
    const claims = { v: 1, k: grant.kind, id: grant.id, p: grant.payload, exp: Math.floor(grant.expiresAt / 1000) };
    const body = `${READ_TOKEN_PREFIX}${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${body}.${sign(this.#key, body).toString('base64url')}`;
  }

  /** The grant of a token; throws INVALID_TOKEN (forged, altered, not ours) or TOKEN_EXPIRED. */
  verify(token: string, now = Date.now()): ReadGrant {
    const dot = token.lastIndexOf('.');
    const body = dot > 0 ? token.slice(0, dot) : '';
    // Compared as text: base64 decoding ignores a last character's spare bits, so two spellings would pass.
    const presented = Buffer.from(dot > 0 ? token.slice(dot + 1) : '');
    const expected = Buffer.from(sign(this.#key, body).toString('base64url'));
    if (
      !body.startsWith(READ_TOKEN_PREFIX) ||
      presented.length !== expected.length ||
      !timingSafeEqual(presented, expected)
    ) {
      throw new InvalidTokenError(
        'this read token is not valid: its signature does not match (altered, forged, or signed with another secret)',
      );
    }
    const grant = decodeClaims(body.slice(READ_TOKEN_PREFIX.length));
    if (grant.expiresAt <= now) throw new TokenExpiredError(grant.expiresAt);
    return grant;
  }
}

/** Signed claims we wrote; checked anyway, so that a change of format fails closed. */
function decodeClaims(encoded: string): ReadGrant {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    claims = null;
  }
  const { v, k, id, p, exp } = (claims ?? {}) as Record<string, unknown>;
  if (
    v !== 1 ||
    !GRANT_KINDS.includes(k as GrantKind) ||
    typeof id !== 'string' ||
    typeof p !== 'boolean' ||
    typeof exp !== 'number'
  ) {
    throw new InvalidTokenError('this read token is not valid: its claims are not the ones celery-lens writes');
  }
  return { kind: k as GrantKind, id, payload: p, expiresAt: exp * 1000 };
}
