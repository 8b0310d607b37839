import { getOperationAST } from 'graphql';
import { type Plugin, createGraphQLError } from 'graphql-yoga';

/**
 * The content types any web page may POST to another site without a CORS
 * preflight (HTML forms, `fetch` with `mode: 'no-cors'`). Yoga runs a
 * form-encoded or multipart mutation (`createGoal`, `attachTask`) sent that
 * way from any site the operator's browser visits, with the operator's network
 * position; clients of celery-lens send JSON. Queries stay allowed: the page
 * cannot read their answer, and a GET would do the same.
 */
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** As browsers and Yoga read it: the first of a list, parameters and case aside. */
const mediaType = (request: Request | undefined) =>
  (request?.headers.get('content-type') ?? '').split(/[,;]/)[0]?.trim().toLowerCase() ?? '';

/** Refuses a mutation sent in a form or plain-text body with 415 and UNSUPPORTED_MEDIA_TYPE; it does not run. */
export function useCsrfGuard(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (request?.method !== 'POST') return;
      const type = mediaType(request);
      if (!SIMPLE_TYPES.includes(type)) return;
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      const message = `a mutation in a ${type} body is refused (any web page can send one without CORS); send application/json`;
      setResultAndStopExecution({
        errors: [
          createGraphQLError(message, { extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', http: { status: 415 } } }),
        ],
      });
    },
  };
}
