/**
 * Checks an operation's variables, depth and cost before anything runs, so a
 * rejected operation answers errors only (no `data`), coded, with HTTP 400:
 *
 * - variables that do not fit their declared types (or a required one left
 *   out): BAD_USER_INPUT. graphql-js reports these from execute() uncoded,
 *   with HTTP 200;
 * - depth or cost beyond --max-depth / --max-complexity: QUERY_TOO_COMPLEX,
 *   measured with the schema's own weights (Pothos' complexity plugin).
 *   Pothos checks when the first root field resolves, which answered
 *   `data: {task: null}` next to the error.
 *
 * Runs for queries, mutations and subscriptions alike, on every transport
 * (the JSON fast path, Yoga's HTTP, graphql-ws) since all go through Envelop.
 */
import { createComplexityRule } from '@pothos/plugin-complexity';
import { type DocumentNode, type ExecutionArgs, type ExecutionResult, GraphQLError, getOperationAST, getVariableValues, validate } from 'graphql';
import { type Plugin, createGraphQLError } from 'graphql-yoga';

export interface OperationLimits {
  readonly maxDepth: number;
  readonly maxComplexity: number;
}

const badRequest = { status: 400 } as const;

function tooComplex(measure: 'depth' | 'complexity', value: number, limit: number): GraphQLError {
  return createGraphQLError(`the query's ${measure} is ${value}; the limit is ${limit}`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', measure, value, limit, http: badRequest },
  });
}

/** Cost errors of documents without variables, whose cost never changes, by operation name. */
type CostCache = WeakMap<DocumentNode, Map<string, readonly GraphQLError[]>>;

function costErrors(args: ExecutionArgs, limits: OperationLimits, variableValues: Record<string, unknown>): readonly GraphQLError[] {
  const errors: GraphQLError[] = [];
  const rule = createComplexityRule({
    context: args.contextValue as object,
    variableValues,
    operationName: args.operationName ?? null,
    validate: ({ depth, complexity }) => {
      if (depth > limits.maxDepth) errors.push(tooComplex('depth', depth, limits.maxDepth));
      else if (complexity > limits.maxComplexity) errors.push(tooComplex('complexity', complexity, limits.maxComplexity));
    },
  });
  // Errors of the rule itself (an unknown operation) are left to execute(), which reports them as graphql-js does.
  validate(args.schema, args.document, [rule]);
  return errors;
}

/** The errors that stop `args` before it runs; none when it may run. */
function check(args: ExecutionArgs, limits: OperationLimits, costOfConstant: CostCache): readonly GraphQLError[] {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return [];
  const variableValues = (args.variableValues ?? {}) as Record<string, unknown>;
  const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], variableValues, { maxErrors: 20 });
  if (coerced.errors) {
    return coerced.errors.map((error) =>
      createGraphQLError(error.message, { nodes: error.nodes ?? null, extensions: { code: 'BAD_USER_INPUT', http: badRequest } }),
    );
  }
  if ((operation.variableDefinitions ?? []).length > 0) return costErrors(args, limits, variableValues);
  let byName = costOfConstant.get(args.document);
  if (!byName) costOfConstant.set(args.document, (byName = new Map()));
  const name = args.operationName ?? '';
  let errors = byName.get(name);
  if (!errors) byName.set(name, (errors = costErrors(args, limits, variableValues)));
  return errors;
}

export function useOperationChecks(limits: OperationLimits): Plugin {
  // Yoga's parse cache hands back the same document for the same query text.
  const costOfConstant: CostCache = new WeakMap();
  const stopIfRejected = (args: ExecutionArgs, stop: (result: ExecutionResult) => void) => {
    const errors = check(args, limits, costOfConstant);
    if (errors.length > 0) stop({ errors });
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => stopIfRejected(args, setResultAndStopExecution),
    onSubscribe: ({ args, setResultAndStopExecution }) => stopIfRejected(args, setResultAndStopExecution),
  };
}
