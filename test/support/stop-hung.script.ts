/**
 * Child-process check that stop() bounds a socket's life: connects to `url` (a fault server in
 * the parent, holding the client's close frame), stop()s once open and returns WITHOUT
 * process.exit. It prints the time of stop() since the process started; the parent expects the
 * process to exit by itself within closeTimeoutMs of that.
 *
 *   node --import tsx test/support/stop-hung.script.ts <ws|global> <url> [closeTimeoutMs]
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createConnection } from '../../src/index.js';

const which = process.argv[2] ?? 'ws';
const url = process.argv[3]!;
const closeTimeoutMs = Number(process.argv[4] ?? 300);
type Ctor = new (url: string, protocols?: string | string[]) => object;
const Impl: Ctor | undefined = which === 'global' ? (globalThis as { WebSocket?: Ctor }).WebSocket : WebSocket;
if (typeof Impl !== 'function') throw new Error(`no ${which} WebSocket in this process`);

const conn = createConnection({ url, WebSocket: Impl as never, closeTimeoutMs });
await new Promise<void>((resolve) => conn.on('open', () => resolve()));
conn.stop();
// performance.now() counts from the process's start, as the parent's measure of its life does.
console.log(JSON.stringify({ stoppedAt: performance.now() }));
