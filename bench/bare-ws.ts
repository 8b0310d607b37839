/**
 * The floor for P3a: a bare `ws` server (the library graphql-ws runs on) on
 * node:http, holding idle WebSockets and doing nothing with them. What one
 * idle connection costs any Node WebSocket service.
 *
 *   node --import tsx bench/bare-ws.ts <port>
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const [port] = process.argv.slice(2);
const server = createServer((_request, response) => response.writeHead(200).end('ok'));
const sockets = new WebSocketServer({ server });
// Held, as graphql-ws holds its sockets; messages are read and dropped.
sockets.on('connection', (socket) => socket.on('message', () => {}));
server.listen(Number(port), '127.0.0.1');
