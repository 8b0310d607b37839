import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../../src/redis/redis-url.ts';
import { ConfigError } from '../../src/errors/config-error.ts';

describe('parseRedisUrl (Celery result_backend forms)', () => {
  it('reads redis://[user:password@]host:port/db', () => {
    const target = parseRedisUrl('redis://lens:s%40cret@cache.internal:6380/3');
    expect(target).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      db: 3,
      username: 'lens',
      password: 's@cret',
      tls: null,
    });
    expect(target.redacted).toBe('redis://lens:***@cache.internal:6380/3');
    expect(target.redacted).not.toContain('cret');
  });

  it("defaults like Celery's: localhost, 6379, db 0, password-only URLs", () => {
    expect(parseRedisUrl('redis://')).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
    expect(parseRedisUrl('redis://:pw@h')).toMatchObject({ host: 'h', username: null, password: 'pw', db: 0 });
  });

  it('reads rediss:// with ssl_cert_reqs and certificate paths', () => {
    const target = parseRedisUrl('rediss://h:6390/1?ssl_cert_reqs=CERT_NONE&ssl_ca_certs=/etc/ca.pem');
    expect(target.tls).toEqual({ verify: 'none', caFile: '/etc/ca.pem', certFile: null, keyFile: null });
    expect(parseRedisUrl('rediss://h').tls?.verify).toBe('required');
    expect(() => parseRedisUrl('rediss://h?ssl_cert_reqs=sometimes')).toThrow(ConfigError);
  });

  it('refuses ssl parameters on redis://, as Celery does', () => {
    expect(() => parseRedisUrl('redis://h?ssl_cert_reqs=required')).toThrow(/use rediss/);
  });

  it('reads unix sockets: redis+socket://, socket:// and unix:// with ?virtual_host= or ?db=', () => {
    expect(parseRedisUrl('redis+socket:///run/redis.sock?virtual_host=2')).toMatchObject({
      path: '/run/redis.sock',
      db: 2,
      host: null,
    });
    expect(parseRedisUrl('socket:///run/redis.sock')).toMatchObject({ path: '/run/redis.sock', db: 0 });
    expect(parseRedisUrl('unix:///run/redis.sock?db=5')).toMatchObject({ path: '/run/redis.sock', db: 5 });
  });

  it("reads Celery's sentinel form: several sentinel:// URLs separated by ;", () => {
    const target = parseRedisUrl('sentinel://:s3cret@s1:26379/2;sentinel://:s3cret@s2:26380/2;sentinel://s3');
    expect(target).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
        { host: 's3', port: 26379 },
      ],
      db: 2,
      password: 's3cret',
      host: null,
    });
    expect(target.redacted).not.toContain('s3cret');
  });

  it('rejects other schemes and bad databases with a clear message', () => {
    expect(() => parseRedisUrl('amqp://guest@localhost//')).toThrow(/unsupported backend URL scheme "amqp:"/);
    expect(() => parseRedisUrl('redis://h/x')).toThrow(/bad database number "x"/);
    expect(() => parseRedisUrl('not a url')).toThrow(/not a URL/);
  });
});
