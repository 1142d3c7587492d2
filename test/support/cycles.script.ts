/**
 * Child-process check that nothing keeps the process alive: runs connect/close/kill cycles
 * against a fault server, stops everything and returns WITHOUT process.exit. The parent test
 * expects this process to exit by itself, quickly.
 *
 *   node --import tsx test/support/cycles.script.ts <ws|global> <count> [closedSockets]
 *   (`global` is Node's built-in WebSocket: add --experimental-websocket on Node 20)
 */
import WebSocket from 'ws';
import { createConnection } from '../../src/index.js';
import { killOnRequest, startFaultServer } from './fault-server.js';
import { createInstrumentedClient, histogram } from './instrumented-client.js';

const which = process.argv[2] ?? 'ws';
const count = Number(process.argv[3] ?? 100);
/** How many sockets end CLOSED (the rest may stay CLOSING where the implementation leaves them so). */
const closedSockets = Number(process.argv[4] ?? Infinity);
type Ctor = new (url: string, protocols?: string | string[]) => object;
const Impl: Ctor | undefined = which === 'global' ? (globalThis as { WebSocket?: Ctor }).WebSocket : WebSocket;
if (typeof Impl !== 'function') throw new Error(`no ${which} WebSocket in this process`);

const server = await startFaultServer({ onConnection: killOnRequest });
const client = createInstrumentedClient(createConnection, Impl, {
  url: server.url,
  options: { autoConnect: false, closeTimeoutMs: 2000, backoff: { initialDelayMs: 5, maxDelayMs: 10, factor: 1, jitter: 1 } },
});
const report = await client.runCycles(count, 60_000);
client.stop();
// A socket stop() let go of finishes its close handshake: a bounded wait for them to be CLOSED.
const closed = () => client.state().readyStates.filter((r) => r === 3).length;
for (let i = 0; i < 200 && closed() < Math.min(closedSockets, client.state().created); i++) await new Promise((r) => setTimeout(r, 10));
const state = client.state();
await server.close();
console.log(
  JSON.stringify({
    ...report,
    sockets: state.created,
    readyStates: histogram(state.readyStates),
    armedTimers: state.armedTimers,
    listeners: state.listeners.reduce((a, b) => a + b, 0) + state.emitterListeners.reduce<number>((a, b) => a + (b ?? 0), 0),
  }),
);
