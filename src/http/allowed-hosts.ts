/**
 * Which names a request may call this server by (its Host header): a defence
 * against DNS rebinding. A page on attacker.example whose name the attacker
 * points at 127.0.0.1 is same-origin with anything listening there, so the
 * browser lets it read the answers; only the Host it sends still names the
 * attacker's site. A rebinding needs a name the attacker controls, so IP
 * addresses and `localhost` are always allowed; any other name only when
 * listed in --allowed-hosts (or as the listen address, or a --cors-origins
 * host). Ports do not count unless an entry names one: a published container
 * port, an SSH tunnel or a proxy changes the port clients see, never the name.
 */
import { isIP } from 'node:net';

/** A host name as a pattern: `name` or `.domain` (the domain and its subdomains), and a port or any. */
export interface HostPattern {
  readonly name: string;
  readonly subdomains: boolean;
  readonly port: number | null;
}

/** `name[:port]`, `[ipv6][:port]`, lower case, one trailing dot dropped; null when it is not a host. */
export function splitHost(text: string): { readonly name: string; readonly port: number | null } | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/i.exec(text.trim());
  if (!match) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && port > 65535) return null;
  const name = match[1]!.toLowerCase().replace(/(?<=.)\.$/, '');
  if (name.startsWith('[') && isIP(name.slice(1, -1)) !== 6) return null;
  return { name, port };
}

/** One --allowed-hosts entry (`lens.example.com`, `.example.com`, `lens.example.com:8443`); null when it is not one. */
export function parseHostPattern(text: string): HostPattern | null {
  const subdomains = text.trim().startsWith('.');
  const host = splitHost(subdomains ? text.trim().slice(1) : text);
  if (!host || host.name === '' || host.name.startsWith('.') || host.name.includes('..')) return null;
  return { name: host.name, subdomains, port: host.port };
}

/** A literal IPv4 or IPv6 address, as a Host names it (IPv6 in brackets). */
function isAddress(name: string): boolean {
  return name.startsWith('[') ? isIP(name.slice(1, -1)) === 6 : isIP(name) === 4;
}

/** An unspecified address: the server listens on every interface. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '[::]' || address === '';
}

export interface HostAllowlistOptions {
  /** --allowed-hosts; `*` allows any Host. */
  readonly allowedHosts: readonly (HostPattern | '*')[];
  /** --host: a name (not an address) there is allowed too. */
  readonly host: string;
  /** --cors-origins: their hosts are allowed (a proxy may serve the app and the API under one name). */
  readonly corsOrigins: readonly string[];
}

export class HostAllowlist {
  /** Whether every Host is allowed (--allowed-hosts '*'). */
  readonly any: boolean;
  private readonly patterns: readonly HostPattern[];

  constructor({ allowedHosts, host, corsOrigins }: HostAllowlistOptions) {
    this.any = allowedHosts.includes('*');
    const named = [host, ...corsOrigins.filter((origin) => origin !== '*').map((origin) => new URL(origin).host)];
    this.patterns = [
      ...allowedHosts.filter((entry): entry is HostPattern => entry !== '*'),
      ...named.flatMap((text) => {
        const pattern = isWildcard(text) ? null : parseHostPattern(text);
        return pattern ? [{ ...pattern, port: null }] : [];
      }),
    ];
  }

  /** Whether a request naming `host` (its Host header) is answered. No Host (HTTP/1.0) is not a browser's. */
  allows(host: string | undefined | null): boolean {
    if (host === undefined || host === null || this.any) return true;
    const parsed = splitHost(host);
    if (!parsed) return false;
    const { name, port } = parsed;
    if (isAddress(name) || name === 'localhost') return true;
    return this.patterns.some(
      (pattern) =>
        (name === pattern.name || (pattern.subdomains && name.endsWith(`.${pattern.name}`))) &&
        (pattern.port === null || pattern.port === port),
    );
  }
}

/** The answer to a Host that is not allowed: 421 Misdirected Request, with a code like every other refusal. */
export function hostRefusal(host: string | undefined): { readonly status: 421; readonly body: string } {
  const message =
    `Host "${(host ?? '').slice(0, 100)}" is not allowed: celery-lens answers requests to localhost, IP addresses ` +
    'and the names in --allowed-hosts (LENS_ALLOWED_HOSTS), against DNS rebinding';
  return { status: 421, body: JSON.stringify({ errors: [{ message, extensions: { code: 'HOST_NOT_ALLOWED' } }] }) };
}
