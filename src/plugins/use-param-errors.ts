/**
 * Malformed GraphQL parameters are the client's fault: HTTP 400 with
 * BAD_REQUEST, like Yoga's own answer to `variables=[1]`. Yoga's GET,
 * form-urlencoded and multipart parsers JSON.parse `variables`,
 * `extensions` and `operations` unguarded, so `variables={bad` was a masked
 * INTERNAL_SERVER_ERROR with HTTP 500. This wraps whichever parser Yoga chose.
 */
import { type Plugin, createGraphQLError } from 'graphql-yoga';

export function useParamErrors(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          throw createGraphQLError(
            `a request parameter (variables, extensions or operations) is not valid JSON: ${error.message}`,
            {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            },
          );
        }
      });
    },
  };
}
