import type { Plugin } from 'graphql-yoga';

/**
 * The content types any web page may POST to another site without a CORS
 * preflight (HTML forms, `fetch` with `mode: 'no-cors'`). Yoga would run a
 * form-encoded mutation (`createGoal`, `attachTask`) sent that way from any
 * site the operator's browser visits; clients of celery-lens send JSON.
 */
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Refuses POSTs whose body is a form or plain text with 415 and UNSUPPORTED_MEDIA_TYPE. */
export function useCsrfGuard(): Plugin {
  return {
    onRequest({ request, endResponse }) {
      if (request.method !== 'POST') return;
      // As browsers and Yoga read it: the first of a list, parameters and case aside.
      const type = (request.headers.get('content-type') ?? '').split(/[,;]/)[0]?.trim().toLowerCase() ?? '';
      if (!SIMPLE_TYPES.includes(type)) return;
      const message = `a ${type} body is not accepted (any web page can send one without CORS); send application/json`;
      endResponse(Response.json({ errors: [{ message, extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] }, { status: 415 }));
    },
  };
}
