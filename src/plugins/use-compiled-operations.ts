/**
 * Compiled operations (--jit): a query whose document has been run more than
 * --jit-threshold times is compiled once with graphql-jit into a function
 * that resolves its selection without walking the AST again, and runs
 * without the per-request work that depends only on the document and the
 * caller's scopes:
 *
 * - Auth is decided once per document and scope set. The compiled function
 *   runs on the schema built without Pothos' scope-auth wrappers
 *   (src/schema/index.ts), which is exact when every field the document names
 *   is allowed to the caller: its scopes cover each field's static
 *   `authScopes` (decided once per document and scope set here), and it holds
 *   no read-token grant (the type-level checks of Task, Group and Goal
 *   are grant checks, read-grant.ts, true without one). Any other caller —
 *   a key short of a scope the document needs, a read token — runs on
 *   graphql-js with every check, and gets its FORBIDDEN from there.
 * - Parse, validation, limits and depth/cost of a document without
 *   variables are cached already (Yoga, use-operation-checks.ts).
 *
 * Answers are graphql-js' byte for byte (test/integration/jit.test.ts runs
 * every operation of the tests, the web page and the client both ways).
 * graphql-jit shapes errors otherwise (no `locations` on resolver errors,
 * `data` before `errors`), so a compiled run whose result carries errors is
 * answered by graphql-js instead: errors are the rare answer, and a query
 * can be read twice (the request's loaders already hold what it read).
 *
 * Left to graphql-js: mutations (they cannot run twice), long polls
 * (`awaitTask`, `awaitTasks`: an answer with an error would wait twice),
 * subscriptions
 * (the live core shares their results among subscribers, src/live/live-core.ts), documents
 * with several operations, and the first runs of every document, so a
 * client that inlines its ids in each document pays no compile.
 *
 * The Guild's @envelop/graphql-jit plugin was tried first: it compiles on
 * the request's schema (no way to leave the auth wrappers out for callers
 * they cannot refuse), answers graphql-jit's error shapes, and keys its
 * cache by document whatever the operation name.
 */
import {
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  TypeInfo,
  execute,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Logger } from 'pino';
import { principalOf } from '../auth/principal-of.ts';
import { type Scope, scopesKey } from '../auth/principal.ts';
import type { Config } from '../config/config.ts';

/** Scope sets a document needs: each field, any one of its set; null when a field's rule is not a static one. */
type Needs = readonly (readonly string[])[] | null;

interface Entry {
  /** The document's only operation, when it is a query. */
  readonly query: OperationDefinitionNode | null;
  runs: number;
  needs?: Needs;
  /** Whether each scope set (joined) covers `needs`. */
  readonly covered: Map<string, boolean>;
  /** Compiled on first use past the threshold; null when graphql-jit could not. */
  compiled?: CompiledQuery | null;
}

/** Query fields that wait: run twice (an answer with errors), they would wait twice. */
const LONG_POLLS = new Set(['awaitTask', 'awaitTasks']);

function waits(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (LONG_POLLS.has(node.name.value)) found = true;
    },
  });
  return found;
}

/** The document's only operation when it is a query that may be compiled. */
function onlyQuery(document: DocumentNode): OperationDefinitionNode | null {
  let found: OperationDefinitionNode | null = null;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (found) return null;
    found = definition;
  }
  return found?.operation === OperationTypeNode.QUERY && !waits(document) ? found : null;
}

/** Pothos' authScopes of a type or field, as the scope names of a plain `{ scope: true }` map (any of them). */
function staticScopes(rule: unknown): readonly string[] | 'none' | 'dynamic' {
  if (rule === undefined) return 'none';
  if (typeof rule !== 'object' || rule === null) return 'dynamic';
  const entries = Object.entries(rule);
  if (entries.some(([name, value]) => name.startsWith('$') || value !== true)) return 'dynamic';
  return entries.map(([name]) => name);
}

const authScopesOf = (thing: { extensions?: { pothosOptions?: unknown } } | null | undefined): unknown =>
  (thing?.extensions?.pothosOptions as { authScopes?: unknown } | undefined)?.authScopes;

/**
 * What each field of the document asks of the caller's scopes: the field's
 * own rule and its type's. Object types' rules are functions (read-grant.ts'
 * grant checks), which pass for callers without a grant.
 */
function needsOf(schema: GraphQLSchema, document: DocumentNode): Needs {
  const typeInfo = new TypeInfo(schema);
  const needs: (readonly string[])[] = [];
  let decidable = true;
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const typeRule = authScopesOf(parent);
        // Object types' functions are read-grant.ts' grant checks; a root type's rule applies to its fields.
        const grantCheck = typeof typeRule === 'function' && !roots.has(parent as never);
        for (const rule of [authScopesOf(typeInfo.getFieldDef()), grantCheck ? undefined : typeRule]) {
          const scopes = staticScopes(rule);
          if (scopes === 'dynamic') decidable = false;
          else if (scopes !== 'none') needs.push(scopes);
        }
      },
    }),
  );
  return decidable ? needs : null;
}

export function useCompiledOperations(
  config: Pick<Config, 'jitThreshold' | 'auth' | 'apiKeys' | 'tokenSecret'>,
  unguarded: () => GraphQLSchema,
  logger: Logger,
): Plugin {
  // Yoga's parse cache hands back the same document for the same text, so a
  // document object is a document seen before; weakly held, it goes with that cache.
  const entries = new WeakMap<DocumentNode, Entry>();

  const covered = (entry: Entry, args: ExecutionArgs, scopes: ReadonlySet<Scope>): boolean => {
    const key = scopesKey(scopes);
    let answer = entry.covered.get(key);
    if (answer === undefined) {
      entry.needs ??= needsOf(args.schema, args.document);
      answer = entry.needs !== null && entry.needs.every((any) => any.some((scope) => scopes.has(scope as Scope)));
      entry.covered.set(key, answer);
    }
    return answer;
  };

  const compiledOf = (entry: Entry, args: ExecutionArgs): CompiledQuery | null => {
    if (entry.compiled !== undefined) return entry.compiled;
    // graphql-jit's own fix for @skip/@include on fragment spreads (graphql-jit#197): what graphql-js does.
    const result = compileQuery(unguarded(), args.document, args.operationName ?? undefined, {
      useExperimentalPathBasedSkipInclude: true,
    });
    if (isCompiledQuery(result)) {
      logger.info({ operation: entry.query?.name?.value ?? null }, 'operation compiled');
      return (entry.compiled = result);
    }
    // A document graphql-js validated that graphql-jit cannot compile: said, and left to graphql-js.
    logger.error({ errors: result.errors?.map((error) => error.message) }, 'graphql-jit could not compile a document');
    return (entry.compiled = null);
  };

  /** The compiled function for this run, or null for graphql-js. */
  const compiledFor = (args: ExecutionArgs): CompiledQuery | null => {
    let entry = entries.get(args.document);
    if (!entry) entries.set(args.document, (entry = { query: onlyQuery(args.document), runs: 0, covered: new Map() }));
    const { query } = entry;
    // A name that is not the operation's: graphql-js answers that it names none.
    if (!query || (args.operationName != null && args.operationName !== query.name?.value)) return null;
    if (entry.runs < config.jitThreshold) {
      entry.runs += 1;
      return null;
    }
    const principal = principalOf(config, args.contextValue as object);
    if (!principal || principal.grant || !covered(entry, args, principal.scopes)) return null;
    return compiledOf(entry, args);
  };

  return {
    onExecute({ args, setExecuteFn }) {
      const compiled = compiledFor(args);
      if (!compiled) return;
      setExecuteFn(async (run: ExecutionArgs) => {
        const result = await compiled.query(run.rootValue, run.contextValue, run.variableValues);
        if (!result.errors?.length) return result;
        // graphql-js' own errors, located and ordered as it answers them: on a
        // copy of the context, so its loaders read afresh as a first run does
        // (cached failures would come back first and reorder the errors).
        return execute({ ...run, contextValue: { ...(run.contextValue as object) } });
      });
    },
  };
}
