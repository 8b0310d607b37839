/**
 * graphql-ws on the HTTP server's /graphql path. Operations go through
 * yoga.getEnveloped, so they pass the same plugins as HTTP ones (auth,
 * limits, logs, metrics). Caps: initialised connections per process (4403
 * past it; a socket that never sends connection_init does not count, and
 * graphql-ws closes it after 3 s), subscriptions per connection
 * (TOO_MANY_SUBSCRIPTIONS), and graphql-ws' ping keepalive, which drops a
 * socket that answers no ping within --ws-idle-timeout-ms.
 * Subscriptions run on the live core (src/live/live-core.ts), which hands this
 * transport each one's member to send.
 */
import type { Server } from 'node:http';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { WatchQuota } from '../live/watch-quota.ts';
import type { Config } from '../config/config.ts';
import type { HostCheck } from './host-guard.ts';
import { ORIGIN_REFUSAL, upgradeAllowed } from './origin.ts';
import type { LensContext } from '../schema/context.ts';
import { SENDS_MEMBERS, memberOf } from '../live/live-core.ts';

/** What graphql-ws hands back to execute/subscribe: Yoga's enveloped functions. */
interface EnvelopedRoot {
  readonly execute: (args: ExecutionArgs) => OperationResult;
  readonly subscribe: (args: ExecutionArgs) => OperationResult;
}

type Limits = Pick<
  Config,
  | 'maxBodyBytes'
  | 'maxWsConnections'
  | 'maxSubscriptionsPerConnection'
  | 'wsIdleTimeoutMs'
  | 'maxWatchesPerConnection'
  | 'corsOrigins'
>;

export function attachWebSockets(
  server: Server,
  yoga: YogaServerInstance<object, LensContext>,
  limits: Limits,
  checkHost: HostCheck,
) {
  const wsServer = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: limits.maxBodyBytes,
    verifyClient: ({ origin, req }, accept) => {
      // As every HTTP request (src/transport/host-guard.ts): a DNS-rebound page names its own site.
      const refusal = checkHost(req.headers.host);
      if (refusal) {
        accept(false, refusal.status, refusal.body, { 'Content-Type': 'application/json; charset=utf-8' });
        return;
      }
      // A page on another site must not open a socket with the visitor's network position (--cors-origins).
      if (upgradeAllowed(limits.corsOrigins, origin || undefined, req.headers.host)) accept(true);
      else accept(false, 403, ORIGIN_REFUSAL, { 'Content-Type': 'application/json; charset=utf-8' });
    },
  });
  // Live subscriptions per connection, to cap them.
  const live = new WeakMap<object, Set<string>>();
  const release = (ctx: object, id: string) => live.get(ctx)?.delete(id);
  // Task watches per connection, over all its subscriptions (given back as each ends).
  const quotas = new WeakMap<object, WatchQuota>();
  const quotaOf = (ctx: object) => {
    const quota = quotas.get(ctx) ?? new WatchQuota(limits.maxWatchesPerConnection, 'connection');
    quotas.set(ctx, quota);
    return quota;
  };
  // Connections past connection_init: only they hold a slot, so idle raw sockets cannot keep clients out.
  const initialised = new Set<object>();
  const disposable = useServer(
    {
      onConnect: (ctx) => {
        if (initialised.size >= limits.maxWsConnections) return false;
        initialised.add(ctx);
        return true;
      },
      onClose: (ctx) => void initialised.delete(ctx),
      onComplete: (ctx, id) => void release(ctx, id),
      onError: (ctx, id) => void release(ctx, id),
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: async (args) => {
        const result = await (args.rootValue as EnvelopedRoot).subscribe(args);
        const member = memberOf(result);
        if (!member) return result;
        // graphql-ws keeps these args while the subscription lasts, and reads nothing more of them (no onNext
        // hook here): a member must not keep its operation's context alive (src/live/members.ts).
        // Nor the subscribe message's query text and variables (graphql-ws hands its payload only to hooks not used here).
        const params = (args.contextValue as { params?: { query?: string; variables?: unknown } }).params;
        if (params) {
          params.query = '';
          params.variables = undefined;
        }
        args.contextValue = undefined;
        args.rootValue = undefined;
        args.variableValues = undefined;
        return member;
      },
      onSubscribe: async (ctx, id, params) => {
        const ids = live.get(ctx) ?? new Set<string>();
        live.set(ctx, ids);
        // Counted before any await: subscribe messages sent back to back must not all pass.
        if (ids.size >= limits.maxSubscriptionsPerConnection) {
          return [
            new GraphQLError(
              `this connection already has ${ids.size} subscriptions; the limit is ${limits.maxSubscriptionsPerConnection}`,
              {
                extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: limits.maxSubscriptionsPerConnection },
              },
            ),
          ];
        }
        ids.add(id);
        try {
          const enveloped = yoga.getEnveloped({
            ...ctx,
            req: ctx.extra.request,
            socket: ctx.extra.socket,
            params,
            watchQuota: quotaOf(ctx),
            [SENDS_MEMBERS]: true,
          });
          const args: ExecutionArgs = {
            schema: enveloped.schema,
            operationName: params.operationName,
            document: enveloped.parse(params.query),
            variableValues: params.variables,
            contextValue: await enveloped.contextFactory(),
            rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe } as EnvelopedRoot,
          };
          const errors = enveloped.validate(args.schema, args.document);
          if (errors.length === 0) return args;
          ids.delete(id);
          return errors;
        } catch (error) {
          // A syntax error or a parse-time limit: an error for this operation, not the connection.
          ids.delete(id);
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
    },
    wsServer,
    // graphql-ws pings every keepAlive ms and terminates a socket whose pong is not back keepAlive ms later:
    // a silent socket goes between one and two intervals after it fell silent, at most the idle timeout.
    limits.wsIdleTimeoutMs / 2,
  );

  return {
    wsServer,
    /** Completes every subscription and closes sockets with 1001 (Going Away). */
    async close(): Promise<void> {
      await disposable.dispose();
      wsServer.close();
    },
  };
}
