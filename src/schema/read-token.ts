/**
 * `createReadToken`: a signed, stateless token for an end user's browser,
 * behind the `tokens` scope. What its holder may then read is
 * src/schema/read-grant.ts; the token itself src/auth/read-token.ts.
 */
import { GraphQLError } from 'graphql';
import { principalOf, readTokensOf } from '../auth/principal-of.ts';
import { type GrantKind, TokensDisabledError } from '../auth/read-token.ts';
import { checkGoalKey } from '../store/goal-types.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { LensError } from '../errors/lens-error.ts';
import { builder } from './builder.ts';
import type { LensContext } from './context.ts';
import { toGraphQLError } from './graphql-error.ts';
import { checkTaskId } from './task/task-ids.ts';

const ReadTokenRef = builder.objectRef<{ token: string; expiresAt: Date }>('ReadToken').implement({
  description: "A token for an end user's browser: it reads one task, one workflow or one goal, and nothing else.",
  fields: (t) => ({
    token: t.exposeString('token', {
      description:
        'Send as `Authorization: Bearer <token>`, `{ token }` in graphql-ws connectionParams, or `?token=` on an SSE GET.',
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

/** Longest a read token may live: a day. */
const MAX_TTL_SECONDS = 86_400;

function grantAsked(
  args: { taskId?: string | number | null; rootId?: string | number | null; goalKey?: string | number | null },
  context: LensContext,
): { kind: GrantKind; id: string } {
  const given = (
    [
      ['task', args.taskId],
      ['root', args.rootId],
      ['goal', args.goalKey],
    ] as const
  ).filter(([, value]) => value != null);
  const [first] = given;
  if (given.length !== 1 || !first) {
    throw toGraphQLError(
      new InvalidArgumentError('taskId, rootId, goalKey', `: give exactly one of them, got ${given.length}`),
    );
  }
  const [kind, value] = first;
  if (kind !== 'goal') return { kind, id: checkTaskId(value as string, context) };
  try {
    return { kind, id: checkGoalKey(String(value)) };
  } catch (error) {
    throw error instanceof LensError ? toGraphQLError(error) : error;
  }
}

builder.mutationField('createReadToken', (t) =>
  t.field({
    type: ReadTokenRef,
    // Its own scope alone: a backend that mints tokens need not read anything itself.
    skipTypeScopes: true,
    authScopes: { tokens: true },
    description:
      "A signed, stateless token for an end user's browser, reading exactly one task (taskId), one workflow (rootId: " +
      'the root and every task under it) or one goal (goalKey), and payload fields only with payload: true. ' +
      'ttlSeconds: 1 to 86400. Needs the tokens scope (and payload, to grant payload).',
    args: {
      taskId: t.arg.id(),
      rootId: t.arg.id(),
      goalKey: t.arg.id(),
      ttlSeconds: t.arg.int({ required: true, defaultValue: 3600 }),
      payload: t.arg.boolean({ required: true, defaultValue: false }),
    },
    resolve: (_root, args, context) => {
      const { kind, id } = grantAsked(args, context);
      if (args.ttlSeconds <= 0 || args.ttlSeconds > MAX_TTL_SECONDS) {
        throw toGraphQLError(
          new InvalidArgumentError('ttlSeconds', `must be from 1 to ${MAX_TTL_SECONDS}, got ${args.ttlSeconds}`),
        );
      }
      if (args.payload && !principalOf(context.config, context)?.scopes.has('payload')) {
        throw new GraphQLError('granting payload: true needs the payload scope', { extensions: { code: 'FORBIDDEN' } });
      }
      const signer = readTokensOf(context.config);
      if (!signer)
        throw toGraphQLError(
          new TokensDisabledError('read tokens cannot be signed: configure --token-secret (or --jwt-secret)'),
        );
      const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + args.ttlSeconds * 1000);
      return { token: signer.create({ kind, id, payload: args.payload, expiresAt: expiresAt.getTime() }), expiresAt };
    },
  }),
);
