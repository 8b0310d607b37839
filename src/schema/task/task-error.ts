import type { CeleryException } from '../../celery/exception.ts';
import { ValueTooLargeError } from '../../errors/value-too-large-error.ts';
import { builder } from '../builder.ts';
import { toGraphQLError } from '../graphql-error.ts';

export interface TaskErrorShape {
  readonly exception: CeleryException;
  readonly traceback: string | ValueTooLargeError | null;
}

/** A withheld value answers its field with VALUE_TOO_LARGE; the rest of the error still resolves. */
function withheld<T>(value: T, tooLarge: ValueTooLargeError | undefined): Exclude<T, ValueTooLargeError> {
  if (tooLarge) throw toGraphQLError(tooLarge);
  if (value instanceof ValueTooLargeError) throw toGraphQLError(value);
  return value as Exclude<T, ValueTooLargeError>;
}

export const TaskErrorRef = builder.objectRef<TaskErrorShape>('TaskError').implement({
  description: 'The exception of a FAILURE, RETRY or REVOKED task, as Celery serialized it.',
  fields: (t) => ({
    type: t.string({ description: 'Exception class, e.g. "ValueError".', resolve: (e) => e.exception.type }),
    // Payload fields are nullable: refusing them (FORBIDDEN) to a status-only
    // credential must not null the whole error, whose type it may read.
    message: t.string({
      authScopes: { payload: true },
      nullable: true,
      description: "What Python's str(exc) gives. Needs the payload scope.",
      resolve: (e) => withheld(e.exception.message, e.exception.tooLarge),
    }),
    module: t.string({
      nullable: true,
      description: 'Module of the exception class, e.g. "builtins".',
      resolve: (e) => e.exception.module,
    }),
    args: t.field({
      authScopes: { payload: true },
      type: 'JSON',
      nullable: true,
      description: "The exception's args as stored (Celery's exc_message list). Needs the payload scope.",
      resolve: (e) => withheld(e.exception.args, e.exception.tooLarge),
    }),
    traceback: t.string({
      authScopes: { payload: true },
      nullable: true,
      description: 'The formatted Python traceback. Needs the payload scope.',
      resolve: (e) => withheld(e.traceback, undefined),
    }),
  }),
});
