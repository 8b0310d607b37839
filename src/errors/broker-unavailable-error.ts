import { LensError } from './lens-error.ts';

/** A RabbitMQ broker could not be reached, refused an operation, or did not answer in time. */
export class BrokerUnavailableError extends LensError {
  readonly code = 'BROKER_UNAVAILABLE';

  constructor(reason: string, options?: ErrorOptions) {
    super(`the Celery broker is unavailable: ${reason}`, {}, options);
  }
}
