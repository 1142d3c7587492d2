import type { BenchConnection, ClientAdapter, ConnectOptions } from './types.js';

type RwsCtor = new (url: string, protocols?: string | string[], options?: Record<string, unknown>) => any;
let RWS: RwsCtor | undefined;

export const reconnectingWebsocket: ClientAdapter = {
  name: 'reconnecting-websocket',
  packageName: 'reconnecting-websocket',
  reconnects: true,
  async load() {
    const mod: any = await import('reconnecting-websocket');
    // The package ships CJS with `exports.default`; ESM interop may wrap it once more.
    RWS = (typeof mod.default === 'function' ? mod.default : mod.default.default) as RwsCtor;
  },
  connect(o: ConnectOptions): BenchConnection {
    // Defaults except the WebSocket implementation (the option the library offers).
    const rws = new RWS!(o.url, undefined, { WebSocket: o.WebSocket });
    rws.binaryType = 'arraybuffer';
    const onMessage = o.onMessage;
    if (o.onOpen) rws.addEventListener('open', () => o.onOpen!());
    if (onMessage) rws.addEventListener('message', (e: { data: unknown }) => onMessage(e.data));
    if (o.onClose) rws.addEventListener('close', () => o.onClose!());
    rws.addEventListener('error', () => {});
    return {
      send: (d) => rws.send(d),
      close: () => rws.close(),
    };
  },
};
