/**
 * What a read token's holder may read (src/auth/read-token.ts; the mutation
 * that creates tokens is src/schema/read-token.ts).
 *
 * A holder reads exactly its grant: one task, one workflow (its root and
 * every task whose root is that root), or one goal (the goal and its
 * attempts). It is checked twice:
 *
 * - on the root field's arguments before anything runs or is watched
 *   (plugins/use-read-token.ts calls `checkRootField`): `task`, `tasks`,
 *   `taskGraph`, `goal`, `awaitTask(s)`, the subscriptions; every other root
 *   field is refused;
 * - on every Task, Group and Goal object an answer or event holds (type-level
 *   scopes run on the type, `runScopesOnType`): links (`parent`,
 *   `children`, `root`, `group`, a goal's attempts) cannot reach past it.
 *
 * A workflow's member is proven by its events' `root_id` (recorded by the
 * consumer) or by following stored `parent_id`s up to the root; a task
 * neither tells yet (not sent, or not seen) is refused until one does.
 * Proofs are remembered (a task's root never changes).
 */
import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { principalOf } from '../auth/principal-of.ts';
import { type ReadGrant, TokenExpiredError } from '../auth/read-token.ts';
import type { Goal } from '../store/goal-types.ts';
import type { TaskSnapshot } from '../read/task-snapshot.ts';
import { LensError } from '../errors/lens-error.ts';
import type { LensContext } from './context.ts';
import { toGraphQLError, withCodes } from './graphql-error.ts';

/**
 * The two facts a membership proof reads, batched per tick. Not cached: a
 * subscription keeps its context, and a task not known yet may be later.
 * Imports no schema type, so that the types can use these checks.
 */
const loadersOf = createContextCache((context: LensContext) => {
  const unwrap = <T>(values: readonly (T | Error)[]) =>
    values.map((value) => (value instanceof LensError ? toGraphQLError(value) : value));
  return {
    rootId: new DataLoader<string, string | null>(
      async (ids) =>
        unwrap(
          (await withCodes(() => context.history.readHistory(ids))).map((read) =>
            read instanceof Error ? read : read.rootId,
          ),
        ),
      { cache: false },
    ),
    parentId: new DataLoader<string, string | null>(
      async (ids) =>
        unwrap(
          (await withCodes(() => context.backend.readTasks(ids, { ttl: 'none' }))).map((read) =>
            read instanceof Error ? read : (read.meta?.parentId ?? null),
          ),
        ),
      { cache: false },
    ),
  };
});

export const grantOf = (context: LensContext): ReadGrant | null => principalOf(context.config, context)?.grant ?? null;

const forbidden = (what: string) =>
  new GraphQLError(`this read token does not cover ${what}`, { extensions: { code: 'FORBIDDEN' } });

/** Fails every object of a token past its expiry, events of a live subscription included. */
function checkExpiry(grant: ReadGrant): void {
  if (grant.expiresAt <= Date.now()) throw toGraphQLError(new TokenExpiredError(grant.expiresAt));
}

/** Workflow memberships proven, `root\ntask`; bounded (cleared when full). */
const proven = new Set<string>();
const PROVEN_MAX = 100_000;
const remember = (root: string, id: string) => {
  if (proven.size >= PROVEN_MAX) proven.clear();
  proven.add(`${root}\n${id}`);
};

/** Whether `id` belongs to the workflow rooted at `root`: its events' root_id, or its parent chain up to the root. */
async function inWorkflow(id: string, root: string, context: LensContext, known?: TaskSnapshot): Promise<boolean> {
  const chain = new Set<string>();
  const proved = () => {
    for (const member of chain) remember(root, member);
    return true;
  };
  const loaders = loadersOf(context);
  let current: string | null = id;
  let snapshot = known;
  while (current !== null) {
    if (current === root || proven.has(`${root}\n${current}`)) return proved();
    if (chain.has(current) || chain.size >= context.config.maxGraphNodes) return false;
    chain.add(current);
    const rootId = await loaders.rootId.load(current);
    if (rootId !== null) return rootId === root ? proved() : false;
    current = snapshot ? (snapshot.meta?.parentId ?? null) : await loaders.parentId.load(current);
    snapshot = undefined;
  }
  return false;
}

/** The attempts of the granted goal, read once per tick (a subscription's events read it fresh). */
const attemptsRead = new WeakMap<LensContext, Promise<ReadonlySet<string>>>();
function goalAttempts(key: string, context: LensContext): Promise<ReadonlySet<string>> {
  let read = attemptsRead.get(context);
  if (!read) {
    read = withCodes(() => context.goals.read(key)).then((goal) => new Set(goal?.attempts ?? []));
    attemptsRead.set(context, read);
    setImmediate(() => attemptsRead.delete(context));
  }
  return read;
}

async function coversTask(grant: ReadGrant, id: string, context: LensContext, known?: TaskSnapshot): Promise<boolean> {
  if (grant.kind === 'task') return id === grant.id;
  if (grant.kind === 'root') return inWorkflow(id, grant.id, context, known);
  return (await goalAttempts(grant.id, context)).has(id);
}

/** Type-level scope of Task: true without a grant (cheap, synchronous), else whether the grant covers it. */
export function taskAllowed(task: TaskSnapshot, context: LensContext): boolean | Promise<boolean> {
  const grant = grantOf(context);
  if (!grant) return true;
  checkExpiry(grant);
  if (grant.kind === 'task') return task.id === grant.id;
  return coversTask(grant, task.id, context, task);
}

/** A group's counts tell of its other members: only a workflow's token reads groups (their tasks are checked one by one). */
export function groupAllowed(_group: object, context: LensContext): boolean {
  const grant = grantOf(context);
  if (!grant) return true;
  checkExpiry(grant);
  return grant.kind === 'root';
}

export function goalAllowed(goal: Goal, context: LensContext): boolean {
  const grant = grantOf(context);
  if (!grant) return true;
  checkExpiry(grant);
  return grant.kind === 'goal' && goal.key === grant.id;
}

/** How each root field a token may use names what it reads. */
const ROOT_FIELDS: Readonly<Record<string, { readonly arg: string; readonly reads: 'task' | 'graph' | 'goal' }>> = {
  task: { arg: 'id', reads: 'task' },
  tasks: { arg: 'ids', reads: 'task' },
  taskCompleted: { arg: 'id', reads: 'task' },
  awaitTask: { arg: 'id', reads: 'task' },
  awaitTasks: { arg: 'ids', reads: 'task' },
  taskGraph: { arg: 'rootId', reads: 'graph' },
  goal: { arg: 'key', reads: 'goal' },
};

/**
 * Whether a token's holder may ask this root field with these arguments;
 * the refusal (FORBIDDEN) otherwise. Ids that fail the pattern are left to
 * the field's own INVALID_TASK_ID.
 */
export async function checkRootField(
  name: string,
  args: Readonly<Record<string, unknown>>,
  context: LensContext,
): Promise<GraphQLError | null> {
  const grant = grantOf(context);
  if (!grant || name === '__typename') return null;
  const field = ROOT_FIELDS[name];
  if (!field)
    return forbidden(
      `${name}: a read token reads only task, tasks, taskGraph, goal, awaitTask(s) and their subscriptions`,
    );
  const value = args[field.arg];
  const ids = (Array.isArray(value) ? value : [value]).map(String);
  if (field.reads === 'goal') return grant.kind === 'goal' && ids[0] === grant.id ? null : forbidden(`goal ${ids[0]}`);
  if (field.reads === 'graph' && grant.kind !== 'root')
    return forbidden(`taskGraph: only a workflow's token (rootId) reads graphs`);
  const pattern = context.config.taskIdPattern;
  for (const id of ids) {
    if (!pattern.test(id)) continue;
    if (!(await coversTask(grant, id, context))) return forbidden(`task ${id}`);
  }
  return null;
}
