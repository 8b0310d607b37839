import { LensError } from './lens-error.ts';

/**
 * A value stored under a Celery key that celery-lens cannot decode: not JSON
 * (pickle or msgpack result_serializer, garbage), or JSON of the wrong shape.
 * Reported for that one task; the rest of the request still resolves.
 */
export class MetaDecodeError extends LensError {
  readonly code = 'UNDECODABLE_META';

  constructor(key: string, reason: string) {
    super(`cannot decode ${key}: ${reason}`, { key });
  }
}
