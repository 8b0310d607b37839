/**
 * One parser per kind of option value: each checks the text of a flag or
 * variable and says, in a ConfigError, which option is wrong and why.
 */
import { type ApiKey, parseScopes } from '../auth/principal.ts';
import { ConfigError } from '../errors/config-error.ts';
import { type HostPattern, parseHostPattern } from '../http/allowed-hosts.ts';
import { type Cidr, parseCidr } from '../http/client-address.ts';
import { type StallRules, parseStallRules } from '../read/stall.ts';
import { OPTIONS, type OptionName } from './options.ts';

export function integer(name: OptionName, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(`--${name} (${OPTIONS[name].env}) must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

/** Seconds, or `auto` (null); in ms. */
export function secondsOrAuto(name: OptionName, text: string, max: number): number | null {
  if (text === 'auto') return null;
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0 || Number(text) > max) {
    throw new ConfigError(
      `--${name} (${OPTIONS[name].env}) must be auto or a number of seconds above 0 and at most ${max}, got "${text}"`,
    );
  }
  return Math.round(Number(text) * 1000);
}

export function stallRules(text: string): StallRules {
  try {
    return parseStallRules(text);
  } catch (error) {
    throw new ConfigError(`--stall-after (LENS_STALL_AFTER): ${(error as Error).message}`);
  }
}

export function boolean(name: OptionName, text: string): boolean {
  if (/^(true|1|yes|on)$/i.test(text)) return true;
  if (/^(false|0|no|off)$/i.test(text)) return false;
  throw new ConfigError(`--${name} (${OPTIONS[name].env}) must be true or false, got "${text}"`);
}

export function pattern(text: string): RegExp {
  try {
    return new RegExp(text);
  } catch (error) {
    throw new ConfigError(`--task-id-pattern is not a valid regular expression: ${(error as Error).message}`);
  }
}

export function apiKeys(text: string): ApiKey[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [name, hex, scopes] = entry.split(':');
      if (!name || !hex || !/^[0-9a-f]{64}$/i.test(hex) || scopes === undefined || parseScopes(scopes).size === 0) {
        throw new ConfigError(
          `--api-keys (LENS_API_KEYS): "${entry.slice(0, 40)}…" is not name:sha256hex:scope+scope (scopes: status, payload, control, tokens)`,
        );
      }
      return { name, sha256: Buffer.from(hex, 'hex'), scopes: parseScopes(scopes) };
    });
}

/** A glob (`*` any run of characters, `?` one) as an anchored RegExp; everything else is literal. */
export function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${body}$`);
}

/** kwargs keys as Python identifiers: what `key=value` in a call can name, and never a separator of the index' keys. */
export function kwargKeys(text: string): string[] {
  const keys = list(text);
  for (const key of keys) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key)) {
      throw new ConfigError(
        `--index-kwargs (LENS_INDEX_KWARGS): "${key.slice(0, 80)}" is not a keyword argument name (letters, digits and _, at most 64)`,
      );
    }
  }
  if (keys.length > 16)
    throw new ConfigError(`--index-kwargs (LENS_INDEX_KWARGS): at most 16 keys, got ${keys.length}`);
  return [...new Set(keys)];
}

/** kombu's priority_steps: ascending integers from 0 to 9 (a message's priority is clamped to 0–9). */
export function prioritySteps(text: string): number[] {
  const steps = list(text).map(Number);
  const ascending = steps.every(
    (step, index) =>
      Number.isInteger(step) && step >= 0 && step <= 9 && (index === 0 || step > (steps[index - 1] as number)),
  );
  if (steps.length === 0 || !ascending || list(text).some((item) => !/^\d$/.test(item))) {
    throw new ConfigError(
      `--priority-steps (CELERY_PRIORITY_STEPS) must be ascending integers from 0 to 9, comma-separated (kombu's default: 0,3,6,9), got "${text.slice(0, 80)}"`,
    );
  }
  return steps;
}

/** kombu's sep, written with \xHH escapes for its control characters (the default is \x06\x16). */
export function prioritySep(text: string): string {
  const sep = text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  if (sep === '' || sep.length > 16 || /\\/.test(sep)) {
    throw new ConfigError(
      `--priority-sep (CELERY_PRIORITY_SEP) must be 1 to 16 characters, \\xHH escapes allowed (kombu's default: \\x06\\x16), got "${text.slice(0, 80)}"`,
    );
  }
  return sep;
}

/** A read-token secret: long enough that it cannot be guessed offline from a token. */
export function tokenSecret(text: string): string | null {
  if (text === '') return null;
  if (text.length < 32)
    throw new ConfigError(`--token-secret (LENS_TOKEN_SECRET) must have at least 32 characters, got ${text.length}`);
  return text;
}

/** Page cursor secrets, the signing one first; the others still verify, for a rotation. */
export function cursorSecrets(text: string): string[] {
  const secrets = list(text);
  const short = secrets.find((secret) => secret.length < 32);
  if (short !== undefined)
    throw new ConfigError(
      `--cursor-secret (LENS_CURSOR_SECRET): each secret must have at least 32 characters, got one of ${short.length}`,
    );
  if (new Set(secrets).size !== secrets.length)
    throw new ConfigError('--cursor-secret (LENS_CURSOR_SECRET): a secret is listed twice');
  return secrets;
}

export function list(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function cidrs(text: string): Cidr[] {
  return list(text).map((item) => {
    const cidr = parseCidr(item);
    if (!cidr)
      throw new ConfigError(
        `--trust-proxy (LENS_TRUST_PROXY): "${item.slice(0, 80)}" is not an address or CIDR like 10.0.0.0/8 or fd00::/8`,
      );
    return cidr;
  });
}

/** Origins as browsers send them: scheme://host[:port], nothing more; or '*'. */
export function origins(text: string, name: OptionName = 'cors-origins'): string[] {
  return list(text).map((item) => {
    let origin: string | null = null;
    try {
      origin = item === '*' ? '*' : new URL(item).origin;
    } catch {
      // Reported below.
    }
    if (origin === null || origin === 'null' || (origin !== item && `${origin}/` !== item)) {
      throw new ConfigError(
        `--${name} (${OPTIONS[name].env}): "${item.slice(0, 80)}" is not an origin like https://app.example:8443 (or '*')`,
      );
    }
    return origin;
  });
}

export function allowedHosts(text: string): (HostPattern | '*')[] {
  return list(text).map((item) => {
    const pattern = item === '*' ? '*' : parseHostPattern(item);
    if (pattern === null) {
      throw new ConfigError(
        `--allowed-hosts (LENS_ALLOWED_HOSTS): "${item.slice(0, 80)}" is not a host name like lens.example.com, lens.example.com:8443 or .example.com (or '*')`,
      );
    }
    return pattern;
  });
}

/** CSP frame-ancestors sources: none, or 'self' and origins. */
export function frameAncestors(text: string): string[] {
  if (text.trim() === 'none') return [];
  const sources = list(text).filter((item) => item !== 'self' && item !== "'self'");
  const self = sources.length < list(text).length ? ["'self'"] : [];
  if (sources.includes('*'))
    throw new ConfigError(
      "--frame-ancestors (LENS_FRAME_ANCESTORS): '*' would let any site frame the page; list origins, 'self' or none",
    );
  return [...self, ...origins(sources.join(','), 'frame-ancestors')];
}

/** --broker-use-ssl: Celery's broker_use_ssl, `true`/`false` or a JSON object of its keys; null when empty. */
export function brokerUseSsl(text: string): boolean | Record<string, unknown> | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (/^(true|1|yes)$/i.test(trimmed)) return true;
  if (/^(false|0|no)$/i.test(trimmed)) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(
      `--broker-use-ssl (LENS_BROKER_USE_SSL) must be true or a JSON object such as {"cert_reqs": "CERT_REQUIRED"}, got "${trimmed.slice(0, 100)}"`,
    );
  return value as Record<string, unknown>;
}
