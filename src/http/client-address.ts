/**
 * The address a request comes from. The peer's address, unless the peer is
 * a proxy listed in --trust-proxy: then X-Forwarded-For is read from the
 * right (the hop the trusted proxy itself added) past every trusted hop, and
 * the first untrusted one is the client. Entries left of it were written by
 * the client and are never believed.
 */
import { BlockList, isIP } from 'node:net';

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `::1`, `fd00::/8` → a Cidr; null when it is not one. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  return prefix <= bits ? { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' } : null;
}

/** Node reports IPv4 peers of a dual-stack socket as `::ffff:a.b.c.d`. */
function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export type TrustCheck = (address: string) => boolean;

export function trustChecker(cidrs: readonly Cidr[]): TrustCheck | null {
  if (cidrs.length === 0) return null;
  const list = new BlockList();
  for (const cidr of cidrs) list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  return (address) => {
    const version = isIP(address);
    return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
}

interface NodeRequest {
  readonly socket?: { readonly remoteAddress?: string };
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
}

export function clientAddress(req: NodeRequest | undefined, trusted: TrustCheck | null): string {
  let address = plain(req?.socket?.remoteAddress ?? 'unknown');
  if (!trusted || !trusted(address)) return address;
  const header = req?.headers?.['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = plain((hops[index] ?? '').trim());
    if (hop === '') break;
    address = hop;
    if (!trusted(hop)) break;
  }
  return address;
}
