/**
 * A tour against a local `ws` echo server: queue before open, echo, a killed connection and the
 * reconnect, a manual close. Run it with `npm run example:echo` (builds the package first).
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { createConnection } from 'xstate-websocket';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((resolve) => server.once('listening', resolve));
server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;

const started = Date.now();
const log = (...parts: unknown[]) => console.log(`${String(Date.now() - started).padStart(5)} ms`, ...parts);

const conn = createConnection({ url, WebSocket, backoff: { initialDelayMs: 500 }, heartbeat: { intervalMs: 1000, timeoutMs: 500 } });
conn.on('status', (status) => log('status  ', status));
conn.on('message', (data) => log('message ', data));
conn.on('retry', ({ attempt, delayMs }) => log('retry   ', `attempt ${attempt} in ${delayMs} ms`));
conn.on('close', ({ code, reason }) => log('close   ', code, reason));

conn.send(JSON.stringify({ type: 'chat', text: 'queued before open' }));
await new Promise<void>((resolve) => conn.on('open', () => resolve()));
conn.send(JSON.stringify({ type: 'chat', text: 'hello' }));

await new Promise((r) => setTimeout(r, 200));
log('fault   ', 'server kills every connection');
for (const client of server.clients) client.terminate();

await new Promise<void>((resolve) => {
  const off = conn.on('open', () => {
    off();
    resolve();
  });
});
conn.send(JSON.stringify({ type: 'chat', text: 'back again' }));
await new Promise((r) => setTimeout(r, 200));

conn.close(1000, 'bye');
await new Promise<void>((resolve) => conn.on('status', (s) => s === 'manuallyClosed' && resolve()));
conn.stop();
server.close();
log('done');
