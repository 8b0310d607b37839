/**
 * Limits on what one document may contain, checked while parsing and
 * validating (before anything runs), with graphql-armor: aliases, tokens and
 * directives; and, before parsing, how deeply it nests. Depth and complexity:
 * use-operation-checks.ts. Every rejection is a QUERY_TOO_COMPLEX error
 * naming the measure and its limit.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { nestsDeeperThan } from './document-nesting.ts';

export interface QueryLimits {
  readonly maxAliases: number;
  readonly maxTokens: number;
  readonly maxDirectives: number;
  /** The deepest selection allowed (use-operation-checks.ts): documents may nest somewhat deeper. */
  readonly maxDepth: number;
}

/**
 * Most levels of `{`, `[` and `(` in a document, whatever --max-tokens
 * allows: a quarter of where the parser overflows (document-nesting.ts), and
 * still room for the deepest --max-depth selection and its arguments.
 */
const MAX_NESTING = 500;

class NestingRefusal extends GraphQLError {
  constructor(limit: number) {
    super(`the document nests deeper than ${limit} levels`, {
      extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'nesting', limit, http: { status: 400 } },
    });
  }
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
  const armor = EnvelopArmorPlugin({
    maxAliases: coded('maxAliases', limits.maxAliases),
    maxTokens: coded('maxTokens', limits.maxTokens),
    maxDirectives: coded('maxDirectives', limits.maxDirectives),
    // Pothos' complexity plugin bounds depth and cost with the schema's own weights.
    maxDepth: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: true },
  }) as Plugin;
  const nesting = Math.max(MAX_NESTING, limits.maxDepth + 100);
  // Measured when a document is parsed, around armor's token-counting parser (so added after
  // armor, whose parser ignores the one it is given): a document in Yoga's parse cache is not
  // scanned again on every request. The refusal is thrown on at the parse's end, before Yoga
  // caches it or answers it as a syntax error (GraphQL over HTTP: 200 to application/json).
  const nestingLimit: Plugin = {
    onParse: ({ parseFn, setParseFn }) => {
      setParseFn((source, options) => {
        if (nestsDeeperThan(typeof source === 'string' ? source : source.body, nesting))
          throw new NestingRefusal(nesting);
        return parseFn(source, options);
      });
      return ({ result }) => {
        if (result instanceof NestingRefusal) throw result;
      };
    },
  };
  return {
    onPluginInit: ({ addPlugin }) => {
      addPlugin(armor);
      addPlugin(nestingLimit);
    },
  };
}
