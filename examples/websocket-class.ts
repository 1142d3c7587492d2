/**
 * `ReconnectingWebSocket` against a local `ws` echo server: written like plain WebSocket code
 * (handlers, readyState), with reconnecting-websocket's option names; the server kills the
 * connection once and the class reconnects. Run it with `npm run example:websocket`.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { ReconnectingWebSocket } from 'xstate-websocket/websocket';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((resolve) => server.once('listening', resolve));
server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;

const STATES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
const ws = new ReconnectingWebSocket(url, [], { WebSocket, minReconnectionDelay: 200, maxRetries: 5 });
ws.onopen = () => {
  console.log(`open (retryCount ${ws.retryCount})`);
  ws.send(ws.retryCount === 0 ? 'first' : 'after the drop');
};
ws.onmessage = (event) => {
  console.log('message', event.data);
  if (event.data === 'first') for (const client of server.clients) client.terminate(); // the server drops us
  if (event.data === 'after the drop') ws.close(1000, 'done');
};
ws.onclose = (event) => console.log(`close ${event.code}, readyState ${STATES[ws.readyState]}`);
ws.send('queued'); // sent on the first open, before 'first'

await new Promise<void>((resolve) => ws.addEventListener('close', () => ws.readyState === ws.CLOSED && resolve()));
await new Promise((resolve) => server.close(resolve));
