/**
 * Watch a connection live in the Stately inspector from Node: a local echo server, a connection
 * inspected through `@statelyai/inspect`, one killed socket and the reconnect.
 *
 * Not run by the tests: the inspector UI is a web page (stately.ai/inspect), so this needs a
 * browser and the internet. Run it with `npx tsx examples/inspect-node.ts` after `npm run build`;
 * `createInspectorServer` opens the page, which receives the events through ws://localhost:8080.
 */
import type { AddressInfo } from 'node:net';
import { createWebSocketInspector } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import WebSocket, { WebSocketServer } from 'ws';
import { createConnection } from 'xstate-websocket';

// The bridge: a local WebSocket + HTTP server that forwards inspection events to the inspector page.
const inspectorServer = createInspectorServer({ port: 8080 });
const inspector = createWebSocketInspector({ url: 'ws://localhost:8080' });

const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((resolve) => echo.once('listening', resolve));
echo.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
const url = `ws://127.0.0.1:${(echo.address() as AddressInfo).port}/chat`;

const conn = createConnection({ url, WebSocket, backoff: { initialDelayMs: 1000 }, inspect: inspector.inspect });
// The same reasons the inspector shows in every snapshot's context, as a plain log.
conn.actor.subscribe((snapshot) => console.log(`${conn.status.padEnd(14)} ${snapshot.context.reason}`));

await new Promise<void>((resolve) => conn.on('open', () => resolve()));
conn.send('hello');
await new Promise((r) => setTimeout(r, 2000));
for (const client of echo.clients) client.terminate(); // a dropped connection: backoff, then reconnect
await new Promise<void>((resolve) => conn.on('open', () => resolve()));
await new Promise((r) => setTimeout(r, 2000));

conn.close();
await new Promise((r) => setTimeout(r, 500));
conn.stop();
echo.close();
inspector.stop();
inspectorServer.stop();
