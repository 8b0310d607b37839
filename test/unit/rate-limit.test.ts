import { describe, expect, it } from 'vitest';
import { clientAddress, parseCidr, trustChecker } from '../../src/http/client-address.ts';
import { TokenBuckets } from '../../src/plugins/token-buckets.ts';

describe('TokenBuckets', () => {
  it('allows a burst of capacity, then refills continuously at capacity per window', () => {
    let now = 0;
    const buckets = new TokenBuckets(4, 2, 100, () => now); // 4 per 2 s: one every 500 ms
    expect([1, 2, 3, 4].map(() => buckets.take('a').remaining)).toEqual([3, 2, 1, 0]);
    expect(buckets.take('a')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    expect(buckets.take('b').allowed).toBe(true);
    now = 499;
    expect(buckets.take('a').allowed).toBe(false);
    now = 750; // 1.5 tokens back
    expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(false);
    now = 100_000; // never above capacity
    expect([1, 2, 3, 4, 5].map(() => buckets.take('a').allowed)).toEqual([true, true, true, true, false]);
  });

  it('rounds Retry-After up to whole seconds', () => {
    const buckets = new TokenBuckets(3, 60, 100, () => 0);
    for (let i = 0; i < 3; i += 1) buckets.take('a');
    expect(buckets.take('a').retryAfterSeconds).toBe(20);
  });

  it('stays within maxKeys: full buckets go first, then the oldest', () => {
    let now = 0;
    const buckets = new TokenBuckets(1, 1, 10, () => now);
    for (let i = 0; i < 10; i += 1) buckets.take(`k${i}`);
    now = 5000; // all refilled
    buckets.take('new');
    expect(buckets.size).toBe(1);
    for (let i = 0; i < 30; i += 1) buckets.take(`busy${i}`);
    expect(buckets.size).toBeLessThanOrEqual(10);
    // A kept busy caller is still empty.
    expect(buckets.take('busy29').allowed).toBe(false);
  });
});

describe('client address', () => {
  it('parses addresses and CIDRs, v4 and v6', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr(' ::1 ')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/8', '10.0.0.0/x', ''])
      expect(parseCidr(bad)).toBeNull();
  });

  it('reads X-Forwarded-For only behind a trusted peer, from the right', () => {
    const trusted = trustChecker([parseCidr('127.0.0.1')!, parseCidr('fd00::/8')!]);
    const req = (peer: string, xff?: string) => ({
      socket: { remoteAddress: peer },
      headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
    });
    expect(clientAddress(req('192.0.2.1', '1.1.1.1'), trusted)).toBe('192.0.2.1');
    expect(clientAddress(req('::ffff:127.0.0.1', '6.6.6.6, 1.1.1.1'), trusted)).toBe('1.1.1.1');
    expect(clientAddress(req('127.0.0.1', '1.1.1.1, fd00::2'), trusted)).toBe('1.1.1.1');
    expect(clientAddress(req('127.0.0.1'), trusted)).toBe('127.0.0.1');
    expect(clientAddress(req('127.0.0.1', '1.1.1.1'), null)).toBe('127.0.0.1');
  });
});
