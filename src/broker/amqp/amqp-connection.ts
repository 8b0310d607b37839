/**
 * One AMQP connection to RabbitMQ, kept up by amqplib's connection recovery
 * (backoff from 100 ms to `maxDelayMs`), with what the broker's parts need
 * of it:
 *
 * - `up` and `reason`, from the connection's own events, never by asking;
 * - `onConnect`: told of each new connection (the event stream declares its
 *   queue and consumes again on it);
 * - `channel()`: a channel for one operation (a passive declare, a publish).
 *   A channel error (404 on a passive declare, 403 on a refused publish)
 *   closes only that channel; the next call opens another. While the
 *   connection is down it throws BROKER_UNAVAILABLE at once instead of
 *   waiting for a reconnect, and every operation is bounded by `timeoutMs`.
 */
import { readFileSync } from 'node:fs';
import { type Channel, type ChannelModel, type ConfirmChannel, type RecoveringChannelModel, connect } from 'amqplib';
import { BrokerUnavailableError } from '../../errors/broker-unavailable-error.ts';
import type { AmqpTarget } from './amqp-url.ts';

export interface AmqpConnectionOptions {
  /** Shown by `rabbitmqctl list_connections client_properties` and the management UI. */
  readonly connectionName: string;
  /** Longest wait for one operation (connect, declare, publish confirm), in ms. @default 5_000 */
  readonly timeoutMs?: number;
  /** Longest pause between reconnect attempts, in ms. @default 5_000 */
  readonly maxDelayMs?: number;
}

/**
 * amqplib's socket options for a target (passed on to Node's tls.connect for
 * amqps): TLS as broker_use_ssl says, the connection's name. Files are read
 * here, at connect, so a missing one fails loudly then.
 */
export function socketOptions(target: AmqpTarget, name: string, timeoutMs: number) {
  const tls = target.tls;
  const file = (path: string | null) => (path === null ? undefined : readFileSync(path));
  return {
    timeout: timeoutMs,
    noDelay: true,
    clientProperties: { connection_name: name, product: 'celery-lens' },
    ...(tls
      ? {
          ca: file(tls.caFile),
          cert: file(tls.certFile),
          key: file(tls.keyFile),
          // CERT_OPTIONAL checks a certificate when one is shown: Node checks always, so only CERT_NONE skips it.
          rejectUnauthorized: tls.verify !== 'none',
          servername: tls.serverName ?? target.host,
        }
      : {}),
  };
}

/** Rejects with BROKER_UNAVAILABLE when `work` takes longer than `ms`. */
export function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BrokerUnavailableError(`no answer to ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export class AmqpConnection {
  readonly timeoutMs: number;
  #model: ChannelModel | null = null;
  #recovering: RecoveringChannelModel | null = null;
  #reason: string | null = 'not connected yet';
  #closed = false;
  readonly #onConnect: ((model: ChannelModel) => void)[] = [];
  readonly #onDisconnect: ((reason: string) => void)[] = [];

  constructor(
    readonly target: AmqpTarget,
    readonly options: AmqpConnectionOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  get up(): boolean {
    return this.#model !== null;
  }

  /** The connection now, null while down. */
  get model(): ChannelModel | null {
    return this.#model;
  }

  /** Why it is down (the last connection error), null while up. */
  get reason(): string | null {
    return this.#model === null ? this.#reason : null;
  }

  /** `fn` is called with every new connection, the current one first if up. */
  onConnect(fn: (model: ChannelModel) => void): void {
    this.#onConnect.push(fn);
    if (this.#model) fn(this.#model);
  }

  onDisconnect(fn: (reason: string) => void): void {
    this.#onDisconnect.push(fn);
  }

  /** Starts connecting; resolves at once (the connection keeps retrying by itself). */
  async start(): Promise<void> {
    const { target } = this;
    const recovering = await connect(
      {
        protocol: target.tls ? 'amqps' : 'amqp',
        hostname: target.host,
        port: target.port,
        username: target.username,
        password: target.password,
        vhost: target.vhost,
        ...(target.heartbeatSeconds === null ? {} : { heartbeat: target.heartbeatSeconds }),
      },
      {
        ...socketOptions(target, this.options.connectionName, this.timeoutMs),
        recovery: { waitForConnect: false, initialDelay: 100, maxDelay: this.options.maxDelayMs ?? 5_000 },
      },
    );
    this.#recovering = recovering;
    recovering.on('connect', (model: ChannelModel) => {
      this.#model = model;
      for (const fn of this.#onConnect) fn(model);
    });
    const down = (error: Error) => {
      this.#reason = `cannot reach RabbitMQ at ${target.host}:${target.port} (vhost ${target.vhost}): ${error.message}`;
      if (this.#model === null) return;
      this.#model = null;
      for (const fn of this.#onDisconnect) fn(this.#reason);
    };
    recovering.on('disconnect', down);
    recovering.on('connect-failed', down);
    recovering.on('error', (error: Error) => {
      this.#reason = error.message;
    });
    if (this.#closed) await recovering.close();
  }

  /** A new channel on the current connection; BROKER_UNAVAILABLE while down. Close it after use. */
  async channel(): Promise<Channel> {
    return this.#open((model) => model.createChannel());
  }

  /** A new publisher-confirm channel (a publish resolves once RabbitMQ has taken the message). */
  async confirmChannel(): Promise<ConfirmChannel> {
    return this.#open((model) => model.createConfirmChannel());
  }

  async #open<C extends Channel>(create: (model: ChannelModel) => Promise<C>): Promise<C> {
    const model = this.#model;
    if (model === null) throw new BrokerUnavailableError(this.#reason ?? 'not connected');
    const channel = await bounded(create(model), this.timeoutMs, 'channel.open').catch((error: unknown) => {
      throw error instanceof BrokerUnavailableError ? error : new BrokerUnavailableError(String(error));
    });
    // A channel error also comes as an 'error' event: the operation's own promise tells it.
    channel.on('error', () => {});
    return channel;
  }

  /** Runs `work` on a channel of its own, closed after (whatever happened to it). */
  async withChannel<T>(work: (channel: Channel) => Promise<T>, what: string): Promise<T> {
    const channel = await this.channel();
    try {
      return await bounded(work(channel), this.timeoutMs, what);
    } finally {
      channel.close().catch(() => {
        // Closed by a channel error already.
      });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#model = null;
    // A connection whose socket is gone never hears close-ok: shutting down does not wait for it.
    await bounded(this.#recovering?.close() ?? Promise.resolve(), this.timeoutMs, 'connection.close').catch(() => {});
  }
}
