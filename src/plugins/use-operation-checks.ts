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
 * (Yoga's HTTP, graphql-ws) since all go through Envelop.
 */
import { PothosValidationError } from '@pothos/core';
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  type ASTVisitFn,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  type OperationDefinitionNode,
  TypeInfo,
  ValidationContext,
  getOperationAST,
} from 'graphql';
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

type Hooks = { enter?: ASTVisitFn<OperationDefinitionNode>; leave?: ASTVisitFn<OperationDefinitionNode> };

/**
 * Pothos' complexity rule, applied to the one operation that runs. Run by
 * graphql's validate() it would walk the whole document with a TypeInfo
 * (50 µs for a task(id) lookup); it only needs the operation (8 µs). It also
 * coerces the variables, and reports those that do not fit.
 */
function check(
  args: ExecutionArgs,
  operation: OperationDefinitionNode,
  limits: OperationLimits,
): readonly GraphQLError[] {
  const errors: GraphQLError[] = [];
  const reported: GraphQLError[] = [];
  const context = new ValidationContext(args.schema, args.document, new TypeInfo(args.schema), (error) =>
    reported.push(error),
  );
  const rule = createComplexityRule({
    context: args.contextValue as object,
    variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
    operationName: operation.name?.value ?? null,
    validate: ({ depth, complexity }) => {
      if (depth > limits.maxDepth) errors.push(tooComplex('depth', depth, limits.maxDepth));
      else if (complexity > limits.maxComplexity)
        errors.push(tooComplex('complexity', complexity, limits.maxComplexity));
    },
  });
  const visitor = (rule(context) as { OperationDefinition?: Hooks | ASTVisitFn<OperationDefinitionNode> })
    .OperationDefinition;
  const hooks: Hooks = typeof visitor === 'function' ? { enter: visitor } : (visitor ?? {});
  hooks.enter?.call(undefined, operation, undefined, undefined, [], []);
  hooks.leave?.call(undefined, operation, undefined, undefined, [], []);
  // What else the rule reports are variables that do not coerce; a failure of its own is left to execute().
  const variableErrors = reported.filter(
    (error) => !(error instanceof PothosValidationError) && !(error.originalError instanceof PothosValidationError),
  );
  return [
    ...variableErrors.map((error) =>
      createGraphQLError(error.message, {
        nodes: error.nodes ?? null,
        extensions: { code: 'BAD_USER_INPUT', http: badRequest },
      }),
    ),
    ...errors,
  ];
}

export function useOperationChecks(limits: OperationLimits): Plugin {
  // Without variables the answer never changes: by document (Yoga's parse cache
  // hands back the same one for the same text), then by operation.
  const constant = new WeakMap<DocumentNode, Map<OperationDefinitionNode, readonly GraphQLError[]>>();
  const errorsOf = (args: ExecutionArgs): readonly GraphQLError[] => {
    const operation = getOperationAST(args.document, args.operationName);
    // No operation to run: execute() says why, as graphql-js does.
    if (!operation) return [];
    if ((operation.variableDefinitions ?? []).length > 0) return check(args, operation, limits);
    let byOperation = constant.get(args.document);
    if (!byOperation) constant.set(args.document, (byOperation = new Map()));
    let errors = byOperation.get(operation);
    if (!errors) byOperation.set(operation, (errors = check(args, operation, limits)));
    return errors;
  };
  const stopIfRejected = (args: ExecutionArgs, stop: (result: ExecutionResult) => void) => {
    const errors = errorsOf(args);
    if (errors.length > 0) stop({ errors });
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => stopIfRejected(args, setResultAndStopExecution),
    onSubscribe: ({ args, setResultAndStopExecution }) => stopIfRejected(args, setResultAndStopExecution),
  };
}
