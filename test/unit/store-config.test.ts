/** --store (LENS_STORE): parsed as the backend's URLs, null when it names the backend; the ACL rules it implies. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { aclRule, storeAclRule } from '../../src/redis/acl.ts';

describe('--store', () => {
  it('is the backend by default, and when it names the backend itself', () => {
    expect(loadConfig([], {}).store).toBeNull();
    expect(loadConfig(['--backend', 'redis://r:6379/2', '--store', 'redis://r:6379/2'], {}).store).toBeNull();
  });

  it('takes the backend URL forms, from the flag or LENS_STORE', () => {
    expect(loadConfig(['--store', 'rediss://:pw@lens:6380/3'], {}).store).toMatchObject({
      host: 'lens',
      port: 6380,
      db: 3,
      password: 'pw',
      tls: { verify: 'required' },
      redacted: 'rediss://:***@lens:6380/3',
    });
    expect(loadConfig([], { LENS_STORE: 'unix:///run/lens.sock?db=1' }).store).toMatchObject({
      path: '/run/lens.sock',
      db: 1,
    });
    // Another db of the backend's server is apart too: nothing is written to the backend's db.
    expect(loadConfig(['--store', 'redis://localhost:6379/1'], {}).store).toMatchObject({ db: 1 });
    expect(() => loadConfig(['--store', 'sentinel://s:26379'], {})).toThrow(/--sentinel-master/);
    expect(() => loadConfig(['--store', 'http://x'], {})).toThrow(/unsupported/);
  });

  it("gives the backend's rule no key or channel of celery-lens', and the store's nothing of Celery's", () => {
    const config = loadConfig(['--store', 'redis://lens:6379/0'], {});
    const backend = aclRule(config, 'u', 'p');
    expect(backend.filter((word) => word.includes('celery-lens'))).toEqual([]);
    expect(backend).not.toContain('+hset');
    expect(backend).not.toContain('+publish');
    expect(backend).toContain('%R~celery-task-meta-*');
    const store = storeAclRule(config, 'u', 'p');
    expect(store.filter((word) => /^[%~&]/.test(word))).toEqual(['~celery-lens:*', '&celery-lens:*']);
    expect(store).toContain('+evalsha');
    const control = aclRule(loadConfig(['--store', 'redis://lens:6379/0', '--control', 'true'], {}), 'u', 'p');
    expect(control).toContain('+publish');
    // The one rule of a store on the backend is as before: its own keys too.
    expect(aclRule(loadConfig([], {}), 'u', 'p')).toContain('~celery-lens:*');
  });
});

describe('--store redis+cluster://', () => {
  it('reads the startup nodes, credentials and TLS parameters, redacted', () => {
    const store = loadConfig(['--store', 'redis+cluster://lens:s%40cret@a:7000,b:7001,[::1]'], {}).store;
    expect(store).toMatchObject({
      cluster: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
        { host: '::1', port: 6379 },
      ],
      username: 'lens',
      password: 's@cret',
      tls: null,
      redacted: 'redis+cluster://lens:***@a:7000,b:7001,[::1]',
    });
    expect(loadConfig(['--store', 'rediss+cluster://a:7000,b:7001?ssl_cert_reqs=CERT_NONE'], {}).store).toMatchObject({
      cluster: [{ host: 'a' }, { host: 'b' }],
      tls: { verify: 'none' },
    });
  });

  it("gives the store's rule what the Cluster client asks each node", () => {
    const rule = storeAclRule(loadConfig(['--store', 'redis+cluster://a:7000,b:7001'], {}), 'u', 'p');
    expect(rule).toEqual(expect.arrayContaining(['+cluster|slots', '+cluster|info']));
    expect(storeAclRule(loadConfig(['--store', 'redis://a:7000'], {}), 'u', 'p')).not.toContain('+cluster|slots');
  });

  it('refuses a db other than 0 and a node that is not host:port', () => {
    expect(() => loadConfig(['--store', 'redis+cluster://a:7000,b:7001/2'], {})).toThrow(/only db 0/);
    expect(() => loadConfig(['--store', 'redis+cluster://a:7000,b:x'], {})).toThrow(/bad node "b:x"/);
  });
});
