/**
 * A queue's message count from RabbitMQ's management HTTP API
 * (rabbitmq_management), as Flower reads it with `--broker-api`: one
 * `GET <api>/queues/<vhost>/<queue>` per queue, with Basic credentials,
 * instead of a passive queue.declare on the AMQP connection: the lengths
 * are read with the management user's rights (the `monitoring` tag), and a
 * deployment already running Flower gives the same URL.
 *
 * The count is `messages_ready`, as a passive declare answers (messages a
 * worker holds unacked are not waiting): switching between the two does not
 * change what `length` means. RabbitMQ refreshes these numbers every
 * collect_statistics_interval (5 s by default), so they lag by up to that.
 * A queue with x-max-priority is one queue there, counted once.
 */
import { BrokerUnavailableError } from '../../errors/broker-unavailable-error.ts';
import type { BrokerApi } from './amqp-url.ts';

/** What a queue's GET answers that is read here (the rest is ignored). */
interface QueueInfo {
  readonly messages_ready?: unknown;
}

export class ManagementQueueCounts {
  readonly #authorization: string;

  constructor(
    readonly api: BrokerApi,
    /** The broker URL's virtual host. */
    readonly vhost: string,
    /** Longest wait for one answer, in ms. */
    readonly timeoutMs: number,
  ) {
    this.#authorization = `Basic ${Buffer.from(`${api.username}:${api.password}`).toString('base64')}`;
  }

  /**
   * Messages ready in `queue`: 0 when it does not exist (404), null when
   * RabbitMQ has no statistics for it yet (a queue declared within the last
   * interval). Throws BROKER_UNAVAILABLE when the API fails or refuses.
   */
  async messageCount(queue: string): Promise<number | null> {
    const url = `${this.api.base}queues/${encodeURIComponent(this.vhost)}/${encodeURIComponent(queue)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: this.#authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : String(error);
      throw new BrokerUnavailableError(`RabbitMQ management API ${this.api.redacted}: ${reason}`, { cause: error });
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return 0;
    }
    if (!response.ok) {
      await response.body?.cancel();
      // 401: wrong credentials; 403: a user without the management (or monitoring) tag.
      throw new BrokerUnavailableError(
        `RabbitMQ management API ${this.api.redacted} answered ${response.status} ${response.statusText} for queue "${queue}"`,
      );
    }
    let info: unknown;
    try {
      info = await response.json();
    } catch (error) {
      throw new BrokerUnavailableError(`RabbitMQ management API ${this.api.redacted}: not JSON`, { cause: error });
    }
    const ready = (info as QueueInfo | null)?.messages_ready;
    return Number.isInteger(ready) && (ready as number) >= 0 ? (ready as number) : null;
  }
}
