/**
 * Subscriptions that cost a few hundred bytes: `task(id, untilReady)` and
 * `taskCompleted(id)` over graphql-ws (the web page's subscription, and what
 * clients awaiting a task use), served
 * without a graphql-js subscription per subscriber, as Hasura's cohorts do.
 *
 * The operation still goes through Yoga's whole pipeline when it starts
 * (parse, validate, auth, limits, rate limit, logs, metrics): only the
 * subscribe step differs (use-shared-events.ts hands it here). What stays
 * between events:
 *
 * - per subscription, a Member: its watcher registration and quota, its
 *   cursor position, a queue while its client is slow, and its state;
 * - per cohort (same document, scopes and variables), the variables and the
 *   result of the event being fanned out: the selection runs once per event
 *   and cohort, and every member sends that result (with its own cursor);
 * - per group (same document and scopes), one context for executing, shared
 *   by the group's cohorts: a scope decides what a selection may read, and
 *   loaders are forgotten at every event anyway (forget-loaded.ts).
 *
 * No graphql-js execution context, Envelop hook lists, per-operation context,
 * loaders or async-iterator chain is kept per subscription. What it does
 * between events is what the ordinary path does (task-stream.ts, replay.ts,
 * re-emits.ts): the current value first, every update while the client
 * keeps up (the latest only when it falls --max-queued behind), cursors in
 * `extensions.cursor`, re-emits for events and LOST (re-emits.ts),
 * completion after a ready state unless
 * `untilReady: false`, completion at shutdown.
 *
 * `taskCompleted(id)` is the same member, ready states only: nothing until
 * the task is ready, then that state and the end (no cursor, no re-emit, as
 * on the ordinary path).
 *
 * Everything else takes the ordinary path: other fields, several root
 * fields, directives, resuming (`after`), `taskCompleted` with a deadline,
 * SSE, read tokens, and a principal without the `status` scope (which the
 * ordinary path answers FORBIDDEN).
 */
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type GraphQLError,
  Kind,
  execute,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  locatedError,
} from 'graphql';
import { maskError } from 'graphql-yoga';
import { type AuthConfig, actAs, principalOf } from '../auth/principal-of.ts';
import { type Principal, scopesKey } from '../auth/principal.ts';
import { encodeCursor } from './cursor.ts';
import { advance, numberOf } from './replay.ts';
import { isReadyUpdate } from './task-await.ts';
import { queuedBytesOf } from './task-stream.ts';
import type { Position } from '../store/store.ts';
import type { TaskChange } from '../intake/progress-changes.ts';
import { type TaskUpdate, rawOf } from './task-watcher.ts';
import { WatchQuota, takeWatches } from './watch-quota.ts';
import { LensError } from '../errors/lens-error.ts';
import { withCursor } from '../plugins/use-event-cursors.ts';
import { answerWithin } from '../plugins/use-response-limit.ts';
import { SharedSource } from './shared-source.ts';
import { documentId } from '../plugins/use-shared-events.ts';
import type { LensContext } from '../schema/context.ts';
import { toGraphQLError } from '../schema/graphql-error.ts';
import { selectsEventFields } from '../schema/event-fields.ts';
import { type ReEmittable, again, reEmitsOf } from './re-emits.ts';
import { checkTaskId } from '../schema/task/task-ids.ts';
import { clientBuffered } from '../http/client-buffered.ts';

/** Set in the initial context by the transport that can serve cohorts (ws-server.ts). */
export const COHORTS_ALLOWED = Symbol('celery-lens.cohorts-allowed');
const MEMBER = Symbol('celery-lens.cohort-member');

/** What a member counts for the plugin that follows it (use-operation-log.ts). */
export interface MemberRecord {
  /** When it joined (performance.now()). */
  readonly startedAt: number;
  /** Events sent. */
  readonly events: number;
  /** Error codes its events carried, if any. */
  codes: Set<string> | null;
}

/**
 * What a plugin that follows a subscription's events registers on a member:
 * one object for all the members of an operation, their counts on the member.
 */
export interface MemberObserver {
  onNext(result: ExecutionResult, member: MemberRecord): void;
  onEnd(member: MemberRecord): void;
}

export type CohortMember = AsyncIterableIterator<ExecutionResult> & { observe(observer: MemberObserver): void };

/** The member a cohort subscription's subscribe step answered with, if it was one. */
export function memberOf(result: unknown): CohortMember | null {
  return (typeof result === 'object' && result !== null && (result as { [MEMBER]?: CohortMember })[MEMBER]) || null;
}

interface Group {
  /** Its document, operation name and scopes: its key among the groups. */
  readonly key: string;
  readonly context: LensContext;
  readonly args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName'>;
  /** Whether its selection shows what events tell: its tasks are emitted again when their events arrive. */
  readonly readsEvents: boolean;
}

/** What the members of a cohort share; each member holds it and its group (SharedSource), given back when it leaves. */
interface Cohort {
  readonly group: Group;
  /** Its group's key and its variables: its key among the cohorts. */
  readonly key: string;
  readonly variables: ExecutionArgs['variableValues'];
  readonly id: string;
  readonly untilReady: boolean;
  /** taskCompleted: ready states only, no cursors, no re-emits. */
  readonly readyOnly: boolean;
  /** The event being fanned out, forgotten after this turn of the event loop. */
  memo: { update: TaskUpdate; again: boolean; result: Promise<ExecutionResult> } | null;
}

/** The fields cohorts serve, and whether each emits ready states only. */
const SERVED: Readonly<Record<string, boolean>> = { task: false, taskCompleted: true };

/** An update emitted again (its events arrived, its worker is gone): same state, fields read anew, cursor unchanged. */
class Again {
  constructor(readonly update: TaskUpdate) {}
}
type Item = TaskUpdate | Again;

const DONE: IteratorResult<ExecutionResult> = { value: undefined, done: true };

/**
 * What the context holds for one connection or operation only: not shared by
 * a group. Its credentials above all: the group outlives its first member,
 * and each member's own credentials were checked when it joined.
 */
const PER_OPERATION = [
  'req',
  'socket',
  'params',
  'extra',
  'subscriptions',
  'connectionInitReceived',
  'acknowledged',
  'request',
  'connectionParams',
  'jwt',
];

/** A served field (SERVED) when it is the operation's only root selection, without directives; else null. */
const shapes = new WeakMap<DocumentNode, Map<string, FieldNode | null>>();
function taskFieldOf(document: DocumentNode, operationName: string | null | undefined): FieldNode | null {
  let byName = shapes.get(document);
  if (!byName) shapes.set(document, (byName = new Map()));
  const name = operationName ?? '';
  let field = byName.get(name);
  if (field === undefined) {
    const operation = getOperationAST(document, operationName);
    const [only, ...more] = operation?.selectionSet.selections ?? [];
    field =
      operation?.operation === 'subscription' &&
      !operation.directives?.length &&
      more.length === 0 &&
      only?.kind === Kind.FIELD &&
      Object.hasOwn(SERVED, only.name.value) &&
      !only.directives?.length
        ? only
        : null;
    byName.set(name, field);
  }
  return field;
}

/** Every field counts: there is one member per subscription. */
class Member implements CohortMember, MemberRecord, ReEmittable {
  #queue: Item[] | null = null;
  /** Bytes of the stored values queued (--max-queued-bytes). */
  #queuedBytes = 0;
  #waiting: ((result: IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>>) => void) | null =
    null;
  #closed = false;
  #ended = false;
  #readySeen = false;
  #position: Position | null = null;
  /** The connection's quota its watch was taken from (and the process'), until given back. */
  #quota: WatchQuota | null = null;
  #observer: MemberObserver | null = null;
  /** The last update the watcher told: what a re-emit emits again. */
  latest: TaskUpdate | null = null;
  readonly startedAt = performance.now();
  events = 0;
  codes: Set<string> | null = null;
  readonly #listener = (update: TaskUpdate) => this.push(update);

  constructor(
    readonly cohorts: TaskCohorts,
    readonly cohort: Cohort,
    /** What the client's socket holds that it has not taken yet. */
    readonly buffered: () => number,
  ) {}

  /** Whether it numbers what it sends (resume cursors): not for taskCompleted, as on the ordinary path. */
  get #recording(): boolean {
    return !this.cohort.readyOnly && this.cohort.group.context.states.windowSeconds > 0;
  }

  /** What a taskCompleted member skips: a state not ready (an undecodable value goes through). */
  #skips(update: TaskUpdate): boolean {
    return this.cohort.readyOnly && !(update instanceof LensError) && !isReadyUpdate(update);
  }

  /** Opens the watch (after the quota allows it) and reads where the stream starts; throws a LensError. */
  async open(quota: WatchQuota): Promise<void> {
    const { context } = this.cohort.group;
    const log = context.states;
    // Sent before the watch opens, as replay.ts does: every state numbered up to it is in what the watch reads.
    const reading = this.#recording ? log.now() : null;
    reading?.catch(() => {});
    takeWatches(1, [context.watcher.quota, quota]);
    this.#quota = quota;
    // Its stop() is not kept: unwatch() does the same from the id and the listener.
    const watch = await context.watcher.watch(this.cohort.id, this.#listener).catch((error: unknown) => {
      this.#close();
      throw error;
    });
    if (this.#closed) context.watcher.unwatch(this.cohort.id, this.#listener);
    // Anything notified while opening is newer than the current value it was merged into.
    if (!this.#queue?.length && !this.#skips(watch.current)) {
      this.latest = watch.current;
      this.#enqueue(watch.current);
    }
    try {
      this.#position = reading ? await reading : null;
    } catch (error) {
      this.#close();
      throw error;
    }
  }

  get taskId(): string {
    return this.cohort.id;
  }

  get readsEvents(): boolean {
    return this.cohort.group.readsEvents;
  }

  /** Whether changes may emit its task again (task, not taskCompleted). */
  get reEmits(): boolean {
    return !this.cohort.readyOnly;
  }

  emitAgain(change: TaskChange): void {
    // Its queue keeps order: the value repeated is the latest pushed, and its Again comes after it, before any newer.
    const { latest } = this;
    if (latest !== null && !(latest instanceof LensError)) this.push(new Again(again(latest, change)));
  }

  push(update: TaskUpdate | Again): void {
    if (this.#closed || (!(update instanceof Again) && this.#skips(update))) return;
    if (!(update instanceof Again)) this.latest = update;
    const waiting = this.#waiting;
    if (waiting && !this.#queue?.length) {
      this.#waiting = null;
      waiting(this.#deliver(update));
      return;
    }
    this.#enqueue(update);
  }

  #enqueue(item: Item): void {
    const queue = (this.#queue ??= []);
    queue.push(item);
    const bytes = queuedBytesOf(item instanceof Again ? item.update : item);
    this.#queuedBytes += bytes;
    // One task: collapsing to the latest update of each task keeps the last one.
    if (queue.length > this.cohorts.maxQueued || this.#queuedBytes + this.buffered() > this.cohorts.maxQueuedBytes) {
      queue.splice(0, queue.length - 1);
      this.#queuedBytes = bytes;
    }
  }

  async #deliver(item: Item): Promise<IteratorResult<ExecutionResult>> {
    const again = item instanceof Again;
    const update = again ? item.update : item;
    if (isReadyUpdate(update)) this.#readySeen = true;
    if (this.cohort.untilReady && this.#readySeen) this.#close();
    // Asked for before numbering: the members an event reaches together share one execution.
    const executing = this.cohorts.resultFor(this.cohort, update, again);
    const log = this.cohort.group.context.states;
    const recording = this.#recording;
    if (recording && !again && rawOf(update) !== null) {
      const position = await numberOf(log, this.cohort.id, update);
      if (position) this.#position = advance(this.#position, position);
    }
    const executed = await executing;
    const answered = this.cohorts.answer(executed);
    const cursor = recording && this.#position ? encodeCursor(this.#position) : null;
    // As the plugins order it: the cursor is put on the result, which RESPONSE_TOO_LARGE replaces whole.
    const value = cursor !== null && answered === executed ? withCursor(executed, cursor) : answered;
    this.events += 1;
    this.#observer?.onNext(value, this);
    return { value, done: false };
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const item = this.#queue?.shift();
    if (item !== undefined) this.#queuedBytes -= queuedBytesOf(item instanceof Again ? item.update : item);
    // An empty array keeps its grown backing store: none at all while idle.
    if (this.#queue?.length === 0) this.#queue = null;
    if (item !== undefined) return this.#deliver(item);
    if (this.#closed) {
      this.#end();
      return Promise.resolve(DONE);
    }
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.#queue = null;
    this.#close();
    this.#end();
    return Promise.resolve(DONE);
  }

  observe(observer: MemberObserver): void {
    this.#observer = observer;
  }

  /** Stops the watch, gives it back to the quotas, leaves the cohort and ends a pending next(). */
  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const { watcher } = this.cohort.group.context;
    watcher.unwatch(this.cohort.id, this.#listener);
    if (this.#quota) {
      watcher.quota.give(1);
      this.#quota.give(1);
      this.#quota = null;
    }
    this.latest = null;
    this.cohorts.leave(this);
    const waiting = this.#waiting;
    this.#waiting = null;
    if (waiting) {
      this.#end();
      waiting(DONE);
    }
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#observer?.onEnd(this);
    this.#observer = null;
  }

  /** Completes the subscription (process shutdown). */
  stop(): void {
    this.#close();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

export interface CohortOptions extends AuthConfig {
  readonly maxResponseBytes: number;
  readonly maxQueued: number;
  readonly maxQueuedBytes: number;
  /** Told each unexpected error an event's execution raised, before it is masked (Yoga logs its own so). */
  readonly onUnexpected?: (error: Error) => void;
}

/**
 * Yoga masks the errors of every result it hands out; a cohort's events pass
 * outside Envelop, so the same masking is applied here: an error that is not
 * a GraphQLError of ours becomes "Unexpected error." (INTERNAL_SERVER_ERROR).
 */
function masked(result: ExecutionResult, onUnexpected: (error: Error) => void): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((error) => {
    const mask = maskError(error, 'Unexpected error.') as GraphQLError;
    if (mask !== error) onUnexpected(error);
    return mask;
  });
  return { ...result, errors };
}

/** The cohorts of one app (one Yoga): its groups, cohorts and live members. */
export class TaskCohorts {
  /** By document and scopes. */
  readonly #groups = new SharedSource<Group>();
  /** By group and variables. */
  readonly #cohorts = new SharedSource<Cohort>();
  readonly #members = new Set<Member>();
  /** How to stop listening to the app's shutdown (the same for every member), while any member lives. */
  #unbind: (() => void) | null = null;
  readonly answer: (result: ExecutionResult) => ExecutionResult;
  readonly maxQueued: number;
  readonly maxQueuedBytes: number;

  constructor(readonly options: CohortOptions) {
    this.answer = answerWithin(options.maxResponseBytes);
    this.maxQueued = options.maxQueued;
    this.maxQueuedBytes = options.maxQueuedBytes;
  }

  /** Live cohort subscriptions. */
  get size(): number {
    return this.#members.size;
  }

  /** Cohorts now (distinct document, scopes and variables among the live subscriptions). */
  get cohortCount(): number {
    return this.#cohorts.size;
  }

  /** Selections executed so far: one per event and cohort, whatever the number of members. */
  executions = 0;

  /**
   * Joins the subscription to its cohort: a result carrying the member, or
   * the subscribe step's error (located as graphql-js locates it); null when
   * the operation is not one cohorts serve (the caller takes the ordinary path).
   */
  async join(args: ExecutionArgs): Promise<ExecutionResult | null> {
    const context = args.contextValue as LensContext & { [COHORTS_ALLOWED]?: boolean };
    if (!context?.[COHORTS_ALLOWED]) return null;
    const field = taskFieldOf(args.document, args.operationName);
    const definition = field && args.schema.getSubscriptionType()?.getFields()[field.name.value];
    const operation = field && getOperationAST(args.document, args.operationName);
    if (!field || !definition || !operation) return null;
    const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
    if (coerced.errors) return null;
    const { id, untilReady, after, timeoutSeconds } = getArgumentValues(definition, field, coerced.coerced) as {
      id: string | number;
      untilReady?: boolean;
      after?: string | null;
      timeoutSeconds?: number | null;
    };
    const principal = principalOf(this.options, context);
    if (after != null || timeoutSeconds != null) return null;
    if (!principal || principal.grant || !principal.scopes.has('status')) return null;
    const path = [field.alias?.value ?? field.name.value];
    let taskId: string;
    try {
      taskId = checkTaskId(id, context);
    } catch (error) {
      return { errors: [locatedError(error, [field], path)] };
    }
    const scopes = scopesKey(principal.scopes);
    const groupKey = `${documentId(args.document)}\n${args.operationName ?? ''}\n${scopes}`;
    const group = this.#groups.hold(groupKey, () => this.#group(groupKey, args, context, principal));
    const readyOnly = SERVED[field.name.value] === true;
    const cohortKey = `${groupKey}\n${JSON.stringify(args.variableValues ?? {})}`;
    const cohort = this.#cohorts.hold(cohortKey, () => ({
      group,
      key: cohortKey,
      variables: args.variableValues,
      id: taskId,
      untilReady: untilReady ?? true,
      readyOnly,
      memo: null,
    }));
    const member = new Member(this, cohort, clientBuffered(context));
    this.#members.add(member);
    if (member.reEmits) reEmitsOf(context)?.add(member);
    this.#bind(context);
    try {
      await member.open(context.watchQuota);
    } catch (error) {
      member.stop();
      return { errors: [locatedError(error instanceof LensError ? toGraphQLError(error) : error, [field], path)] };
    }
    return { [MEMBER]: member } as ExecutionResult;
  }

  /** The result of `update` for `cohort`: executed once for all the members it reaches together. */
  resultFor(cohort: Cohort, update: TaskUpdate, again: boolean): Promise<ExecutionResult> {
    const memo = cohort.memo;
    if (memo && memo.update === update && memo.again === again) return memo.result;
    const { args, context } = cohort.group;
    this.executions += 1;
    const onUnexpected = this.options.onUnexpected ?? (() => {});
    const result = Promise.resolve(
      execute({ ...args, rootValue: update, contextValue: context, variableValues: cohort.variables }),
    ).then((executed) => masked(executed, onUnexpected));
    const current = { update, again, result };
    cohort.memo = current;
    setImmediate(() => {
      if (cohort.memo === current) cohort.memo = null;
    });
    return result;
  }

  leave(member: Member): void {
    if (!this.#members.delete(member)) return;
    const { cohort } = member;
    if (member.reEmits) reEmitsOf(cohort.group.context)?.remove(member);
    this.#cohorts.release(cohort.key, cohort);
    this.#groups.release(cohort.group.key, cohort.group);
    if (this.#members.size === 0 && this.#unbind) {
      this.#unbind();
      this.#unbind = null;
    }
  }

  /**
   * The group's shared context: the operation's, without what belongs to its
   * connection (socket, request, credentials, the connection's watch quota),
   * acting as a principal with the group's scopes, no caller's.
   */
  #group(key: string, args: ExecutionArgs, context: LensContext, principal: Principal): Group {
    const copy: Record<string | symbol, unknown> = { ...context, watchQuota: new WatchQuota(0, 'connection') };
    for (const name of PER_OPERATION) delete copy[name];
    const shared = copy as unknown as LensContext;
    // No one caller's: what its selections may read is the scopes every member has.
    actAs(shared, { id: `cohort (${scopesKey(principal.scopes)})`, scopes: principal.scopes });
    const operation = getOperationAST(args.document, args.operationName);
    return {
      key,
      context: shared,
      args: { schema: args.schema, document: args.document, operationName: args.operationName },
      readsEvents: operation != null && selectsEventFields(operation, args.document.definitions),
    };
  }

  /** One listener for the app's shutdown, while any member lives. */
  #bind(context: LensContext): void {
    if (this.#unbind) return;
    const stopAll = () => {
      for (const member of [...this.#members]) member.stop();
    };
    context.shutdown.addEventListener('abort', stopAll, { once: true });
    this.#unbind = () => context.shutdown.removeEventListener('abort', stopAll);
  }
}
