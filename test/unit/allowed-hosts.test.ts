import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { HostAllowlist, splitHost } from '../../src/http/allowed-hosts.ts';
import { acceptedEncodings } from '../../src/http/static-file.ts';

const allowlist = (flags: string[]) => new HostAllowlist(loadConfig(flags, {}));

describe('--allowed-hosts', () => {
  it('takes names, name:port, .domain and *; anything else is a coded config error naming the option', () => {
    expect(loadConfig([], {}).allowedHosts).toEqual([]);
    expect(
      loadConfig(['--allowed-hosts', 'Lens.Example.com, .corp.example, pinned.example:8443,[::1]'], {}).allowedHosts,
    ).toEqual([
      { name: 'lens.example.com', subdomains: false, port: null },
      { name: 'corp.example', subdomains: true, port: null },
      { name: 'pinned.example', subdomains: false, port: 8443 },
      { name: '[::1]', subdomains: false, port: null },
    ]);
    expect(loadConfig([], { LENS_ALLOWED_HOSTS: '*' }).allowedHosts).toEqual(['*']);
    for (const bad of [
      'https://lens.example.com',
      'lens.example.com/x',
      'a@b',
      'lens:99999',
      '..x',
      '.',
      'a..b',
      '[nope]',
      'a b',
    ]) {
      expect(() => loadConfig(['--allowed-hosts', bad], {}), bad).toThrow(
        /^--allowed-hosts \(LENS_ALLOWED_HOSTS\): ".*" is not a host name like lens\.example\.com/,
      );
    }
  });

  it('allows localhost and IP addresses always; names only when listed, as --host, or as a --cors-origins host', () => {
    const byDefault = allowlist([]);
    for (const host of [
      'localhost',
      'localhost:4000',
      'LOCALHOST.:1',
      '127.0.0.1:4000',
      '10.0.0.7',
      '[::1]:4000',
      '[fe80::1]',
      undefined,
    ]) {
      expect([host, byDefault.allows(host)]).toEqual([host, true]);
    }
    for (const host of [
      'attacker.example',
      'attacker.example:4000',
      'localhost.attacker.example',
      '127.0.0.1.nip.io',
      '::1',
      '[::g]',
      '0x7f.1',
      '',
      'a/b',
      'u@127.0.0.1',
    ]) {
      expect([host, byDefault.allows(host)]).toEqual([host, false]);
    }
    const named = allowlist(['--host', 'lens.internal', '--cors-origins', 'https://app.example:8443']);
    expect(['lens.internal:4000', 'app.example', 'app.example:9999'].map((host) => named.allows(host))).toEqual([
      true,
      true,
      true,
    ]);
    expect(named.allows('other.internal')).toBe(false);
    // A wildcard listen address names no host.
    expect(allowlist(['--host', '0.0.0.0']).allows('0.0.0.0.example')).toBe(false);
    expect(allowlist(['--allowed-hosts', '*']).allows('attacker.example')).toBe(true);
  });

  it('splits a Host header as browsers write it', () => {
    expect(splitHost('Lens.Example.com.:8080')).toEqual({ name: 'lens.example.com', port: 8080 });
    expect(splitHost('[::1]')).toEqual({ name: '[::1]', port: null });
    expect(splitHost('host:65536')).toBeNull();
  });
});

describe('--frame-ancestors', () => {
  it("none by default; 'self' and origins otherwise; '*' and non-origins refused", () => {
    expect(loadConfig([], {}).frameAncestors).toEqual([]);
    expect(loadConfig(['--frame-ancestors', 'self'], {}).frameAncestors).toEqual(["'self'"]);
    expect(loadConfig([], { LENS_FRAME_ANCESTORS: "https://portal.example, 'self'" }).frameAncestors).toEqual([
      "'self'",
      'https://portal.example',
    ]);
    expect(() => loadConfig(['--frame-ancestors', '*'], {})).toThrow(
      /--frame-ancestors \(LENS_FRAME_ANCESTORS\): '\*' would let any site frame/,
    );
    expect(() => loadConfig(['--frame-ancestors', 'portal.example'], {})).toThrow(
      /--frame-ancestors \(LENS_FRAME_ANCESTORS\): "portal.example" is not an origin/,
    );
    expect(() => loadConfig(['--frame-ancestors', 'none,self'], {})).toThrow(/"none" is not an origin/);
  });
});

describe('Accept-Encoding', () => {
  it('orders the accepted encodings by q, brotli first on a tie, none when neither is accepted', () => {
    expect(acceptedEncodings('gzip, deflate, br')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('gzip;q=1.0, br;q=0.8')).toEqual(['gzip', 'br']);
    expect(acceptedEncodings('br;q=0, *')).toEqual(['gzip']);
    expect(acceptedEncodings('X-GZIP')).toEqual(['gzip']);
    expect(acceptedEncodings('identity, deflate')).toEqual([]);
    expect(acceptedEncodings('br;q=abc')).toEqual([]);
    expect(acceptedEncodings(null)).toEqual([]);
  });
});
