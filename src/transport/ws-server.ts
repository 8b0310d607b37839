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
import type { Context, SubscribePayload } from 'graphql-ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { WatchQuota } from '../live/watch-quota.ts';
import type { Config } from '../config/config.ts';
import type { HostCheck } from './host-guard.ts';
import { ORIGIN_REFUSAL, upgradeAllowed } from './origin.ts';
import type { LensContext } from '../schema/context.ts';
import { SENDS_MEMBERS, memberOf } from '../live/live-core.ts';
import { type SocketExtra, serveGraphqlWs } from './ws-connection.ts';
import type { Prepared } from './ws-operations.ts';

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
  const release = (ctx: object, id: string) => void live.get(ctx)?.delete(id);
  // Task watches per connection, over all its subscriptions (given back as each ends).
  const quotas = new WeakMap<object, WatchQuota>();
  const quotaOf = (ctx: object) => {
    const quota = quotas.get(ctx) ?? new WatchQuota(limits.maxWatchesPerConnection, 'connection');
    quotas.set(ctx, quota);
    return quota;
  };
  // Connections past connection_init: only they hold a slot, so idle raw sockets cannot keep clients out.
  const initialised = new Set<object>();
  const prepare = async (
    ctx: Context<undefined, SocketExtra>,
    id: string,
    params: SubscribePayload,
  ): Promise<Prepared | readonly GraphQLError[]> => {
    const ids = live.get(ctx) ?? new Set<string>();
    live.set(ctx, ids);
    // Counted before any await: subscribe messages sent back to back must not all pass.
    if (ids.size >= limits.maxSubscriptionsPerConnection) {
      return [
        new GraphQLError(
          `this connection already has ${ids.size} subscriptions; the limit is ${limits.maxSubscriptionsPerConnection}`,
          { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: limits.maxSubscriptionsPerConnection } },
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
      };
      const errors = enveloped.validate(args.schema, args.document);
      if (errors.length > 0) return errors;
      return {
        args,
        run: async (operation) => {
          if (operation !== 'subscription') return enveloped.execute(args);
          const result = await enveloped.subscribe(args);
          // Sent by ws-operations.ts as it comes, the member is all the subscription keeps (src/live/members.ts).
          return memberOf(result) ?? result;
        },
      };
    } catch (error) {
      // A syntax error or a parse-time limit: an error for this operation, not the connection.
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
  };
  const disposable = serveGraphqlWs(
    wsServer,
    {
      onConnect: (ctx) => {
        if (initialised.size >= limits.maxWsConnections) return false;
        initialised.add(ctx);
        return true;
      },
      onClose: (ctx) => void initialised.delete(ctx),
    },
    { prepare, ended: release },
    // Pinged every keepAlive ms and terminated when a pong is not back keepAlive ms later:
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
