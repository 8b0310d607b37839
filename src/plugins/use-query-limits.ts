/**
 * Limits on what one document may contain, checked while parsing and
 * validating (before anything runs), with graphql-armor: aliases, tokens and
 * directives. Depth and complexity: use-operation-checks.ts. Every
 * rejection is a QUERY_TOO_COMPLEX error naming the measure and its limit.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface QueryLimits {
  readonly maxAliases: number;
  readonly maxTokens: number;
  readonly maxDirectives: number;
}

function coded(measure: keyof QueryLimits, limit: number) {
  return {
    n: limit,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const rejection = new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
          extensions: { code: 'QUERY_TOO_COMPLEX', measure, limit },
        });
        // Validation rules report; the token counter runs inside the parser and can only throw.
        if (context) context.reportError(rejection);
        else throw rejection;
      },
    ],
  };
}

export function useQueryLimits(limits: QueryLimits): Plugin {
  return EnvelopArmorPlugin({
    maxAliases: coded('maxAliases', limits.maxAliases),
    maxTokens: coded('maxTokens', limits.maxTokens),
    maxDirectives: coded('maxDirectives', limits.maxDirectives),
    // Pothos' complexity plugin bounds depth and cost with the schema's own weights.
    maxDepth: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: true },
  }) as Plugin;
}
