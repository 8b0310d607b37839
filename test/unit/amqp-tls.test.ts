/**
 * broker_use_ssl as amqplib (and Node's tls.connect under it) is given it:
 * each of Celery's keys lands on the socket option that does the same.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { socketOptions } from '../../src/broker/amqp/amqp-connection.ts';
import { parseAmqpUrl } from '../../src/broker/amqp/amqp-url.ts';

const dir = mkdtempSync(join(tmpdir(), 'lens-amqp-tls-'));
const file = (name: string) => {
  const path = join(dir, name);
  writeFileSync(path, `-----BEGIN ${name}-----\n`);
  return path;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('socketOptions (broker_use_ssl to the TLS socket)', () => {
  it('reads ca_certs, certfile and keyfile into ca, cert and key; server_hostname is the SNI name', () => {
    const target = parseAmqpUrl('amqps://rabbit.internal//', {
      cert_reqs: 'CERT_REQUIRED',
      ca_certs: file('ca.pem'),
      certfile: file('cert.pem'),
      keyfile: file('key.pem'),
      server_hostname: 'rabbit.example.com',
    });
    const options = socketOptions(target, 'celery-lens', 5000);
    expect(options).toMatchObject({
      rejectUnauthorized: true,
      servername: 'rabbit.example.com',
      timeout: 5000,
      clientProperties: { connection_name: 'celery-lens', product: 'celery-lens' },
    });
    expect(String(options.ca)).toContain('BEGIN ca.pem');
    expect(String(options.cert)).toContain('BEGIN cert.pem');
    expect(String(options.key)).toContain('BEGIN key.pem');
  });

  it('checks the certificate unless CERT_NONE (a server always shows one: CERT_OPTIONAL checks it), SNI the host by default', () => {
    const verify = (reqs: string) =>
      socketOptions(parseAmqpUrl('amqps://rabbit', { cert_reqs: reqs }), 'n', 1000).rejectUnauthorized;
    expect([verify('CERT_REQUIRED'), verify('CERT_OPTIONAL'), verify('CERT_NONE')]).toEqual([true, true, false]);
    const defaults = socketOptions(parseAmqpUrl('amqps://rabbit'), 'n', 1000);
    expect(defaults).toMatchObject({ rejectUnauthorized: true, servername: 'rabbit' });
    // Node's own CA bundle, as Python's default context uses the system's.
    expect(defaults.ca).toBeUndefined();
  });

  it('sets no TLS option on a plain amqp:// target, and fails at once on a missing file', () => {
    const plain = socketOptions(parseAmqpUrl('amqp://rabbit'), 'n', 1000);
    expect(Object.keys(plain).sort()).toEqual(['clientProperties', 'noDelay', 'timeout']);
    const missing = parseAmqpUrl('amqps://rabbit', { ca_certs: join(dir, 'absent.pem') });
    expect(() => socketOptions(missing, 'n', 1000)).toThrow(/ENOENT/);
  });
});
