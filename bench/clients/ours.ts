// xstate-websocket through its public API: createConnection, imported from src/index.ts in load().
import type { BenchConnection, ClientAdapter, ConnectOptions } from './types.js';
import type * as Ours from '../../src/index.js';

let createConnection: typeof Ours.createConnection | undefined;

export const ours: ClientAdapter = {
  name: 'ours',
  packageName: null,
  reconnects: true,
  async load() {
    // BENCH_OURS_FROM=dist: the built package (after `npm run build`), e.g. for heap snapshots with real lines.
    const entry = process.env.BENCH_OURS_FROM === 'dist' ? '../../dist/index.js' : '../../src/index.ts';
    const spec = new URL(entry, import.meta.url).href;
    const mod = (await import(spec)) as typeof Ours;
    if (typeof mod.createConnection !== 'function') throw new Error('src/index.ts has no createConnection export');
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
