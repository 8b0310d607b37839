/**
 * The one live core every subscription runs on, over graphql-ws and SSE
 * alike: `task`, `taskCompleted`, `tasks`, `taskGraph`, `groupProgress`,
 * `workflowProgress`, `taskEvents`, `goal`. (The long polls, awaitTask and
 * awaitTasks, are queries: they wait on the same TaskWatcher, task-await.ts.)
 *
 * The operation goes through Yoga's whole pipeline when it starts (parse,
 * validate, auth, limits, rate limit, logs, metrics); its subscribe step is
 * join() (plugins/use-live-core.ts). A subscription then is a member
 * (members.ts) of a cohort, the operations with the same document, scopes
 * (or read grant) and variables:
 *
 * - per cohort, one execution of each event, whatever the number of members
 *   it reaches together: every member sends that result, with its own cursor;
 * - per group (same document and scopes), one context to execute in, shared
 *   by the group's cohorts: a scope decides what a selection may read, and
 *   loaders are forgotten at every event anyway (forget-loaded.ts). It holds
 *   no one member's credentials (each member's were checked when it joined);
 * - per member, only what feeds it: a watch listener for `task(id)` and
 *   `taskCompleted(id)`, or the stream its field's subscribe resolver opened.
 *
 * A transport that sends a member's results itself (graphql-ws, ws-server.ts;
 * our SSE writer, http/event-stream.ts) gets it wrapped as a single result
 * (memberOf), so Envelop keeps no hook chain per subscription; any other
 * (Yoga's multipart answer) gets the member as a stream, which Envelop wraps.
 * Between events nothing per member but the member is kept: no graphql-js
 * execution context, no Envelop hook lists, no async-iterator chain.
 */
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type GraphQLError,
  type OperationDefinitionNode,
  Kind,
  createSourceEventStream,
  execute,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  locatedError,
} from 'graphql';
import { isAsyncIterable, maskError } from 'graphql-yoga';
import { type AuthConfig, actAs, principalOf } from '../auth/principal-of.ts';
import { type Principal, scopesKey } from '../auth/principal.ts';
import { acceptsEventStream } from '../http/event-stream.ts';
import { clientBuffered } from '../http/client-buffered.ts';
import { LensError } from '../errors/lens-error.ts';
import { SharedSource } from './shared-source.ts';
import { reEmitsOf } from './re-emits.ts';
import { WatchQuota } from './watch-quota.ts';
import {
  type Cohort,
  type Group,
  type Host,
  type LiveContext,
  type Member,
  StreamMember,
  WatchMember,
  type WatchTarget,
} from './members.ts';

/** Set in the initial context by a transport that sends a member's results itself (ws-server.ts). */
export const SENDS_MEMBERS = Symbol('celery-lens.sends-members');
const MEMBER = Symbol('celery-lens.member');

/** The member a subscribe step answered with, wrapped for a transport that sends it itself. */
export function memberOf(result: unknown): Member | null {
  return (typeof result === 'object' && result !== null && (result as { [MEMBER]?: Member })[MEMBER]) || null;
}

/** What the core needs of the schema, given by the app (live/ sits below schema/). */
export interface SchemaHooks {
  /** A LensError as the GraphQLError a field answers (its code in extensions). */
  readonly toGraphQLError: (error: LensError) => GraphQLError;
  /** The id a task field was given, checked (INVALID_TASK_ID); throws a LensError. */
  readonly checkTaskId: (id: string | number, context: object) => string;
  /** Whether the operation selects a field Celery's events decide (schema/event-fields.ts). */
  readonly readsEvents: (operation: OperationDefinitionNode, definitions: DocumentNode['definitions']) => boolean;
  /** The resume cursor of the event a stream handed out last (schema/cursor.ts). */
  readonly cursorOf: (context: object) => unknown;
}

export interface LiveCoreOptions extends AuthConfig {
  /** Updates queued for a slow watch member before collapsing to the latest (--max-queued). */
  readonly maxQueued: number;
  /** Bytes of stored values queued, with what the socket holds, before collapsing (--max-queued-bytes). */
  readonly maxQueuedBytes: number;
  /** The result as sent: RESPONSE_TOO_LARGE past --max-response-bytes (plugins/use-response-limit.ts). */
  readonly answer: (result: ExecutionResult) => ExecutionResult;
  readonly schema: SchemaHooks;
  /** Told each unexpected error an event's execution raised, before it is masked (Yoga logs its own so). */
  readonly onUnexpected?: (error: Error) => void;
}

/** The fields a watch member serves, and whether each emits ready states only. */
const WATCHED: Readonly<Record<string, boolean>> = { task: false, taskCompleted: true };

/**
 * What the context holds for one connection or operation only: not shared by
 * a group. Its credentials above all: the group outlives its first member,
 * and each member's own credentials were checked when it joined.
 */
const PER_OPERATION = [
  'req',
  'res',
  'socket',
  'params',
  'extra',
  'subscriptions',
  'connectionInitReceived',
  'acknowledged',
  'request',
  'connectionParams',
  'jwt',
  'waitUntil',
];

/** A small number per document: Yoga's parse cache hands back the same document for the same text. */
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;
function documentId(document: DocumentNode): number {
  let id = documentIds.get(document);
  if (id === undefined) {
    id = nextDocumentId += 1;
    documentIds.set(document, id);
  }
  return id;
}

/** The operation's only root field, when it has no directives (then a watch member may serve it); else null. */
const shapes = new WeakMap<DocumentNode, Map<string, FieldNode | null>>();
function plainFieldOf(document: DocumentNode, operationName: string | null | undefined): FieldNode | null {
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
      !only.directives?.length
        ? only
        : null;
    byName.set(name, field);
  }
  return field;
}

/** Yoga masks every result it hands out; members' results pass outside Envelop, so they are masked here alike. */
function masked(result: ExecutionResult, onUnexpected: (error: Error) => void): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((error) => {
    const mask = maskError(error, 'Unexpected error.') as GraphQLError;
    if (mask !== error) onUnexpected(error);
    return mask;
  });
  return { ...result, errors };
}

type Joined = ExecutionResult | AsyncIterableIterator<ExecutionResult>;

/** The live core of one app (one Yoga): its groups, cohorts and members. */
export class LiveCore implements Host {
  /** By document and scopes (or grant). */
  readonly #groups = new SharedSource<Group>();
  /** Cohorts open in all groups (each group holds its own, by variables). */
  #cohortCount = 0;
  readonly #members = new Set<Member>();
  /** How to stop listening to the app's shutdown (the same for every member), while any member lives. */
  #unbind: (() => void) | null = null;
  readonly maxQueued: number;
  readonly maxQueuedBytes: number;
  readonly answer: (result: ExecutionResult) => ExecutionResult;
  /** Selections executed so far: one per event and cohort, whatever the number of members. */
  executions = 0;

  constructor(readonly options: LiveCoreOptions) {
    this.maxQueued = options.maxQueued;
    this.maxQueuedBytes = options.maxQueuedBytes;
    this.answer = options.answer;
  }

  /** Live subscriptions. */
  get size(): number {
    return this.#members.size;
  }

  /** Cohorts now (distinct document, scopes and variables among the live subscriptions). */
  get cohortCount(): number {
    return this.#cohortCount;
  }

  /**
   * The subscription's member, or the subscribe step's errors: those the
   * field's subscribe resolver answers, or, for a watch member, located as
   * graphql-js locates them.
   */
  async join(args: ExecutionArgs): Promise<Joined> {
    const context = args.contextValue as LiveContext & { [SENDS_MEMBERS]?: boolean };
    const principal = principalOf(this.options, context);
    const watch = this.#watchOf(args, context, principal);
    if (watch && !('field' in watch)) return watch;
    if (watch) return this.#joinWatch(args, context, principal as Principal, watch);
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream as ExecutionResult;
    const cohort = this.#hold(args, context, principal);
    const member = new StreamMember(this, cohort, stream, () => this.options.schema.cursorOf(context));
    this.#admit(member, context);
    return this.#handOut(member, context);
  }

  /**
   * What a watch member would follow, when one serves the operation: `task`
   * or `taskCompleted` alone, without directives, not resuming (`after`, or
   * Last-Event-ID over SSE), without a deadline, for a principal with the
   * `status` scope and no read grant (those take a stream, which answers them).
   */
  #watchOf(
    args: ExecutionArgs,
    context: LiveContext,
    principal: Principal | null,
  ): (WatchTarget & { field: FieldNode }) | ExecutionResult | null {
    const field = plainFieldOf(args.document, args.operationName);
    if (!field || !Object.hasOwn(WATCHED, field.name.value)) return null;
    const definition = args.schema.getSubscriptionType()?.getFields()[field.name.value];
    const operation = getOperationAST(args.document, args.operationName);
    if (!definition || !operation) return null;
    const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
    if (coerced.errors) return null;
    const { id, untilReady, after, timeoutSeconds } = getArgumentValues(definition, field, coerced.coerced) as {
      id: string | number;
      untilReady?: boolean;
      after?: string | null;
      timeoutSeconds?: number | null;
    };
    const request = (context as { request?: Request }).request;
    if (after != null || timeoutSeconds != null || request?.headers.get('last-event-id')) return null;
    if (!principal || principal.grant || !principal.scopes.has('status')) return null;
    try {
      const taskId = this.options.schema.checkTaskId(id, context);
      return { field, id: taskId, untilReady: untilReady ?? true, readyOnly: WATCHED[field.name.value] === true };
    } catch (error) {
      const located = error instanceof LensError ? this.options.schema.toGraphQLError(error) : error;
      return { errors: [locatedError(located, [field], [field.alias?.value ?? field.name.value])] };
    }
  }

  async #joinWatch(
    args: ExecutionArgs,
    context: LiveContext,
    principal: Principal,
    target: WatchTarget & { field: FieldNode },
  ): Promise<Joined> {
    const cohort = this.#hold(args, context, principal);
    const member = new WatchMember(this, cohort, target, clientBuffered(context));
    this.#admit(member, context);
    if (member.reEmits) reEmitsOf(context)?.add(member);
    try {
      await member.open(context.watchQuota);
    } catch (error) {
      member.stop();
      const located = error instanceof LensError ? this.options.schema.toGraphQLError(error) : error;
      const path = [target.field.alias?.value ?? target.field.name.value];
      return { errors: [locatedError(located, [target.field], path)] };
    }
    return this.#handOut(member, context);
  }

  /** Wrapped for a transport that sends members itself (graphql-ws, our SSE writer); as a stream for any other. */
  #handOut(member: Member, context: object): Joined {
    const sends = (context as { [SENDS_MEMBERS]?: boolean })[SENDS_MEMBERS] === true;
    const request = (context as { request?: Request }).request;
    if (sends || (request && acceptsEventStream(request.headers.get('accept'))))
      return { [MEMBER]: member } as ExecutionResult;
    return member;
  }

  /** Holds the operation's cohort and group (given back when the member leaves). */
  #hold(args: ExecutionArgs, context: LiveContext, principal: Principal | null): Cohort {
    // A read token sees only what its grant covers: its group is its own.
    const scopes =
      (principal ? scopesKey(principal.scopes) : '') +
      (principal?.grant ? ` ${principal.id} ${principal.grant.expiresAt}` : '');
    const groupKey = `${documentId(args.document)}\n${args.operationName ?? ''}\n${scopes}`;
    const group = this.#groups.hold(groupKey, () => this.#group(groupKey, args, context, principal));
    // Keyed within its group: a cohort per task id keeps no copy of the group's key.
    return group.cohorts.hold(JSON.stringify(args.variableValues ?? {}), (cohortKey) => {
      this.#cohortCount += 1;
      return { group, key: cohortKey, variables: args.variableValues ?? undefined, memo: null };
    });
  }

  #admit(member: Member, context: LiveContext): void {
    this.#members.add(member);
    this.#bind(context);
  }

  resultFor(cohort: Cohort, event: unknown): Promise<ExecutionResult> {
    const shared = typeof event === 'object' && event !== null;
    const known = shared ? cohort.memo?.get(event) : undefined;
    if (known) return known;
    const { group } = cohort;
    this.executions += 1;
    const onUnexpected = this.options.onUnexpected ?? (() => {});
    const result = Promise.resolve(
      execute({
        schema: group.schema,
        document: group.document,
        operationName: group.operationName,
        rootValue: event,
        contextValue: group.context,
        variableValues: cohort.variables,
      }),
    ).then((executed) => masked(executed, onUnexpected));
    if (shared) {
      if (!cohort.memo) {
        const memo = new Map<object, Promise<ExecutionResult>>();
        cohort.memo = memo;
        // Forgotten after this turn: no result outlives its delivery (the watcher keeps each task's latest).
        setImmediate(() => {
          if (cohort.memo === memo) cohort.memo = null;
        });
      }
      cohort.memo.set(event, result);
    }
    return result;
  }

  leave(member: Member): void {
    if (!this.#members.delete(member)) return;
    const { cohort } = member;
    if (member instanceof WatchMember && member.reEmits) reEmitsOf(cohort.group.context)?.remove(member);
    cohort.group.cohorts.release(cohort.key, cohort);
    this.#groups.release(cohort.group.key, cohort.group);
    if (this.#members.size === 0 && this.#unbind) {
      this.#unbind();
      this.#unbind = null;
    }
  }

  /**
   * The group's shared context: the operation's, without what belongs to its
   * connection (socket, request, credentials, the connection's watch quota),
   * acting as a principal with the group's scopes (and read grant), no caller's.
   */
  #group(key: string, args: ExecutionArgs, context: LiveContext, principal: Principal | null): Group {
    const copy: Record<string | symbol, unknown> = { ...context, watchQuota: new WatchQuota(0, 'connection') };
    for (const name of PER_OPERATION) delete copy[name];
    const shared = copy as unknown as LiveContext;
    // No one caller's: what its selections may read is the scopes (or the grant) every member has.
    if (principal) {
      const id = `cohort (${scopesKey(principal.scopes)})`;
      actAs(
        shared,
        principal.grant ? { id, scopes: principal.scopes, grant: principal.grant } : { id, scopes: principal.scopes },
      );
    }
    const operation = getOperationAST(args.document, args.operationName);
    return {
      key,
      cohorts: new SharedSource<Cohort>(() => {
        this.#cohortCount -= 1;
      }),
      context: shared,
      schema: args.schema,
      document: args.document,
      operationName: args.operationName,
      readsEvents: operation != null && this.options.schema.readsEvents(operation, args.document.definitions),
    };
  }

  /** One listener for the app's shutdown, while any member lives. */
  #bind(context: LiveContext): void {
    if (this.#unbind) return;
    const stopAll = () => {
      for (const member of [...this.#members]) member.stop();
    };
    context.shutdown.addEventListener('abort', stopAll, { once: true });
    this.#unbind = () => context.shutdown.removeEventListener('abort', stopAll);
  }
}
