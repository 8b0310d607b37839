import { describe, expect, it } from 'vitest';
import { isAmqpUrl, parseAmqpUrl, parseBrokerApi } from '../../src/broker/amqp/amqp-url.ts';
import { loadConfig } from '../../src/config/config.ts';
import { ConfigError } from '../../src/errors/config-error.ts';

describe('parseAmqpUrl (Celery broker_url forms for RabbitMQ)', () => {
  it('reads amqp://user:password@host:port/vhost, the password redacted', () => {
    const target = parseAmqpUrl('amqp://lens:s%40cret@rabbit.internal:5673/prod');
    expect(target).toMatchObject({
      kind: 'amqp',
      host: 'rabbit.internal',
      port: 5673,
      vhost: 'prod',
      username: 'lens',
      password: 's@cret',
      tls: null,
      heartbeatSeconds: null,
    });
    expect(target.redacted).toBe('amqp://lens:***@rabbit.internal:5673/prod');
  });

  it('names the default vhost / as Celery does: `//`, `/%2F`, `/` and no path', () => {
    for (const url of ['amqp://guest@localhost//', 'amqp://h/%2F', 'amqp://h/%2f', 'amqp://h/', 'amqp://h']) {
      expect(parseAmqpUrl(url).vhost, url).toBe('/');
    }
    expect(parseAmqpUrl('amqp://h/a%2Fb').vhost).toBe('a/b');
  });

  it("defaults like kombu's: guest/guest, localhost, 5672 (5671 with TLS)", () => {
    expect(parseAmqpUrl('amqp://')).toMatchObject({
      host: 'localhost',
      port: 5672,
      username: 'guest',
      password: 'guest',
    });
    expect(parseAmqpUrl('amqps://h').port).toBe(5671);
    expect(parseAmqpUrl('pyamqp://u:p@h//')).toMatchObject({
      host: 'h',
      username: 'u',
      password: 'p',
      vhost: '/',
      tls: null,
    });
  });

  it('takes TLS from amqps://, pyamqps://, ?ssl=true and --broker-use-ssl, with broker_use_ssl keys', () => {
    expect(parseAmqpUrl('amqps://h').tls).toEqual({
      verify: 'required',
      caFile: null,
      certFile: null,
      keyFile: null,
      serverName: null,
    });
    expect(parseAmqpUrl('pyamqps://h').tls?.verify).toBe('required');
    expect(parseAmqpUrl('amqp://h?ssl=true').tls).not.toBeNull();
    const target = parseAmqpUrl('amqp://h', {
      cert_reqs: 'CERT_NONE',
      ca_certs: '/ca.pem',
      certfile: '/c.pem',
      keyfile: '/k.pem',
    });
    expect(target.tls).toEqual({
      verify: 'none',
      caFile: '/ca.pem',
      certFile: '/c.pem',
      keyFile: '/k.pem',
      serverName: null,
    });
    expect(target.port).toBe(5671);
    // The URL's ssl_<key> wins over --broker-use-ssl, as a query parameter is the more specific.
    expect(parseAmqpUrl('amqps://h?ssl_cert_reqs=CERT_OPTIONAL', { cert_reqs: 'CERT_NONE' }).tls?.verify).toBe(
      'optional',
    );
    expect(parseAmqpUrl('amqps://h', { cert_reqs: 2 }).tls?.verify).toBe('required');
  });

  it('refuses what Celery would not take', () => {
    expect(() => parseAmqpUrl('amqp://h?ssl_ca_certs=/ca.pem')).toThrow(/use amqps/);
    expect(() => parseAmqpUrl('amqps://h', { verify: true })).toThrow(ConfigError);
    expect(() => parseAmqpUrl('amqps://h?ssl_cert_reqs=sometimes')).toThrow(ConfigError);
    expect(() => parseAmqpUrl('amqp://h?heartbeat=soon')).toThrow(ConfigError);
    expect(() => parseAmqpUrl('redis://h')).toThrow(ConfigError);
    expect(() => parseAmqpUrl('not a url')).toThrow(ConfigError);
  });

  it('reads the heartbeat, and tells AMQP URLs from others', () => {
    expect(parseAmqpUrl('amqp://h?heartbeat=30').heartbeatSeconds).toBe(30);
    expect(['amqp://h', 'AMQPS://h', 'pyamqp://h', 'pyamqps://h'].every(isAmqpUrl)).toBe(true);
    expect(['redis://h', 'rediss://h', 'sentinel://h', 'amqp', ''].some(isAmqpUrl)).toBe(false);
  });
});

describe("parseBrokerApi (--broker-api, Flower's management API URL)", () => {
  const broker = parseAmqpUrl('amqp://lens:s3cret@rabbit/prod');

  it("takes the URL's credentials, else the broker URL's, and keeps them out of the base and the redacted form", () => {
    expect(parseBrokerApi('http://admin:p%40ss@rabbit:15672/api/', broker)).toEqual({
      base: 'http://rabbit:15672/api/',
      username: 'admin',
      password: 'p@ss',
      redacted: 'http://admin:***@rabbit:15672/api/',
    });
    expect(parseBrokerApi('https://rabbit:15671/api/', broker)).toMatchObject({
      base: 'https://rabbit:15671/api/',
      username: 'lens',
      password: 's3cret',
    });
  });

  it("gives a bare host Flower's /api/ path, and a path without its slash one", () => {
    expect(parseBrokerApi('http://rabbit:15672', broker).base).toBe('http://rabbit:15672/api/');
    expect(parseBrokerApi('http://proxy/rabbitmq/api', broker).base).toBe('http://proxy/rabbitmq/api/');
  });

  it('refuses what is no management API URL, and --broker-api beside a Redis broker', () => {
    expect(() => parseBrokerApi('amqp://rabbit', broker)).toThrow(ConfigError);
    expect(() => parseBrokerApi('http://rabbit/api/?x=1', broker)).toThrow(ConfigError);
    expect(() => parseBrokerApi('rabbit:15672', broker)).toThrow(ConfigError);
    expect(() => loadConfig(['--broker', 'redis://h/1', '--broker-api', 'http://h:15672/api/'], {})).toThrow(
      /RabbitMQ broker/,
    );
    expect(loadConfig(['--broker', 'amqp://h//'], { FLOWER_BROKER_API: 'http://h:15672/' }).brokerApi?.base).toBe(
      'http://h:15672/api/',
    );
  });
});
