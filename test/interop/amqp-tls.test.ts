/**
 * amqps:// with broker_use_ssl's options, end to end, without reconfiguring
 * the machine's RabbitMQ: a TLS terminator of this file's own (Node's tls
 * server, a self-signed certificate made with openssl, asking for a client
 * certificate) in front of RabbitMQ's plain port. What is checked is ours:
 * that the options reach the TLS socket and that a certificate the options
 * do not trust keeps the connection down, saying why.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Server, type TLSSocket, createServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpConnection } from '../../src/broker/amqp/amqp-connection.ts';
import { parseAmqpUrl } from '../../src/broker/amqp/amqp-url.ts';
import { ensureDebianPackages, runs } from '../helpers/debian.ts';
import { RABBITMQ_PORT, type Vhost, createVhost } from '../helpers/rabbitmq.ts';
import { until } from '../helpers/until.ts';

const NAME = 'rabbit.lens.test'; // the certificate's only name
let dir: string;
let vhost: Vhost;
let server: Server;
let port: number;
/** The client certificate each accepted TLS connection showed (its subject CN), or null. */
const clients: (string | null)[] = [];
const leftovers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  ensureDebianPackages(() => runs('openssl', ['version']), ['openssl']);
  dir = mkdtempSync(join(tmpdir(), 'lens-amqps-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${NAME}`,
      '-addext',
      `subjectAltName=DNS:${NAME}`,
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const [key, cert] = [readFileSync(join(dir, 'key.pem')), readFileSync(join(dir, 'cert.pem'))];
  vhost = await createVhost();
  // The same certificate serves as the client's: the terminator trusts it and asks for it, not requiring it.
  server = createServer(
    { key, cert, ca: [cert], requestCert: true, rejectUnauthorized: false },
    (socket: TLSSocket) => {
      const peer = socket.getPeerCertificate();
      clients.push(socket.authorized && peer.subject ? String(peer.subject.CN) : null);
      const upstream = netConnect(RABBITMQ_PORT, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
}, 60_000);
afterAll(async () => {
  for (const dispose of leftovers.reverse()) await dispose().catch(() => {});
  await new Promise((resolve) => server?.close(resolve));
  await vhost?.delete();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function connection(useSsl: Record<string, unknown>) {
  const url = `amqps://guest:guest@127.0.0.1:${port}/${encodeURIComponent(vhost.name)}`;
  const opened = new AmqpConnection(parseAmqpUrl(url, useSsl), { connectionName: 'celery-lens-tls', timeoutMs: 3000 });
  leftovers.push(() => opened.close());
  return opened;
}

describe('amqps:// through a TLS listener', () => {
  it('connects with ca_certs and server_hostname, showing certfile/keyfile, and works', async () => {
    const tls = connection({
      cert_reqs: 'CERT_REQUIRED',
      ca_certs: join(dir, 'cert.pem'),
      certfile: join(dir, 'cert.pem'),
      keyfile: join(dir, 'key.pem'),
      server_hostname: NAME,
    });
    await tls.start();
    await until(() => tls.up, 10_000);
    const declared = await tls.withChannel(
      (channel) => channel.assertQueue('amqps-probe', { durable: false }),
      'declare',
    );
    expect(declared.queue).toBe('amqps-probe');
    expect(clients.at(-1)).toBe(NAME);
  });

  it('stays down, saying why, when the certificate is not trusted or not for that name; CERT_NONE connects', async () => {
    const untrusted = connection({ cert_reqs: 'CERT_REQUIRED', server_hostname: NAME });
    const wrongName = connection({ ca_certs: join(dir, 'cert.pem'), server_hostname: 'elsewhere.test' });
    await Promise.all([untrusted.start(), wrongName.start()]);
    await until(
      () => /certificate/i.test(untrusted.reason ?? '') && /altnames|elsewhere/i.test(wrongName.reason ?? ''),
      10_000,
    );
    expect([untrusted.up, wrongName.up]).toEqual([false, false]);
    // Closed before the next: their retries would otherwise reach the terminator meanwhile.
    await Promise.all([untrusted.close(), wrongName.close()]);
    const unchecked = connection({ cert_reqs: 'CERT_NONE' });
    await unchecked.start();
    await until(() => unchecked.up, 10_000);
    // No certfile: no client certificate shown.
    expect(clients.at(-1)).toBeNull();
  });
});
