/**
 * One WebSocket as graphql-ws' makeServer wants it (what graphql-ws/use/ws
 * does, which this replaces): the protocol is negotiated, each socket is
 * pinged every `keepAlive` ms and terminated when its pong is not back
 * within as long, an error on it closes it (4500). Its `subscribe` messages
 * go to ws-operations.ts; every other message to makeServer.
 */
import type { IncomingMessage } from 'node:http';
import {
  CloseCode,
  type Context,
  type ServerOptions as GraphqlWsOptions,
  MessageType,
  type SubscribePayload,
  handleProtocols,
  makeServer,
  parseMessage,
} from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { type OperationSteps, runOperation } from './ws-operations.ts';

/**
 * What of the upgrade request a connection keeps: who is calling, for the
 * per-caller limits (http/client-address.ts). Not the IncomingMessage itself,
 * which (its headers, parser state and buffers) would outweigh everything else
 * an idle socket holds.
 */
export interface SocketRequest {
  readonly socket: { readonly remoteAddress?: string };
  readonly headers: { readonly 'x-forwarded-for'?: string | string[] };
}

/** What graphql-ws hands to its hooks as `ctx.extra`. */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly request: SocketRequest;
}

function slim(request: IncomingMessage): SocketRequest {
  const forwarded = request.headers['x-forwarded-for'];
  return {
    socket: { remoteAddress: request.socket.remoteAddress },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  };
}

const INTERNAL = 'Internal server error';

/** Serves graphql-ws on `wsServer`; resolves dispose() once every socket is closed (1001) and the server too. */
export function serveGraphqlWs(
  wsServer: WebSocketServer,
  options: GraphqlWsOptions<undefined, SocketExtra>,
  steps: OperationSteps,
  keepAlive: number,
): { dispose(): Promise<void> } {
  // makeServer makes each connection's context: its connect hook tells which socket's it is.
  const contexts = new WeakMap<WebSocket, Context<undefined, SocketExtra>>();
  const { onConnect } = options;
  const server = makeServer<undefined, SocketExtra>({
    ...options,
    onConnect: (ctx) => {
      contexts.set(ctx.extra.socket, ctx);
      return onConnect?.(ctx);
    },
  });
  wsServer.options.handleProtocols = handleProtocols;
  wsServer.on('error', () => {
    for (const client of wsServer.clients) client.close(CloseCode.InternalServerError, INTERNAL);
  });
  const pinging = keepAlive > 0 ? pingEvery(wsServer, keepAlive) : null;
  wsServer.on('connection', (socket, request) => {
    socket.once('error', () => socket.close(CloseCode.InternalServerError, INTERNAL));
    pinging?.add(socket);
    const operationSocket = {
      send: (data: string) =>
        new Promise<void>((resolve, reject) => {
          if (socket.readyState !== socket.OPEN) return resolve();
          socket.send(data, (error) => (error ? reject(error) : resolve()));
        }),
      close: (code: number, reason: string) => socket.close(code, reason),
    };
    const internal = () => socket.close(CloseCode.InternalServerError, INTERNAL);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: operationSocket.send,
        close: operationSocket.close,
        onMessage: (handle) =>
          socket.on('message', (event) => {
            const data = String(event);
            const subscribe = subscribeMessageOf(data);
            if (!subscribe) {
              handle(data).catch(internal);
              return;
            }
            const ctx = contexts.get(socket);
            if (!ctx) return operationSocket.close(CloseCode.Unauthorized, 'Unauthorized');
            runOperation(ctx, operationSocket, subscribe, steps).catch(internal);
          }),
      },
      { socket, request: slim(request) },
    );
    socket.once('close', (code, reason) => {
      // Its hooks (onClose) do not throw; the subscriptions' return() are the members' own.
      closed(code, String(reason)).catch(() => {});
    });
  });
  return {
    async dispose() {
      pinging?.stop();
      for (const client of wsServer.clients) client.close(1001, 'Going away');
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => wsServer.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** A valid `subscribe` message; anything else (or nothing valid) is makeServer's to answer. */
function subscribeMessageOf(data: string): { id: string; payload: SubscribePayload } | null {
  // Most messages are subscribes; the rest are short: a cheap look before a second parse.
  if (!data.includes(`"${MessageType.Subscribe}"`)) return null;
  try {
    const message = parseMessage(data);
    return message.type === MessageType.Subscribe ? message : null;
  } catch {
    return null;
  }
}

/**
 * Pings every socket every `interval` ms and terminates one whose pong to the
 * previous ping is not back: it goes between one and two intervals after it
 * fell silent. One timer and one shared pong listener for all of them, not a
 * timer and closures per socket (an idle socket's memory is the point).
 */
function pingEvery(wsServer: WebSocketServer, interval: number) {
  const waiting = new WeakSet<WebSocket>();
  function ponged(this: WebSocket): void {
    waiting.delete(this);
  }
  const timer = setInterval(() => {
    for (const socket of wsServer.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      if (waiting.has(socket)) {
        socket.terminate();
        continue;
      }
      waiting.add(socket);
      socket.ping();
    }
  }, interval);
  timer.unref();
  return {
    add: (socket: WebSocket) => socket.on('pong', ponged),
    stop: () => clearInterval(timer),
  };
}
