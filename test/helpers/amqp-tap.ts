/**
 * A TCP proxy in front of RabbitMQ that records every basic.publish a client
 * sends, as bytes: the method's exchange and routing key, the content
 * header's property flags and list exactly as encoded, and the body. Tests
 * point Celery (py-amqp) and celery-lens at it and compare what each wrote.
 */
import { type Socket, connect, createServer } from 'node:net';
import { RABBITMQ_PORT } from './rabbitmq.ts';

export interface TappedPublish {
  readonly exchange: string;
  readonly routingKey: string;
  /** The content header's property flags and property list, as sent. */
  readonly properties: Buffer;
  readonly body: Buffer;
}

export interface AmqpTap {
  readonly port: number;
  readonly publishes: TappedPublish[];
  close(): Promise<void>;
}

const FRAME_END = 0xce;
const [METHOD, HEADER, BODY] = [1, 2, 3];
const [BASIC, PUBLISH] = [60, 40];

function shortString(buffer: Buffer, at: number): [string, number] {
  const length = buffer.readUInt8(at);
  return [buffer.toString('utf8', at + 1, at + 1 + length), at + 1 + length];
}

/** Follows the client's frames; calls `onPublish` for each complete publish. */
function frameReader(onPublish: (publish: TappedPublish) => void) {
  let pending = Buffer.alloc(0);
  let headerSeen = false;
  const open = new Map<
    number,
    { exchange: string; routingKey: string; properties?: Buffer; size?: bigint; body: Buffer[] }
  >();
  return (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    if (!headerSeen) {
      if (pending.length < 8) return;
      pending = pending.subarray(8); // "AMQP\0\0\9\1"
      headerSeen = true;
    }
    while (pending.length >= 7) {
      const type = pending.readUInt8(0);
      const channel = pending.readUInt16BE(1);
      const size = pending.readUInt32BE(3);
      if (pending.length < 7 + size + 1) return;
      const payload = pending.subarray(7, 7 + size);
      if (pending[7 + size] !== FRAME_END) throw new Error('amqp-tap: lost the frame boundary');
      pending = pending.subarray(8 + size);
      if (type === METHOD && payload.readUInt16BE(0) === BASIC && payload.readUInt16BE(2) === PUBLISH) {
        const [exchange, at] = shortString(payload, 6);
        const [routingKey] = shortString(payload, at);
        open.set(channel, { exchange, routingKey, body: [] });
      } else if (type === HEADER && open.has(channel)) {
        const publish = open.get(channel) as NonNullable<ReturnType<typeof open.get>>;
        publish.size = payload.readBigUInt64BE(4);
        publish.properties = Buffer.from(payload.subarray(12));
      } else if (type === BODY && open.has(channel)) {
        open.get(channel)?.body.push(Buffer.from(payload));
      } else continue;
      const publish = open.get(channel);
      if (publish?.properties && BigInt(Buffer.concat(publish.body).length) === publish.size) {
        open.delete(channel);
        onPublish({
          exchange: publish.exchange,
          routingKey: publish.routingKey,
          properties: publish.properties,
          body: Buffer.concat(publish.body),
        });
      }
    }
  };
}

/** @param port where to listen: 0 for a free port, or a closed tap's port to bring the "broker" back. */
export async function startAmqpTap(port = 0, upstreamPort = RABBITMQ_PORT): Promise<AmqpTap> {
  const publishes: TappedPublish[] = [];
  const sockets = new Set<Socket>();
  let closing = false;
  const server = createServer((client) => {
    if (closing) {
      client.destroy();
      return;
    }
    const upstream = connect({ port: upstreamPort, host: '127.0.0.1' });
    sockets.add(client).add(upstream);
    const read = frameReader((publish) => publishes.push(publish));
    client.on('data', (chunk: Buffer) => {
      read(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('amqp-tap: no port');
  return {
    port: address.port,
    publishes,
    close: () =>
      new Promise((resolve) => {
        closing = true;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The basic properties of a tapped publish, each as its raw bytes (the headers table included, undecoded). */
export interface TappedProperties {
  readonly flags: number;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly headers?: Buffer;
  readonly deliveryMode?: number;
  readonly priority?: number;
  readonly correlationId?: string;
  readonly replyTo?: string;
  readonly expiration?: string;
}

/** Splits a content header's property list by its flags (AMQP 0-9-1 basic class, in the spec's order). */
export function splitProperties(bytes: Buffer): TappedProperties {
  const flags = bytes.readUInt16BE(0);
  let at = 2;
  const out: Record<string, unknown> = { flags };
  const short = () => {
    const [text, next] = shortString(bytes, at);
    at = next;
    return text;
  };
  if (flags & 0x8000) out.contentType = short();
  if (flags & 0x4000) out.contentEncoding = short();
  if (flags & 0x2000) {
    const length = bytes.readUInt32BE(at);
    out.headers = bytes.subarray(at, at + 4 + length);
    at += 4 + length;
  }
  if (flags & 0x1000) out.deliveryMode = bytes.readUInt8(at++);
  if (flags & 0x0800) out.priority = bytes.readUInt8(at++);
  if (flags & 0x0400) out.correlationId = short();
  if (flags & 0x0200) out.replyTo = short();
  if (flags & 0x0100) out.expiration = short();
  return out as unknown as TappedProperties;
}
