import type { ValueTooLargeError } from '../errors/value-too-large-error.ts';

/**
 * Celery's serialized exception (backends/base.py, `prepare_exception` with a
 * JSON serializer): `{"exc_type", "exc_message", "exc_module"}` where
 * `exc_message` is the exception's `args` as a list.
 */
export interface CeleryException {
  /** `exc_type`: the class's qualified name, e.g. "ValueError". */
  readonly type: string;
  /** What Python's `str(exc)` prints for these args. */
  readonly message: string;
  /** `exc_module`, e.g. "builtins"; null when Celery stored none. */
  readonly module: string | null;
  /** `exc_message` as stored: the exception's args. */
  readonly args: readonly unknown[];
  /** Set when the stored exception passed the value limits: message and args are withheld. */
  readonly tooLarge?: ValueTooLargeError;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pythonStr(arg: unknown): string {
  return typeof arg === 'string' ? arg : JSON.stringify(arg);
}

/** Decodes an exception dict, or returns null when `value` is not one. */
export function decodeException(value: unknown): CeleryException | null {
  if (!isRecord(value) || typeof value.exc_type !== 'string') return null;
  const raw = value.exc_message;
  // Older Celery (and some custom backends) stored a plain string.
  const args: readonly unknown[] = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  // str(exc) is '' for no args, str(arg) for one, and the tuple's repr for more.
  const message = args.length === 0 ? '' : args.length === 1 ? pythonStr(args[0]) : JSON.stringify(args);
  return {
    type: value.exc_type,
    message,
    module: typeof value.exc_module === 'string' ? value.exc_module : null,
    args,
  };
}

/**
 * The exception named by a traceback's last line ("celery.exceptions.Retry:
 * Retry in 1s"). Celery 5.2 stores a RETRY from `self.retry()` with a null
 * result and only the traceback, so this is all there is to show.
 */
export function exceptionFromTraceback(traceback: string): CeleryException | null {
  const last = traceback.trimEnd().split('\n').at(-1) ?? '';
  const match = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/.exec(last);
  if (!match) return null;
  const qualified = match[1] as string;
  const dot = qualified.lastIndexOf('.');
  const message = match[2] ?? '';
  return {
    type: dot === -1 ? qualified : qualified.slice(dot + 1),
    message,
    module: dot === -1 ? null : qualified.slice(0, dot),
    args: message === '' ? [] : [message],
  };
}
