// xstate-websocket through its public API: createConnection, imported from dist/index.js (or src/) in load().
import type { BenchConnection, ClientAdapter, ConnectOptions } from './types.js';
import type * as Ours from '../../src/index.js';

let createConnection: typeof Ours.createConnection | undefined;

export const ours: ClientAdapter = {
  name: 'ours',
  packageName: null,
  reconnects: true,
  async load() {
    // The built package (dist/, as published; `npm run bench` builds it first), or src/ through tsx
    // with BENCH_OURS_FROM=src. tsx wraps every named closure in `__name(fn, "...")`, which gives
    // each its own property store: about 5.7 KB more heap per connection than the published build.
    const entry = process.env.BENCH_OURS_FROM === 'src' ? '../../src/index.ts' : '../../dist/index.js';
    const spec = new URL(entry, import.meta.url).href;
    const mod = (await import(spec)) as typeof Ours;
    if (typeof mod.createConnection !== 'function') throw new Error(`${entry} has no createConnection export`);
    createConnection = mod.createConnection;
  },
  connect(o: ConnectOptions): BenchConnection {
    // Defaults (heartbeat on, binaryType 'arraybuffer', jittered backoff) unless told otherwise.
    const conn = createConnection!({
      url: o.url,
      WebSocket: o.WebSocket as Ours.WebSocketConstructor,
      ...(o.heartbeat ? { heartbeat: o.heartbeat } : {}),
    });
    const onMessage = o.onMessage;
    if (o.onOpen) conn.on('open', () => o.onOpen!());
    if (onMessage) conn.on('message', (data: unknown) => onMessage(data));
    if (o.onClose) conn.on('close', () => o.onClose!());
    return {
      send: (d) => void conn.send(d),
      close: () => conn.close(),
    };
  },
};
