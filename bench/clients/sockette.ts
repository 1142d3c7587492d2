// sockette reads the global WebSocket and has no constructor option, so the
// adapter installs the given implementation as globalThis.WebSocket.
// It does not expose the socket, so binaryType stays the implementation's default.
import type { BenchConnection, ClientAdapter, ConnectOptions } from './types.js';

type SocketteFn = (url: string, opts?: Record<string, unknown>) => any;
let Sockette: SocketteFn | undefined;

export const sockette: ClientAdapter = {
  name: 'sockette',
  packageName: 'sockette',
  reconnects: true,
  async load() {
    const mod: any = await import('sockette');
    Sockette = (typeof mod.default === 'function' ? mod.default : mod.default.default) as SocketteFn;
  },
  connect(o: ConnectOptions): BenchConnection {
    (globalThis as any).WebSocket = o.WebSocket;
    const onMessage = o.onMessage;
    const s = Sockette!(o.url, {
      onopen: o.onOpen ? () => o.onOpen!() : undefined,
      onmessage: onMessage ? (e: { data: unknown }) => onMessage(e.data) : undefined,
      onclose: o.onClose ? () => o.onClose!() : undefined,
      onerror: () => {},
    });
    return {
      send: (d) => s.send(d),
      close: () => s.close(),
    };
  },
};
