// Echo server for the throughput and memory benchmarks, in its own process.
// Echoes every message with the same text/binary kind; answers the text "ping"
// with "pong" so application-level heartbeats stay satisfied.
// Reports {port} on stdout when listening; on SIGTERM it exits.
import { WebSocketServer } from 'ws';
import { childGuard, emit } from '../lib/child.js';

childGuard(15 * 60_000);
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: 4096, clientTracking: false });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    if (!isBinary && Buffer.isBuffer(data) && data.length === 4 && data.toString() === 'ping') ws.send('pong');
    else ws.send(data, { binary: isBinary });
  });
  ws.on('error', () => {});
});
wss.on('listening', () => {
  const addr = wss.address();
  emit('ready', { port: addr && typeof addr === 'object' ? addr.port : 0 });
});
