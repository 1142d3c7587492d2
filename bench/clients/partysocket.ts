// partysocket's reconnecting socket (`partysocket/ws`, the class PartySocket extends),
// which takes a plain URL; the room/host helper on top only builds that URL.
import type { BenchConnection, ClientAdapter, ConnectOptions } from './types.js';

type PsCtor = new (url: string, protocols?: string | string[], options?: Record<string, unknown>) => any;
let PS: PsCtor | undefined;

export const partysocket: ClientAdapter = {
  name: 'partysocket',
  packageName: 'partysocket',
  reconnects: true,
  async load() {
    const mod: any = await import('partysocket/ws');
    PS = mod.default as PsCtor;
  },
  connect(o: ConnectOptions): BenchConnection {
    const ps = new PS!(o.url, undefined, { WebSocket: o.WebSocket });
    ps.binaryType = 'arraybuffer';
    const onMessage = o.onMessage;
    if (o.onOpen) ps.addEventListener('open', () => o.onOpen!());
    if (onMessage) ps.addEventListener('message', (e: { data: unknown }) => onMessage(e.data));
    if (o.onClose) ps.addEventListener('close', () => o.onClose!());
    ps.addEventListener('error', () => {});
    return {
      send: (d) => ps.send(d),
      close: () => ps.close(),
    };
  },
};
