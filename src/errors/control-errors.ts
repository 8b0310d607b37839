import { LensError } from './lens-error.ts';

/** A control mutation while the process runs without `--control true`. */
export class ControlDisabledError extends LensError {
  readonly code = 'CONTROL_DISABLED';

  constructor(
    message = 'acting on tasks is turned off: start celery-lens with --control true (LENS_CONTROL) to revoke or send tasks',
  ) {
    super(message);
  }
}

/** sendTask or resendTask of a task name no `--send-allow` pattern matches. */
export class SendNotAllowedError extends LensError {
  readonly code = 'SEND_NOT_ALLOWED';

  constructor(name: string) {
    super(`sending "${name.slice(0, 200)}" is not allowed: no --send-allow (LENS_SEND_ALLOW) pattern matches it`, {
      name: name.slice(0, 200),
    });
  }
}

/** resendTask of a task whose stored meta cannot say what to send again. */
export class NotResendableError extends LensError {
  readonly code = 'NOT_RESENDABLE';

  constructor(id: string, reason: string) {
    super(`task ${id} cannot be sent again: ${reason}`, { id });
  }
}

/** sendTask with an id celery-lens already sent, or that has a result, a timeline or a queued message. */
export class TaskExistsError extends LensError {
  readonly code = 'TASK_EXISTS';

  constructor(id: string) {
    super(`task ${id} exists already (sent, queued, running or finished): send with another id, or none`, { id });
  }
}
