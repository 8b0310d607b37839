/**
 * A read token's holder asks only for what its grant covers: before an
 * operation runs (or a subscription watches anything), each root field and
 * the ids it names are checked (src/schema/read-grant.ts); one refusal
 * refuses the operation with FORBIDDEN. Mutations are refused whole. The
 * objects an answer reaches through links are checked again on their types.
 */
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type GraphQLField,
  Kind,
  type SelectionSetNode,
  getOperationAST,
  valueFromAST,
} from 'graphql';
import { type Plugin, createGraphQLError } from 'graphql-yoga';
import type { Config } from '../config/config.ts';
import type { LensContext } from '../schema/context.ts';
import { checkRootField, grantOf } from '../schema/read-grant.ts';

/** The root fields of a selection, through fragments (directives ignored: checking more is safe). */
function rootFields(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, document, seen);
    const name = selection.name.value;
    if (seen.has(name)) return [];
    seen.add(name);
    const fragment = document.definitions.find(
      (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name,
    );
    return fragment?.kind === Kind.FRAGMENT_DEFINITION ? rootFields(fragment.selectionSet, document, seen) : [];
  });
}

function argumentValues(
  definition: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: ExecutionArgs['variableValues'],
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const argument of definition.args) {
    const given = node.arguments?.find((candidate) => candidate.name.value === argument.name);
    const value = given ? valueFromAST(given.value, argument.type, variables ?? {}) : undefined;
    values[argument.name] = value ?? argument.defaultValue;
  }
  return values;
}

async function refusal(args: ExecutionArgs) {
  const context = args.contextValue as LensContext;
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return null; // graphql-js answers that itself
  if (operation.operation === 'mutation') {
    return createGraphQLError('a read token cannot run mutations', { extensions: { code: 'FORBIDDEN' } });
  }
  const root = operation.operation === 'subscription' ? args.schema.getSubscriptionType() : args.schema.getQueryType();
  for (const field of rootFields(operation.selectionSet, args.document)) {
    const definition = root?.getFields()[field.name.value];
    const refused = await checkRootField(
      field.name.value,
      definition ? argumentValues(definition, field, args.variableValues) : {},
      context,
    );
    if (refused) return refused;
  }
  return null;
}

export function useReadToken(config: Pick<Config, 'auth'>): Plugin {
  // Without --auth every caller reads everything; a token adds nothing to check.
  if (!config.auth) return {};
  // Synchronous for every other credential: no extra turn on the hot path.
  const check = ({
    args,
    setResultAndStopExecution,
  }: {
    args: ExecutionArgs;
    setResultAndStopExecution: (result: ExecutionResult) => void;
  }) => {
    if (!grantOf(args.contextValue as LensContext)) return undefined;
    return refusal(args).then((refused) => {
      if (refused) setResultAndStopExecution({ errors: [refused] });
    });
  };
  return { onExecute: check, onSubscribe: check };
}
