/**
 * graphql-ws' `subscribe` messages, run here rather than in graphql-ws'
 * makeServer (which keeps the connection: connection_init, ping, complete,
 * close). makeServer runs each operation in an async function that stays
 * suspended in a `for await` while the subscription lives, and that frame
 * holds the raw message text, its parsed copy, the emitters and the
 * execution arguments: about 2 KiB for every idle subscription, half of what
 * one costs (bench/heap.ts). Here an operation's only state between events
 * is its entry in `ctx.subscriptions` and one pending next().
 *
 * The protocol is graphql-ws' own (graphql-transport-ws), message for
 * message: 4401 before the connection is acknowledged, 4409 for an id in
 * use, `error` for errors before the operation runs, `next` per result,
 * `complete` when the server ends it, nothing after the client's `complete`.
 * Its entry in `ctx.subscriptions` is what graphql-ws' own `complete`
 * handling and socket close end (return()).
 */
import {
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  type OperationTypeNode,
  getOperationAST,
} from 'graphql';
import {
  CloseCode,
  type Context,
  type FormattedExecutionResult,
  MessageType,
  type SubscribePayload,
  stringifyMessage,
} from 'graphql-ws';

/** What the connection's socket does for its operations. */
export interface OperationSocket {
  send(data: string): Promise<void>;
  close(code: number, reason: string): void;
}

/** An operation ready to run: its arguments, and how it runs (Yoga's enveloped execute or subscribe). */
export interface Prepared {
  readonly args: ExecutionArgs;
  /** A result, or an async iterable of results (a subscription). */
  run(operation: OperationTypeNode): Promise<unknown>;
}

/** The transport's own steps around an operation (ws-server.ts). */
export interface OperationSteps {
  /** The operation, or the errors that end it before it runs (limits, syntax, validation). */
  prepare(ctx: Context, id: string, payload: SubscribePayload): Promise<Prepared | readonly GraphQLError[]>;
  /** Told once when it ends, however it ends. */
  ended(ctx: Context, id: string): void;
}

const wire = (result: ExecutionResult): FormattedExecutionResult => {
  const { errors, ...rest } = result;
  return (errors ? { ...rest, errors: errors.map((error) => error.toJSON()) } : rest) as FormattedExecutionResult;
};

const sendNext = (socket: OperationSocket, id: string, result: ExecutionResult) =>
  socket.send(stringifyMessage({ id, type: MessageType.Next, payload: wire(result) }));

const sendErrors = (socket: OperationSocket, id: string, errors: readonly GraphQLError[]) =>
  socket.send(stringifyMessage({ id, type: MessageType.Error, payload: errors }));

const isAsyncIterable = (value: unknown): value is AsyncIterable<ExecutionResult> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * Runs one `subscribe` message. Resolves once the operation has started (a
 * subscription then goes on by itself) or has ended; rejects on an internal
 * error, which closes the socket (4500) as graphql-ws does.
 */
export async function runOperation(
  ctx: Context,
  socket: OperationSocket,
  message: { readonly id: string; readonly payload: SubscribePayload },
  steps: OperationSteps,
): Promise<void> {
  const { id, payload } = message;
  if (!ctx.acknowledged) return socket.close(CloseCode.Unauthorized, 'Unauthorized');
  if (id in ctx.subscriptions)
    return socket.close(CloseCode.SubscriberAlreadyExists, `Subscriber for ${id} already exists`);
  // A placeholder: a client's `complete` meanwhile (graphql-ws deletes the entry) means it no longer wants it.
  ctx.subscriptions[id] = null;
  let started = false;
  try {
    const prepared = await steps.prepare(ctx, id, payload);
    if (!('args' in prepared)) {
      if (id in ctx.subscriptions) await sendErrors(socket, id, prepared);
      return;
    }
    const operation = getOperationAST(prepared.args.document, prepared.args.operationName);
    if (!operation) {
      if (id in ctx.subscriptions) await sendErrors(socket, id, [new GraphQLError('Unable to identify operation')]);
      return;
    }
    const result = await prepared.run(operation.operation);
    if (!isAsyncIterable(result)) {
      if (id in ctx.subscriptions) await sendNext(socket, id, result as ExecutionResult);
    } else if (id in ctx.subscriptions) {
      started = true;
      ctx.subscriptions[id] = result;
      new Follower(ctx, socket, id, result, steps).pull();
      return;
    } else {
      await result[Symbol.asyncIterator]().return?.();
      return;
    }
    await complete(ctx, socket, id);
  } finally {
    if (!started) {
      delete ctx.subscriptions[id];
      steps.ended(ctx, id);
    }
  }
}

/** `complete` to the client unless it completed (or left) first. */
async function complete(ctx: Context, socket: OperationSocket, id: string): Promise<void> {
  if (!(id in ctx.subscriptions)) return;
  delete ctx.subscriptions[id];
  await socket.send(stringifyMessage({ id, type: MessageType.Complete }));
}

/**
 * Sends a subscription's results as they come, each after the previous one
 * was written (so a slow socket slows its source, whose own queue decides).
 * Between results it holds this object, its two callbacks and one pending
 * next(): no suspended async function.
 */
class Follower {
  readonly #iterator: AsyncIterator<ExecutionResult>;

  constructor(
    readonly ctx: Context,
    readonly socket: OperationSocket,
    readonly id: string,
    readonly subscription: AsyncIterable<ExecutionResult>,
    readonly steps: OperationSteps,
  ) {
    this.#iterator = subscription[Symbol.asyncIterator]();
  }

  pull(): void {
    this.#iterator.next().then(this.#onStep, this.#onFailure);
  }

  /** Still this operation's: the client has not completed it (nor reused its id since). */
  get #live(): boolean {
    return this.ctx.subscriptions[this.id] === this.subscription;
  }

  readonly #onStep = (step: IteratorResult<ExecutionResult>): void => {
    if (step.done) return this.#end(stringifyMessage({ id: this.id, type: MessageType.Complete }));
    // Completed by the client (graphql-ws returned the iterator): what was on its way is not sent.
    if (!this.#live) return this.pull();
    sendNext(this.socket, this.id, step.value).then(() => this.pull(), this.#onFailure);
  };

  readonly #onFailure = (error: unknown): void => {
    const cause = error instanceof Error ? error : new Error(String(error));
    const errors = [new GraphQLError(cause.message, { originalError: cause })];
    this.#end(stringifyMessage({ id: this.id, type: MessageType.Error, payload: errors }));
  };

  #end(message: string): void {
    if (this.#live) {
      delete this.ctx.subscriptions[this.id];
      this.socket.send(message).catch(() => {});
    }
    this.steps.ended(this.ctx, this.id);
  }
}
