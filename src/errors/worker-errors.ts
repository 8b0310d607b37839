import { LensError } from './lens-error.ts';

/** A worker that did not answer an inspect or control command in time (offline, busy, or unknown). */
export class WorkerNoReplyError extends LensError {
  readonly code = 'WORKER_NO_REPLY';

  constructor(hostname: string, command: string, timeoutMs: number) {
    super(`worker ${hostname.slice(0, 200)} did not answer ${command} within ${timeoutMs} ms`, {
      hostname: hostname.slice(0, 200),
      command,
    });
  }
}

/** A worker answered, but not what the command returns (or the command failed on it). */
export class WorkerReplyError extends LensError {
  readonly code = 'WORKER_REPLY_INVALID';

  constructor(hostname: string, command: string, reason: string) {
    super(`worker ${hostname.slice(0, 200)} answered ${command} with something celery-lens cannot read: ${reason}`, {
      hostname: hostname.slice(0, 200),
      command,
    });
  }
}
